package pl.krakow.pulse.ingest.push;

import pl.krakow.pulse.embedded.EmbeddedMqttBroker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.ingest.NotAcknowledgedException;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReasonCode;

/** The subscriber against the embedded MQTT broker (loopback), with a recording sink instead of Kafka. */
class MqttSensorSubscriberTest {

    /** Records what the subscriber passes; "boom" makes it throw, anything else becomes one rejection. */
    static final class Recorder implements PushParser {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());

        @Override
        public List<ParseOutcome> parse(byte[] body, String sourceId, String channelSensorId) {
            String text = new String(body, StandardCharsets.UTF_8);
            if (text.equals("boom")) {
                throw new IllegalStateException("parser bug");
            }
            calls.add(sourceId + "|" + channelSensorId + "|" + text);
            return List.of(new ParseOutcome.Rejected("t", ReasonCode.MALFORMED, "m", body, sourceId, null, null,
                    java.time.Instant.EPOCH));
        }
    }

    private static void publish(MqttClient c, String topic, String payload) throws MqttException {
        c.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
    }

    @Test
    void sensorIdComesFromTheWildcardLevelOfTheTopic() {
        Recorder parser = new Recorder();
        SensorPushServerTest.Sink sink = new SensorPushServerTest.Sink();
        MqttSensorSubscriber s = new MqttSensorSubscriber("tcp://127.0.0.1:1", "c", "city/+/pm", 1, null, null, parser, sink);
        assertThat(s.sensorIdOf("city/lcs-9/pm")).isEqualTo("lcs-9");
        assertThat(s.sensorIdOf("city")).isNull();
        s.close();
        assertThatThrownBy(() -> new MqttSensorSubscriber("tcp://127.0.0.1:1", "c", "a/+/+", 1, null, null, parser, sink))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void throwingParserNeverEndsTheSubscriptionAndItSurvivesABrokerRestart() throws Exception {
        Recorder parser = new Recorder();
        SensorPushServerTest.Sink sink = new SensorPushServerTest.Sink();
        EmbeddedMqttBroker broker = new EmbeddedMqttBroker();
        int port = broker.port();
        try (MqttSensorSubscriber sub = new MqttSensorSubscriber(broker.serverUri(), "pulse-test", MqttSensorSubscriber.DEFAULT_TOPIC_FILTER,
                1, null, null, parser, sink)) {
            sub.start();
            MqttClient sensor = new MqttClient(broker.serverUri(), "sensor", new MemoryPersistence());
            sensor.connect();
            publish(sensor, "pulse/sensors/s1/readings", "boom");
            publish(sensor, "pulse/sensors/s1/readings", "after");
            await().atMost(Duration.ofSeconds(10)).until(() -> parser.calls.size() == 1);
            assertThat(parser.calls).containsExactly("pulse/sensors/s1/readings|s1|after");
            assertThat(sub.failedMessages()).isEqualTo(1);
            assertThat(sub.isConnected()).isTrue();
            assertThat(sink.rejected).hasSize(1);
            sensor.disconnect();
            sensor.close();

            broker.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> !sub.isConnected());
            broker = new EmbeddedMqttBroker("127.0.0.1", port, null, null);
            await().atMost(Duration.ofSeconds(30)).until(sub::isConnected);
            MqttClient again = new MqttClient(broker.serverUri(), "sensor-2", new MemoryPersistence());
            again.connect();
            // The renewed subscription is asynchronous: publish until it is in place.
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
                publish(again, "pulse/sensors/s2/readings", "back");
                return parser.calls.stream().anyMatch(c -> c.equals("pulse/sensors/s2/readings|s2|back"));
            });
            again.disconnect();
            again.close();
        } finally {
            broker.close();
        }
    }

    /**
     * QoS 1: a message whose records Kafka did not acknowledge is not acknowledged to the broker; the subscriber
     * reconnects and the broker (Moquette, persistent session) redelivers it, this time stored, and acknowledged once.
     */
    @Test
    void aMessageIsAcknowledgedOnlyOnceItsRecordsAreStoredAndRedeliveredUntilThen() throws Exception {
        Recorder parser = new Recorder();
        AtomicInteger failuresLeft = new AtomicInteger(1);
        SensorPushServerTest.Sink sink = new SensorPushServerTest.Sink() {
            @Override
            public CompletableFuture<Void> publishAll(List<? extends ParseOutcome> outcomes) {
                if (failuresLeft.getAndDecrement() > 0) {
                    return CompletableFuture.failedFuture(new NotAcknowledgedException(NotAcknowledgedException.Reason.SEND_FAILED,
                            "broker down", null, List.copyOf(outcomes)));
                }
                return super.publishAll(outcomes);
            }
        };
        EmbeddedMqttBroker broker = new EmbeddedMqttBroker();
        try (MqttSensorSubscriber sub = new MqttSensorSubscriber(broker.serverUri(), "pulse-ack-test", MqttSensorSubscriber.DEFAULT_TOPIC_FILTER,
                1, null, null, parser, sink)) {
            sub.start();
            MqttClient sensor = new MqttClient(broker.serverUri(), "sensor-ack", new MemoryPersistence());
            sensor.connect();
            publish(sensor, "pulse/sensors/s3/readings", "once");

            await().atMost(Duration.ofSeconds(30)).until(() -> sink.rejected.size() == 1);
            assertThat(sub.unacknowledgedMessages()).isEqualTo(1);
            assertThat(parser.calls).containsExactly("pulse/sensors/s3/readings|s3|once", "pulse/sensors/s3/readings|s3|once");
            // Acknowledged now: nothing is redelivered any more.
            Thread.sleep(3 * MqttSensorSubscriber.REDELIVERY_DELAY_MS);
            assertThat(sink.rejected).hasSize(1);
            assertThat(parser.calls).hasSize(2);
            assertThat(sub.isConnected()).isTrue();
            sensor.disconnect();
            sensor.close();
        } finally {
            broker.close();
        }
    }
}
