package pl.krakow.pulse.app;

import java.util.List;
import pl.krakow.pulse.platform.config.ConfigKey;

/**
 * The keys of {@code pulse run}'s own wiring: the ports of the embedded platform it starts when no external
 * Kafka, registry or MQTT broker is configured, and whether it replays the bundled data at start-up.
 *
 * <p>{@link #KEYS} lists them in documentation order; {@code pulse config} and the README table show them in
 * that order among the other modules' keys.
 */
public final class RunConfig {

    private RunConfig() {
    }

    public static final ConfigKey<Integer> EMBEDDED_KAFKA_PORT = ConfigKey.integer("embedded.kafka.port", "embedded", 9092,
            "Port of the embedded broker's client listener (0 = any free port).").withValidator(ConfigKey.port());
    public static final ConfigKey<Integer> EMBEDDED_REGISTRY_PORT = ConfigKey.integer("embedded.schema.registry.port", "embedded", 8081,
            "Port of the embedded schema registry (0 = any free port).").withValidator(ConfigKey.port());
    public static final ConfigKey<Integer> EMBEDDED_MQTT_PORT = ConfigKey.integer("embedded.mqtt.port", "embedded", 1883,
            "Port of the embedded MQTT broker (0 = any free port).").withValidator(ConfigKey.port());
    public static final ConfigKey<Boolean> REPLAY_ON_START = ConfigKey.bool("replay.bundled.on.start", "ingest", true,
            "pulse run replays the bundled real data at start-up: Kraków air quality, Kraków GTFS-Realtime positions, Poznań "
                    + "TripUpdates and Oslo GBFS (same as omitting --no-replay); pulse ingest too when set. Against a cluster "
                    + "(bootstrap.servers set) off unless set explicitly: demo data does not belong in a city's topics.");

    /** Every key of this module, in documentation order. */
    public static final List<ConfigKey<?>> KEYS = List.of(
            EMBEDDED_KAFKA_PORT, EMBEDDED_REGISTRY_PORT, EMBEDDED_MQTT_PORT, REPLAY_ON_START);
}
