package pl.krakow.pulse.runtime.streams;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.runtime.RuntimeConfig;

/**
 * Runtime collaborators and tuning shared by every goal topology (IV.3, IV.4, IV.5) and the alerting
 * topology: goal-neutral, so a domain takes these and not another domain's options.
 *
 * @param meters              where per-record metrics go (tests pass a {@code SimpleMeterRegistry})
 * @param clock               wall clock for {@code computedAt} (tests pass a fixed or mutable clock)
 * @param punctuationInterval how often the idle check runs (wall-clock time)
 * @param idleTimeout         how long stream time must stall before wall-clock time closes windows
 * @param emitInterval        {@link Duration#ZERO} (default): a PROVISIONAL value per change; positive:
 *                            coalesce a station-day's changes and emit at most once per interval (set it
 *                            to {@code commit.interval.ms} for backfills: same visibility, far less output)
 * @param provisional         true (default): windows are published as they change (PROVISIONAL) and once more when
 *                            they close (FINAL); false: the daily-mean and hourly-value series publish only the FINAL
 *                            value at window end (what a windowed batch or Flink job gives), and the stages derived
 *                            from them see only FINAL values too
 */
public record TopologyOptions(MeterRegistry meters, Clock clock, Duration punctuationInterval, Duration idleTimeout,
                              Duration emitInterval, boolean provisional) {

    public static final Duration DEFAULT_PUNCTUATION_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);

    public TopologyOptions {
        Objects.requireNonNull(meters, "meters");
        Objects.requireNonNull(clock, "clock");
        if (punctuationInterval == null || punctuationInterval.toMillis() < 1) {
            throw new IllegalArgumentException("punctuation interval must be at least 1 ms: " + punctuationInterval);
        }
        if (idleTimeout == null || idleTimeout.isNegative()) {
            throw new IllegalArgumentException("idle timeout must not be negative: " + idleTimeout);
        }
        if (emitInterval == null || emitInterval.isNegative()) {
            throw new IllegalArgumentException("emit interval must not be negative: " + emitInterval);
        }
    }

    /** Global Micrometer registry, system UTC clock, 30 s punctuation, 1 h idle timeout, emit every change, PROVISIONAL values on. */
    public static TopologyOptions defaults() {
        return new TopologyOptions(Metrics.globalRegistry, Clock.systemUTC(), DEFAULT_PUNCTUATION_INTERVAL, DEFAULT_IDLE_TIMEOUT,
                Duration.ZERO, true);
    }

    /** The options an operator configured ({@code indicators.*} keys): what {@code pulse run} and the benchmark use. */
    public static TopologyOptions fromConfig(PulseConfig config, MeterRegistry registry) {
        return defaults().withMeters(registry)
                .withIdleTimeout(config.get(RuntimeConfig.IDLE_TIMEOUT))
                .withPunctuationInterval(config.get(RuntimeConfig.PUNCTUATION_INTERVAL))
                .withEmitInterval(config.get(RuntimeConfig.EMIT_INTERVAL))
                .withProvisional(config.get(RuntimeConfig.EMIT_PROVISIONAL));
    }

    public TopologyOptions withMeters(MeterRegistry registry) {
        return new TopologyOptions(registry, clock, punctuationInterval, idleTimeout, emitInterval, provisional);
    }

    public TopologyOptions withClock(Clock c) {
        return new TopologyOptions(meters, c, punctuationInterval, idleTimeout, emitInterval, provisional);
    }

    public TopologyOptions withPunctuationInterval(Duration interval) {
        return new TopologyOptions(meters, clock, interval, idleTimeout, emitInterval, provisional);
    }

    public TopologyOptions withIdleTimeout(Duration timeout) {
        return new TopologyOptions(meters, clock, punctuationInterval, timeout, emitInterval, provisional);
    }

    public TopologyOptions withEmitInterval(Duration interval) {
        return new TopologyOptions(meters, clock, punctuationInterval, idleTimeout, interval, provisional);
    }

    public TopologyOptions withProvisional(boolean publishProvisional) {
        return new TopologyOptions(meters, clock, punctuationInterval, idleTimeout, emitInterval, publishProvisional);
    }
}
