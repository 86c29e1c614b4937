package pl.krakow.pulse.ingest.environment;

import java.time.Duration;
import java.util.List;
import pl.krakow.pulse.ingest.IngestConfig;
import pl.krakow.pulse.ingest.push.BearerTokens;
import pl.krakow.pulse.ingest.push.MqttSensorSubscriber;
import pl.krakow.pulse.platform.config.ConfigKey;

/**
 * The keys of the environment ingest: the sensor push endpoint (HTTP with bearer tokens, and the MQTT
 * subscription) and the GIOŚ API poller.
 *
 * <p>{@link #KEYS} lists them in documentation order; {@code pulse config} and the README table show them in
 * that order among the other modules' keys.
 */
public final class EnvironmentIngestConfig {

    private EnvironmentIngestConfig() {
    }

    public static final ConfigKey<BearerTokens> PUSH_HTTP_TOKENS = IngestConfig.bearerTokens("ingest.push.http.tokens", "ingest",
            "Bearer tokens of the sensor HTTP push endpoint (POST /ingest/v1/sensors), as client:token,client:token. "
                    + "Empty = the endpoint is not started.");
    public static final ConfigKey<Integer> PUSH_HTTP_PORT = ConfigKey.integer("ingest.push.http.port", "ingest", 8085,
            "Port of the sensor HTTP push endpoint (0 = any free port).").withValidator(ConfigKey.port());
    public static final ConfigKey<Boolean> PUSH_MQTT_ENABLED = ConfigKey.bool("ingest.push.mqtt.enabled", "ingest", true,
            "Subscribe to sensor readings over MQTT (topic per sensor, see ingest.push.mqtt.topic).");
    public static final ConfigKey<String> PUSH_MQTT_URL = ConfigKey.string("ingest.push.mqtt.url", "ingest", "",
            "MQTT broker to subscribe to, e.g. tcp://mqtt:1883. Empty = start the embedded in-process broker.");
    public static final ConfigKey<String> PUSH_MQTT_TOPIC = ConfigKey.string("ingest.push.mqtt.topic", "ingest",
            "pulse/sensors/+/readings", "MQTT topic filter; the '+' level is the sensor id.");
    public static final ConfigKey<String> PUSH_MQTT_USERNAME = ConfigKey.string("ingest.push.mqtt.username", "ingest", "",
            "MQTT user name (empty = anonymous); the embedded broker then requires it.");
    public static final ConfigKey<String> PUSH_MQTT_PASSWORD = ConfigKey.string("ingest.push.mqtt.password", "ingest", "",
            "MQTT password for ingest.push.mqtt.username.").asSecret();
    public static final ConfigKey<Integer> PUSH_MQTT_MAX_MESSAGE_BYTES = ConfigKey.integer("ingest.push.mqtt.max.message.bytes",
            "ingest", MqttSensorSubscriber.DEFAULT_MAX_MESSAGE_BYTES,
            "Largest MQTT payload parsed (default = the HTTP push body limit, 1 MiB); a longer one is dead-lettered as TOO_LARGE. "
                    + "The embedded broker admits messages up to twice this and closes the connection of a publisher "
                    + "sending more; an external broker applies its own limit.")
            .withValidator(v -> v < 1024 || v > 64 * 1024 * 1024 ? "must be between 1024 and 67108864" : null);
    public static final ConfigKey<String> GIOS_API_URL = ConfigKey.string("ingest.gios.api.url", "ingest", "",
            "GIOŚ pjp-api base URL up to and including 'rest', e.g. https://api.gios.gov.pl/pjp-api/v1/rest "
                    + "(or .../pjp-api/rest for the legacy format). Empty = the poller is off (no network by default).");
    public static final ConfigKey<String> GIOS_API_FORMAT = ConfigKey.string("ingest.gios.api.format", "ingest", "v1",
            "JSON dialect of ingest.gios.api.url: v1 (current JSON-LD with Polish keys, paginated) or legacy.")
            .withValidator(v -> v.equalsIgnoreCase("v1") || v.equalsIgnoreCase("legacy") ? null : "must be v1 or legacy");
    public static final ConfigKey<String> GIOS_API_CITY = ConfigKey.string("ingest.gios.api.city", "ingest", "Kraków",
            "The GIOŚ API poller polls every station whose city name equals this (case- and accent-insensitive).");
    public static final ConfigKey<Duration> GIOS_API_INTERVAL = ConfigKey.duration("ingest.gios.api.interval", "ingest",
            Duration.ofMinutes(15), "Time between two polls of the GIOŚ API (GIOŚ publishes hourly values).");

    /** Every key of this module, in documentation order. */
    public static final List<ConfigKey<?>> KEYS = List.of(
            PUSH_HTTP_TOKENS, PUSH_HTTP_PORT, PUSH_MQTT_ENABLED, PUSH_MQTT_URL, PUSH_MQTT_TOPIC, PUSH_MQTT_USERNAME,
            PUSH_MQTT_PASSWORD, PUSH_MQTT_MAX_MESSAGE_BYTES, GIOS_API_URL, GIOS_API_FORMAT, GIOS_API_CITY, GIOS_API_INTERVAL);
}
