package pl.krakow.pulse.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import pl.krakow.pulse.platform.config.PulseConfig;

/**
 * What a parser needs from its surroundings: the clock (for time sanity and {@code ingestedAt}), the
 * validation limits from the configuration, the size of the duplicate-detection window, and the
 * meter registry for per-record metrics. Built at the edge ({@link #from}) and handed in, so tests
 * pass a fixed clock.
 *
 * @param clock            the wall clock, UTC
 * @param maxFuture        {@code ingest.max.future}: how far in the future an event may be stamped
 * @param maxAge           {@code ingest.max.age}: the horizon; older events are {@link ReasonCode#TOO_OLD}
 * @param duplicateWindow  how many recent event ids a session remembers for duplicate detection
 * @param meters           where per-record metrics go
 */
public record IngestContext(Clock clock, Duration maxFuture, Duration maxAge, int duplicateWindow, MeterRegistry meters) {

    /**
     * Remembered ids per session. Each costs ~150 bytes (the id string and a map entry), so the
     * default bounds the window at ~30 MB while covering 200 k events — 2.8 years of hourly data
     * for 8 station-pollutant series, far more than two overlapping files of one feed.
     */
    public static final int DEFAULT_DUPLICATE_WINDOW = 200_000;

    public IngestContext {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(meters, "meters");
        if (maxFuture == null || maxFuture.isNegative()) {
            throw new IllegalArgumentException("maxFuture must be >= 0: " + maxFuture);
        }
        if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("maxAge must be > 0: " + maxAge);
        }
        if (duplicateWindow < 1) {
            throw new IllegalArgumentException("duplicateWindow must be >= 1: " + duplicateWindow);
        }
    }

    /** The limits of {@code config} ({@code ingest.max.future}, {@code ingest.max.age}) on the system clock. */
    public static IngestContext from(PulseConfig config, MeterRegistry meters) {
        return from(config, meters, Clock.systemUTC());
    }

    public static IngestContext from(PulseConfig config, MeterRegistry meters, Clock clock) {
        return new IngestContext(clock, config.get(IngestConfig.MAX_FUTURE), config.get(IngestConfig.MAX_AGE),
                DEFAULT_DUPLICATE_WINDOW, meters);
    }

    /** Default limits, the given clock and a throw-away meter registry (tests, tools). */
    public static IngestContext defaults(Clock clock) {
        return from(PulseConfig.defaults(), new SimpleMeterRegistry(), clock);
    }

    public IngestContext withClock(Clock newClock) {
        return new IngestContext(newClock, maxFuture, maxAge, duplicateWindow, meters);
    }

    public IngestContext withMaxAge(Duration newMaxAge) {
        return new IngestContext(clock, maxFuture, newMaxAge, duplicateWindow, meters);
    }

    public IngestContext withMaxFuture(Duration newMaxFuture) {
        return new IngestContext(clock, newMaxFuture, maxAge, duplicateWindow, meters);
    }

    public IngestContext withMeters(MeterRegistry newMeters) {
        return new IngestContext(clock, maxFuture, maxAge, duplicateWindow, newMeters);
    }

    public IngestContext withDuplicateWindow(int newWindow) {
        return new IngestContext(clock, maxFuture, maxAge, newWindow, meters);
    }
}
