package pl.krakow.pulse.ingest.environment.sensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.embedded.EmbeddedKafkaBroker;
import pl.krakow.pulse.embedded.EmbeddedMqttBroker;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.ingest.EventPublisher;
import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.push.MqttSensorSubscriber;
import pl.krakow.pulse.ingest.push.SensorPushServer;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.registry.InMemorySchemaRegistryClient;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.TopicProvisioner;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.testsupport.kafka.TopicReader;

/**
 * Pushes while the Kafka broker is down (the real embedded broker, stopped and started again on the same log and
 * ports): HTTP pushes are answered 503 with Retry-After within the acknowledgement bound, never 2xx; once the broker
 * is back a resend is accepted (not a DUPLICATE), and a QoS 1 MQTT message published during the outage lands after
 * it. Every reading answered 2xx is on the topic exactly once, a reading answered 503 and not resent is not.
 */
class PushDuringOutageIT {

    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(3);
    private static final String TOKEN = "token-of-outage-sensors";
    private static final String TIME = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(1, ChronoUnit.HOURS).toString();

    @TempDir
    Path dir;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private EmbeddedKafkaBroker broker;
    private SensorPushServer server;

    @AfterEach
    void stop() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                // best effort: the broker below must stop
            }
        }
        broker.close();
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    @Test
    void noTwoHundredForARecordThatDidNotLandAndEveryAcceptedRecordExactlyOnce() throws Exception {
        broker = EmbeddedKafkaBroker.builder().dataDir(dir.resolve("kafka")).build().start();
        int brokerPort = broker.brokerPort();
        int controllerPort = broker.controllerPort();
        KafkaClients clients = new KafkaClients(broker.bootstrapServers(), PulseConfig.defaults());
        PulseSerdes serdes = new PulseSerdes(new InMemorySchemaRegistryClient());
        List<TopicSpec<?>> topics = List.of(Topics.AIR_QUALITY, Topics.REJECTED);
        try (Admin admin = Admin.create(clients.admin("outage-it-admin"))) {
            TopicProvisioner.ensure(admin, topics, 1);
        }
        PulseMetrics metrics = track(new PulseMetrics("outage-it"));
        EventPublisher publisher = track(EventPublisher.acknowledging(clients, serdes, metrics, "outage-it", ACK_TIMEOUT));
        Clock clock = Clock.systemUTC();
        SensorReadingParser parser = new SensorReadingParser(
                EventValidator.of(IngestContext.from(PulseConfig.defaults(), metrics.registry(), clock), Set.of()), clock, Set.of());
        server = track(new SensorPushServer(parser, publisher, Map.of(TOKEN, "outage-sensors"), "127.0.0.1", 0,
                SensorPushServer.DEFAULT_MAX_BODY_BYTES));
        server.start();
        EmbeddedMqttBroker mqtt = track(new EmbeddedMqttBroker());
        MqttSensorSubscriber subscriber = track(new MqttSensorSubscriber(mqtt.serverUri(), "outage-it-subscriber",
                MqttSensorSubscriber.DEFAULT_TOPIC_FILTER, 1, null, null, parser, publisher));
        subscriber.start();
        MqttClient sensor = new MqttClient(mqtt.serverUri(), "outage-it-sensor", new MemoryPersistence());
        sensor.connect();
        track(sensor::close);
        track(() -> sensor.disconnectForcibly(1000));

        // Before: the first push may meet a partition still electing its leader; resent until acknowledged.
        await().atMost(Duration.ofSeconds(30)).until(() -> push("before-a").statusCode() == 202);

        broker.close();
        sensor.publish("pulse/sensors/mqtt-outage/readings", ("{\"time\":\"" + TIME + "\",\"pm10\":33}").getBytes(StandardCharsets.UTF_8),
                1, false);
        long began = System.nanoTime();
        HttpResponse<String> duringB = push("outage-b");
        Duration waited = Duration.ofNanos(System.nanoTime() - began);
        HttpResponse<String> duringD = push("outage-d"); // never resent
        await().atMost(Duration.ofSeconds(30)).until(() -> subscriber.unacknowledgedMessages() > 0);

        assertThat(duringB.statusCode()).as(duringB.body()).isEqualTo(503);
        assertThat(duringB.headers().firstValue("Retry-After")).isPresent();
        assertThat(duringB.body()).contains("nothing of it may be assumed stored");
        assertThat(duringD.statusCode()).as(duringD.body()).isEqualTo(503);
        // The acknowledgement timeout, the 2 s the producer's own verdict may take, and slack for a loaded CI machine.
        assertThat(waited).isLessThan(ACK_TIMEOUT.plusSeconds(2 + 5));

        broker = EmbeddedKafkaBroker.builder().dataDir(dir.resolve("kafka")).brokerPort(brokerPort).controllerPort(controllerPort)
                .build().start();
        // The client resends the whole batch after Retry-After until it is acknowledged: accepted, not a DUPLICATE.
        List<Integer> resendAnswers = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            int status = push("outage-b").statusCode();
            resendAnswers.add(status);
            return status != 503;
        });
        assertThat(resendAnswers.get(resendAnswers.size() - 1)).as("answers to the resend: %s", resendAnswers).isEqualTo(202);
        assertThat(push("after-c").statusCode()).isEqualTo(202);

        Function<List<ConsumerRecord<String, AirQualityMeasurement>>, Map<String, Long>> perSensor = records -> records.stream()
                .collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
        await().atMost(Duration.ofSeconds(60)).until(() -> perSensor.apply(TopicReader.readToEnd(clients, serdes, Topics.AIR_QUALITY))
                .containsKey("sensor:mqtt-outage"));
        List<ConsumerRecord<String, AirQualityMeasurement>> air = TopicReader.readToEnd(clients, serdes, Topics.AIR_QUALITY);
        assertThat(perSensor.apply(air)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "sensor:before-a", 1L, "sensor:outage-b", 1L, "sensor:after-c", 1L, "sensor:mqtt-outage", 1L));
        assertThat(air).extracting(r -> r.value().getEventId()).doesNotHaveDuplicates();
        assertThat(subscriber.unacknowledgedMessages()).isPositive();
        System.out.printf("push during outage: 503 after %d ms; resend answers %s%n", waited.toMillis(), resendAnswers);
    }

    private HttpResponse<String> push(String sensorId) throws Exception {
        String body = "{\"sensorId\":\"" + sensorId + "\",\"time\":\"" + TIME + "\",\"pm10\":21.5}";
        return http.send(HttpRequest.newBuilder(URI.create(server.url())).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
