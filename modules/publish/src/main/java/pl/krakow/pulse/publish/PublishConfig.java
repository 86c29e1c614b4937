package pl.krakow.pulse.publish;

import java.time.Duration;
import java.util.List;
import pl.krakow.pulse.platform.config.ConfigKey;

/**
 * The keys of the read side: the HTTP server (API, /metrics, /health), the longest history range one request may
 * ask for and the page size of history answers, how long the read model keeps history per window grain, the
 * periodic open-data export and the limits of the live stream (SSE).
 *
 * <p>{@link #KEYS} lists them in documentation order; {@code pulse config} and the README table show them in
 * that order among the other modules' keys.
 */
public final class PublishConfig {

    private PublishConfig() {
    }

    public static final ConfigKey<String> HTTP_HOST = ConfigKey.string("http.host", "http", "127.0.0.1",
            "Address the HTTP server (API, /metrics, /health) binds to; 0.0.0.0 in containers.");
    public static final ConfigKey<Integer> HTTP_PORT = ConfigKey.integer("http.port", "http", 8080,
            "Port of the HTTP server (0 = any free port).").withValidator(ConfigKey.port());
    public static final ConfigKey<Integer> API_MAX_RANGE_DAYS = ConfigKey.integer("api.max.range.days", "http", 400,
            "Longest from..to range one history request may ask for, in days.").withValidator(ConfigKey.atLeast(1));
    public static final ConfigKey<Integer> API_HISTORY_PAGE_SIZE = ConfigKey.integer("api.history.page.size", "http", 1000,
            "Values per history answer when the request gives no limit; the answer links to the next page.")
            .withValidator(ConfigKey.atLeast(1));
    public static final ConfigKey<Integer> API_HISTORY_MAX_PAGE_SIZE = ConfigKey.integer("api.history.max.page.size",
            "http", 10_000, "Largest limit a history request may ask for.")
            .withValidator(v -> v < 1 || v > 1_000_000 ? "must be 1..1000000 (one page is built in memory)" : null);
    public static final ConfigKey<Duration> HISTORY_RETENTION_SHORT = ConfigKey.duration("history.retention.short.windows",
            "http", Duration.ofDays(15), "How long the read model keeps values whose window is shorter than an hour (the "
                    + "per-minute vehicles in service, 15-minute bike availability), counted back from the newest window of "
                    + "the same indicator and scope (event time); PT0S = for ever. Default 15 days (P15D): keeps the bundled "
                    + "14-day GTFS-RT recording whole.").withValidator(PublishConfig::notNegative);
    public static final ConfigKey<Duration> HISTORY_RETENTION_HOURLY = ConfigKey.duration("history.retention.hourly.windows",
            "http", Duration.ofDays(400), "As history.retention.short.windows, for windows of an hour up to a day. Default 400 days (P400D).")
            .withValidator(PublishConfig::notNegative);
    public static final ConfigKey<Duration> HISTORY_RETENTION_LONG = ConfigKey.duration("history.retention.long.windows",
            "http", Duration.ZERO, "As history.retention.short.windows, for windows of a day or longer. Default for ever (PT0S).")
            .withValidator(PublishConfig::notNegative);
    public static final ConfigKey<String> EXPORT_DIRECTORY = ConfigKey.string("export.directory", "http", "",
            "Directory the periodic open-data export writes one CSV (+ .meta.json) and one JSON file per goal to. "
                    + "Empty = no periodic export.");
    public static final ConfigKey<Duration> EXPORT_INTERVAL = ConfigKey.duration("export.interval", "http",
            Duration.ofHours(1), "How often the periodic open-data export rewrites its files (when export.directory is set).")
            .withValidator(d -> d.isNegative() || d.isZero() ? "must be a positive duration, e.g. PT1H" : null);

    public static final ConfigKey<Integer> SSE_MAX_CLIENTS = ConfigKey.integer("sse.max.clients", "http", 200,
            "Most live-stream (SSE) clients served at a time; one more is answered 503 with Retry-After. Each holds a "
                    + "thread and a queue.").withValidator(ConfigKey.atLeast(1));
    public static final ConfigKey<Integer> SSE_CLIENT_QUEUE_SIZE = ConfigKey.integer("sse.client.queue.size", "http", 1000,
            "Live events queued per SSE client; a client that falls this far behind is dropped (it reconnects with "
                    + "Last-Event-ID).").withValidator(ConfigKey.atLeast(1));
    public static final ConfigKey<Duration> SSE_WRITE_TIMEOUT = ConfigKey.duration("sse.write.timeout", "http",
            Duration.ofSeconds(10), "Longest one write to an SSE client may block (a client that stopped reading) before "
                    + "it is dropped.")
            .withValidator(d -> d.isNegative() || d.isZero() ? "must be a positive duration, e.g. PT10S" : null);
    public static final ConfigKey<Integer> SSE_REPLAY_SIZE = ConfigKey.integer("sse.replay.size", "http", 1000,
            "Latest live events kept for clients that reconnect with Last-Event-ID; a longer gap gets a reload event. "
                    + "0 = no resume.").withValidator(v -> v >= 0 ? null : "must be >= 0");

    /** Every key of this module, in documentation order. */
    public static final List<ConfigKey<?>> KEYS = List.of(
            HTTP_HOST, HTTP_PORT, API_MAX_RANGE_DAYS, API_HISTORY_PAGE_SIZE, API_HISTORY_MAX_PAGE_SIZE,
            HISTORY_RETENTION_SHORT, HISTORY_RETENTION_HOURLY, HISTORY_RETENTION_LONG, EXPORT_DIRECTORY, EXPORT_INTERVAL,
            SSE_MAX_CLIENTS, SSE_CLIENT_QUEUE_SIZE, SSE_WRITE_TIMEOUT, SSE_REPLAY_SIZE);

    /** The retention the history keys default to. */
    static HistoryRetention defaultRetention() {
        return new HistoryRetention(HISTORY_RETENTION_SHORT.defaultValue(), HISTORY_RETENTION_HOURLY.defaultValue(),
                HISTORY_RETENTION_LONG.defaultValue());
    }

    private static String notNegative(Duration d) {
        return d.isNegative() ? "must not be negative (PT0S = for ever), e.g. P15D" : null;
    }
}
