package pl.krakow.pulse.publish;

import java.time.Duration;
import java.util.List;
import pl.krakow.pulse.platform.config.ConfigKey;

/**
 * The keys of the read side: the HTTP server (API, /metrics, /health), the longest history range one request may
 * ask for, the periodic open-data export and the limits of the live stream (SSE).
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
            HTTP_HOST, HTTP_PORT, API_MAX_RANGE_DAYS, EXPORT_DIRECTORY, EXPORT_INTERVAL,
            SSE_MAX_CLIENTS, SSE_CLIENT_QUEUE_SIZE, SSE_WRITE_TIMEOUT, SSE_REPLAY_SIZE);
}
