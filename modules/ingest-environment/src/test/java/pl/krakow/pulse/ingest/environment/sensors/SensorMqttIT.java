package pl.krakow.pulse.ingest.environment.sensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.events.ingest.RejectedRecord;
import pl.krakow.pulse.ingest.EventPublisher;
import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.embedded.EmbeddedMqttBroker;
import pl.krakow.pulse.ingest.push.MqttSensorSubscriber;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.topics.RejectedRecords;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.testsupport.kafka.EmbeddedPlatform;

/**
 * MQTT push through the production wiring (embedded Moquette broker → subscriber → JSON parser →
 * publisher) into the embedded Kafka broker and registry; a sensor publishes with a plain Paho client.
 */
class SensorMqttIT {

    private static final String USER = "pulse";
    private static final String PASSWORD = "mqtt-secret";

    @TempDir
    static Path dir;

    private static EmbeddedPlatform platform;
    private static PulseMetrics metrics;
    private static EventPublisher publisher;
    private static EmbeddedMqttBroker mqtt;
    private static MqttSensorSubscriber subscriber;
    private static MqttClient sensor;

    @BeforeAll
    static void start() throws MqttException {
        platform = EmbeddedPlatform.builder(dir, "sensor-mqtt-it").schemaRegistry().start()
                .provision(Topics.AIR_QUALITY, Topics.NOISE, Topics.REJECTED);
        metrics = platform.metrics();
        publisher = platform.track(new EventPublisher(platform.clients(), platform.serdes(), metrics, "sensor-mqtt-it"));
        Clock clock = Clock.systemUTC();
        SensorReadingParser parser = new SensorReadingParser(
                EventValidator.of(IngestContext.from(PulseConfig.defaults(), metrics.registry(), clock), Set.of()), clock, Set.of());
        mqtt = platform.track(new EmbeddedMqttBroker("127.0.0.1", 0, USER, PASSWORD));
        subscriber = platform.track(new MqttSensorSubscriber(mqtt.serverUri(), "pulse-ingest-it", MqttSensorSubscriber.DEFAULT_TOPIC_FILTER, 1,
                USER, PASSWORD, parser, publisher));
        subscriber.start();
        sensor = new MqttClient(mqtt.serverUri(), "lcs-publisher", new MemoryPersistence());
        sensor.connect(options(PASSWORD));
    }

    @AfterAll
    static void stop() throws MqttException {
        if (sensor != null) {
            sensor.disconnect();
            sensor.close();
        }
        if (platform != null) { // and what it tracks: the subscriber, the MQTT broker, then the publisher
            platform.close();
        }
    }

    private static MqttConnectOptions options(String password) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setUserName(USER);
        o.setPassword(password.toCharArray());
        o.setCleanSession(true);
        return o;
    }

    private static void publish(String topic, String payload) throws MqttException {
        sensor.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
    }

    private static String time(int minutesAgo) {
        return Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(minutesAgo, ChronoUnit.MINUTES).toString();
    }

    private static List<AirQualityMeasurement> airOf(String sensorId) {
        return platform.readToEnd(Topics.AIR_QUALITY).stream().map(ConsumerRecord::value)
                .filter(v -> v.getStationCode().equals("sensor:" + sensorId)).toList();
    }

    @Test
    void readingPublishedOnTheSensorsTopicReachesTheAirQualityTopic() throws MqttException {
        publish("pulse/sensors/lcs-mqtt-1/readings", "{\"time\":\"" + time(5) + "\",\"pm10\":42.5}");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(airOf("lcs-mqtt-1")).singleElement().satisfies(v -> {
            assertThat(v.getConcentrationUgM3()).isEqualTo(42.5);
            assertThat(v.getFeed()).isEqualTo("sensor-push");
            assertThat(v.getSourceId()).isEqualTo("pulse/sensors/lcs-mqtt-1/readings");
        }));
    }

    @Test
    void badPayloadGoesToTheDeadLetterQueueAndTheSubscriptionKeepsWorking() throws MqttException {
        String topic = "pulse/sensors/lcs-mqtt-2/readings";
        publish(topic, "pm10=12;oops");
        publish(topic, "{\"sensorId\":\"someone-else\",\"time\":\"" + time(5) + "\",\"pm10\":10}");
        publish(topic, "{\"sensorId\":\"lcs-mqtt-2\",\"time\":\"" + time(4) + "\",\"pm25\":17.0}");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(airOf("lcs-mqtt-2")).singleElement()
                .satisfies(v -> assertThat(v.getConcentrationUgM3()).isEqualTo(17.0)));
        List<RejectedRecord> dlq = platform.readToEnd(Topics.REJECTED).stream().map(ConsumerRecord::value)
                .filter(v -> v.getSourceId().equals(topic)).toList();
        assertThat(dlq).extracting(RejectedRecord::getReasonCode).containsExactly("MALFORMED", "MALFORMED");
        assertThat(StandardCharsets.UTF_8.decode(dlq.get(0).getRawPayload()).toString()).isEqualTo("pm10=12;oops");
        assertThat(dlq.get(1).getReason()).contains("someone-else");
        assertThat(subscriber.isConnected()).isTrue();
        assertThat(subscriber.failedMessages()).isZero();
    }

    @Test
    void brokerRefusesAClientWithAWrongPassword() {
        assertThatThrownBy(() -> {
            MqttClient intruder = new MqttClient(mqtt.serverUri(), "intruder", new MemoryPersistence());
            try {
                intruder.connect(options("guess"));
            } finally {
                intruder.close(true);
            }
        }).isInstanceOf(MqttException.class);
    }

    /** Moquette's default limit of 8,092 bytes closed the connection of a sensor sending this batch. */
    @Test
    void batchOf300ReadingsOfOver24KbIsAccepted() throws MqttException {
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 300; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"sensorId\":\"lcs-batch-300\",\"time\":\"").append(time(i + 10)).append("\",\"pm10\":").append(20 + i % 50)
                    .append(".5,\"intervalSeconds\":60}");
        }
        String payload = batch.append(']').toString();
        assertThat(payload.length()).isGreaterThan(24_600);

        publish("pulse/sensors/lcs-batch-300/readings", payload);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(airOf("lcs-batch-300")).hasSize(300));
        assertThat(sensor.isConnected()).isTrue();
    }

    @Test
    void messageOverTheSubscribersLimitIsDeadLetteredAsTooLargeNotDropped() throws MqttException {
        String topic = "pulse/sensors/lcs-huge/readings";
        byte[] payload = new byte[MqttSensorSubscriber.DEFAULT_MAX_MESSAGE_BYTES + 1];
        Arrays.fill(payload, (byte) ' ');
        long before = subscriber.tooLargeMessages();

        sensor.publish(topic, payload, 1, false);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(platform.readToEnd(Topics.REJECTED))
                .map(ConsumerRecord::value).filteredOn(v -> v.getSourceId().equals(topic)).singleElement().satisfies(v -> {
                    assertThat(v.getReasonCode()).isEqualTo("TOO_LARGE");
                    assertThat(v.getFeed()).isEqualTo("sensor-push");
                    assertThat(v.getReason()).contains(Integer.toString(payload.length));
                    assertThat(v.getRawPayloadLength()).isEqualTo(payload.length);
                    assertThat(v.getRawPayloadTruncated()).isTrue();
                    assertThat(v.getRawPayloadSha256()).isEqualTo(RejectedRecords.sha256Hex(payload));
                }));
        assertThat(subscriber.tooLargeMessages()).isEqualTo(before + 1);
        assertThat(metrics.registry().get(EventPublisher.REJECTED_METRIC).tag("feed", "sensor-push").tag("reason", "TOO_LARGE")
                .counter().count()).isGreaterThanOrEqualTo(1);
        assertThat(sensor.isConnected()).isTrue();
        assertThat(subscriber.isConnected()).isTrue();
    }

    /** Beyond twice the subscriber's limit the embedded broker itself refuses: MQTT 3.1.1 can only close the connection. */
    @Test
    void messageOverTheEmbeddedBrokersLimitClosesThePublishersConnection() throws MqttException {
        MqttClient flooder = new MqttClient(mqtt.serverUri(), "lcs-flooder", new MemoryPersistence());
        try {
            flooder.setTimeToWait(10_000);
            flooder.connect(options(PASSWORD));
            byte[] payload = new byte[mqtt.maxMessageBytes() + 1];

            assertThatThrownBy(() -> flooder.publish("pulse/sensors/lcs-flooder/readings", payload, 1, false))
                    .isInstanceOf(MqttException.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> !flooder.isConnected());
        } finally {
            flooder.close(true);
        }
        assertThat(subscriber.isConnected()).isTrue();
        assertThat(sensor.isConnected()).isTrue();
    }
}
