package pl.krakow.pulse.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.alerting.notify.NotifierRunner;
import pl.krakow.pulse.alerting.notify.WebhookNotifier;
import pl.krakow.pulse.events.alerts.Alert;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.testsupport.kafka.EmbeddedPlatform;

/**
 * A webhook's {@link NotifierRunner} on the embedded broker, alerts produced straight to {@code alerts.v1}: a new
 * webhook gets none of the history but every alert committed after {@code start()} returned, exactly once; after a
 * restart it continues where it stopped (alerts that came while it was down included), a new webhook that saw no
 * alert before a restart still gets the ones that arrived meanwhile (its starting position was committed at once), and
 * an existing group reads a partition it never committed on from the beginning (nothing skipped on upgrade).
 */
class WebhookStartsAtPresentIT {

    private static final WebhookNotifier.Settings SETTINGS = new WebhookNotifier.Settings(3, Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofSeconds(5));

    @TempDir
    Path dir;

    private EmbeddedPlatform platform;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void start() {
        platform = EmbeddedPlatform.builder(dir, "webhook-present-it").schemaRegistry().start()
                .provision(Topics.ALERTS, Topics.REJECTED).registerSchemas(List.of(Topics.ALERTS, Topics.REJECTED));
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        platform.close();
    }

    /** Produces {@code n} alerts and returns their idempotency keys ({@code alerts.v1-<partition>-<offset>}). */
    private Set<String> produce(int n, String prefix) throws Exception {
        return produce(n, prefix, null);
    }

    /** The same, all to {@code partition} (null = by key). */
    private Set<String> produce(int n, String prefix, Integer partition) throws Exception {
        Set<String> keys = new java.util.HashSet<>();
        try (KafkaProducer<String, Alert> producer = new KafkaProducer<>(platform.clients().producer("present-it-producer"),
                platform.serdes().key().serializer(), platform.serdes().value(Topics.ALERTS).serializer())) {
            for (int i = 0; i < n; i++) {
                Alert a = Alert.newBuilder(WebhookNotifierTest.alert()).setAlertId(prefix + i).build();
                RecordMetadata m = producer.send(new ProducerRecord<>(Topics.ALERTS.name(), partition, prefix + i, a)).get();
                keys.add(Topics.ALERTS.name() + "-" + m.partition() + "-" + m.offset());
            }
        }
        return keys;
    }

    private NotifierRunner runner(String name, WebhookReceiver receiver) {
        WebhookNotifier webhook = new WebhookNotifier("webhook-" + name, URI.create(receiver.url()), SETTINGS,
                (n, target, body, reason) -> { }, platform.metrics().registry());
        NotifierRunner runner = new NotifierRunner(platform.clients(), platform.serdes(), "present-it-notify-webhook-" + name,
                webhook, SETTINGS.worstCase(), NotifierRunner.StartAt.PRESENT);
        runner.start();
        return runner;
    }

    private WebhookReceiver receiver() {
        WebhookReceiver r = new WebhookReceiver();
        open.add(r);
        return r;
    }

    @Test
    void aNewWebhookStartsAtThePresentAndAnExistingOneWhereItStopped() throws Exception {
        Set<String> history = produce(3, "history-");
        WebhookReceiver receiver = receiver();
        long t0 = System.nanoTime();
        NotifierRunner runner = runner("new", receiver);
        Set<String> afterStart = produce(2, "after-"); // at once: before the consumer has even joined its group
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.accepted().size() >= 2);
        long firstDeliveryMs = (System.nanoTime() - t0) / 1_000_000;
        Thread.sleep(500); // time for any history to arrive, which must not
        assertThat(receiver.accepted().keySet()).isEqualTo(afterStart).doesNotContainAnyElementsOf(history);
        runner.close();

        Set<String> whileDown = produce(2, "down-");
        NotifierRunner again = runner("new", receiver);
        open.add(again);
        Set<String> expected = new java.util.HashSet<>(afterStart);
        expected.addAll(whileDown);
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.accepted().size() >= 4);
        Thread.sleep(500);
        assertThat(receiver.accepted().keySet()).isEqualTo(expected);
        assertThat(receiver.duplicates()).isZero();
        assertThat(receiver.requests()).hasSize(4);
        System.out.printf("%nwebhook start-at-present IT: %d history alerts not sent, %d sent exactly once, first delivery %d ms "
                + "after start%n", history.size(), receiver.accepted().size(), firstDeliveryMs);
    }

    @Test
    void aNewWebhookRestartedBeforeItsFirstAlertStillGetsWhatCameMeanwhile() throws Exception {
        produce(2, "history-");
        WebhookReceiver receiver = receiver();
        NotifierRunner quiet = runner("quiet", receiver);
        try (Admin admin = Admin.create(platform.clients().admin("present-it-admin"))) {
            // Its start position is committed as soon as it has its partitions.
            await().atMost(Duration.ofSeconds(60)).until(() -> admin.listConsumerGroupOffsets("present-it-notify-webhook-quiet")
                    .partitionsToOffsetAndMetadata().get().size() == Topics.ALERTS.partitions());
        }
        quiet.close();
        Set<String> meanwhile = produce(3, "meanwhile-");
        open.add(runner("quiet", receiver));
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.accepted().size() >= 3);
        Thread.sleep(500);
        assertThat(receiver.accepted().keySet()).isEqualTo(meanwhile);
        assertThat(receiver.duplicates()).isZero();
    }

    @Test
    void anExistingGroupReadsAPartitionItNeverCommittedFromTheBeginning() throws Exception {
        // A first-edition group (named by position) that committed on partition 0 only: no alert ever reached partition 1.
        produce(2, "seen-", 0);
        Set<String> missedWhileUpgrading = produce(2, "p1-", 1);
        try (Admin admin = Admin.create(platform.clients().admin("present-it-admin"))) {
            admin.alterConsumerGroupOffsets("present-it-notify-webhook-1", Map.of(new TopicPartition(Topics.ALERTS.name(), 0),
                    new OffsetAndMetadata(2))).all().get();
        }
        WebhookReceiver receiver = receiver();
        open.add(runner("1", receiver));
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.accepted().size() >= 2);
        Thread.sleep(500);
        assertThat(receiver.accepted().keySet()).isEqualTo(missedWhileUpgrading);
    }
}
