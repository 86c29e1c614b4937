package pl.krakow.pulse.runtime;

import java.time.Duration;
import java.util.List;
import pl.krakow.pulse.platform.config.ConfigKey;

/**
 * The keys shared by every Kafka Streams topology of Kraków Pulse, read by
 * {@link pl.krakow.pulse.runtime.streams.TopologyOptions#fromConfig}: the idle timeout after which a silent input
 * no longer holds windows open, how often that is checked, how updates of a window are coalesced, how long an
 * application may make no progress before it is reported stuck, and whether hanging transactions are aborted.
 *
 * <p>{@link #KEYS} lists them in documentation order; {@code pulse config} and the README table show them in
 * that order among the other modules' keys.
 */
public final class RuntimeConfig {

    private RuntimeConfig() {
    }

    public static final ConfigKey<Duration> IDLE_TIMEOUT = ConfigKey.duration("indicators.idle.timeout", "indicators",
            Duration.ofHours(1), "When an input partition's stream time has not moved for this long (wall clock), its windows "
                    + "past their grace are finalised anyway and later stages leave it out of their watermark (city values, "
                    + "IV.4, IV.5), so a silent station or partition does not hold windows open forever. pulse run replaying "
                    + "the bundled data at full speed uses PT1M unless this is set.");
    public static final ConfigKey<Duration> PUNCTUATION_INTERVAL = ConfigKey.duration("indicators.punctuation.interval",
            "indicators", Duration.ofSeconds(30), "How often the wall-clock punctuator checks for stalled stream time.");
    public static final ConfigKey<Duration> EMIT_INTERVAL = ConfigKey.duration("indicators.emit.interval", "indicators",
            Duration.ofMillis(50), "Coalesces a window's updates into at most one PROVISIONAL value per interval. Under "
                    + "exactly-once nothing is visible before the next commit anyway, so the default equals "
                    + "streams.commit.interval.ms; PT0S emits a value for every accepted event (much lower throughput).");
    public static final ConfigKey<Boolean> EMIT_PROVISIONAL = ConfigKey.bool("indicators.emit.provisional", "indicators",
            true, "true: a window's value is published as it changes (PROVISIONAL, coalesced by indicators.emit.interval) and "
                    + "once more when it closes (FINAL). false: the daily-mean and hourly-value series (and the stages derived "
                    + "from them) publish only the FINAL value at window end plus grace, as a windowed batch or Flink job does: "
                    + "far less output, but nothing is visible before a window closes.");
    public static final ConfigKey<Duration> STREAMS_STALL_TIMEOUT = ConfigKey.duration("streams.stall.timeout", "streams",
            Duration.ofSeconds(60), "A Streams application out of RUNNING (rebalancing, restoring) for longer than this, or "
                    + "RUNNING with input lag and nothing processed for this long, is reported stuck: /ready not ready, "
                    + "/health 503 naming it with the reason, and pulse run prints a line.");
    public static final ConfigKey<Boolean> ABORT_HANGING_TRANSACTIONS = ConfigKey.bool("transactions.hanging.abort", "streams",
            false, "At start-up, before the Streams applications start, every partition is checked for a hanging transaction "
                    + "(open on the partition, but not in progress at its transaction coordinator), which "
                    + "would keep read_committed readers and offset fetches waiting forever. The embedded broker always aborts "
                    + "them; on a cluster they are only logged unless this is true.");

    public static final ConfigKey<String> MANAGEMENT_HTTP_HOST = ConfigKey.string("management.http.host", "components",
            "127.0.0.1", "Interface of the management endpoints (/health, /ready, /metrics) of pulse ingest, pulse indicators "
                    + "and pulse alerting; 0.0.0.0 in a container. pulse run and pulse publish serve them on http.port.");
    public static final ConfigKey<Integer> MANAGEMENT_HTTP_PORT = ConfigKey.integer("management.http.port", "components", 8090,
            "Port of the management endpoints of pulse ingest, pulse indicators and pulse alerting (0 = any free port).")
            .withValidator(ConfigKey.port());
    public static final ConfigKey<Duration> STARTUP_CONNECT_TIMEOUT = ConfigKey.duration("startup.connect.timeout", "components",
            Duration.ofSeconds(60), "How long a component started against a cluster (bootstrap.servers set) keeps trying to "
                    + "reach the cluster and the schema registry at start-up, with backoff, before it exits with status 3 "
                    + "naming what it could not reach.");

    /** Every key of this module, in documentation order. */
    public static final List<ConfigKey<?>> KEYS = List.of(IDLE_TIMEOUT, PUNCTUATION_INTERVAL, EMIT_INTERVAL, EMIT_PROVISIONAL,
            STREAMS_STALL_TIMEOUT, ABORT_HANGING_TRANSACTIONS, MANAGEMENT_HTTP_HOST, MANAGEMENT_HTTP_PORT,
            STARTUP_CONNECT_TIMEOUT);
}
