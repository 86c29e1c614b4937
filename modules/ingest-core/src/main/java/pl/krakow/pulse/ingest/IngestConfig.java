package pl.krakow.pulse.ingest;

import java.time.Duration;
import java.util.List;
import pl.krakow.pulse.ingest.push.BearerTokens;
import pl.krakow.pulse.platform.config.ConfigKey;

/**
 * The keys shared by every ingest adapter: the event-time horizon of {@link EventValidator}, the replay
 * speed of bundled and recorded files, the address every push endpoint binds to and how long a push waits for
 * the broker's acknowledgement.
 *
 * <p>{@link #KEYS} lists them in documentation order; {@code pulse config} and the README table show them in
 * that order among the other modules' keys.
 */
public final class IngestConfig {

    private IngestConfig() {
    }

    public static final ConfigKey<Duration> MAX_AGE = ConfigKey.duration("ingest.max.age", "ingest", Duration.ofDays(7300),
            "Horizon: events older than this (ISO-8601 duration) are rejected as TOO_OLD. Long by default so historical backfills work.");
    public static final ConfigKey<Duration> MAX_FUTURE = ConfigKey.duration("ingest.max.future", "ingest", Duration.ofMinutes(5),
            "Events stamped further in the future than this are rejected as IN_FUTURE (clock skew allowance).");
    public static final ConfigKey<ReplaySpeed> REPLAY_SPEED = ConfigKey.parsed("replay.speed", "ingest", "replay speed", "max",
            "Replay speed: max (as fast as possible) or a factor N (N× real time).", ReplaySpeed::parse, ReplaySpeed::toString);
    public static final ConfigKey<String> PUSH_HTTP_HOST = ConfigKey.string("ingest.push.http.host", "ingest", "127.0.0.1",
            "Address the sensor HTTP push endpoint binds to.");
    public static final ConfigKey<Duration> PUSH_ACK_TIMEOUT = ConfigKey.duration("ingest.push.ack.timeout", "ingest",
            Duration.ofSeconds(10), "How long an HTTP push or an MQTT QoS 1 message waits for the broker to acknowledge its records "
            + "(at least PT1S); past it the push is answered 503 with Retry-After (MQTT: not acknowledged, redelivered).")
            .withValidator(v -> v.compareTo(Duration.ofSeconds(1)) < 0 ? "must be at least PT1S" : null);

    /**
     * A secret key of bearer tokens, written {@code client:token,client:token} (empty = the endpoint it guards is
     * not started); each push endpoint declares its own.
     */
    public static ConfigKey<BearerTokens> bearerTokens(String name, String group, String doc) {
        return ConfigKey.parsed(name, group, "token list", "", doc, BearerTokens::parse, BearerTokens::toString).asSecret();
    }

    /** Every key of this module, in documentation order. */
    public static final List<ConfigKey<?>> KEYS = List.of(MAX_AGE, MAX_FUTURE, REPLAY_SPEED, PUSH_HTTP_HOST, PUSH_ACK_TIMEOUT);
}
