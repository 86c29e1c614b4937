package pl.krakow.pulse.runtime.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.embedded.EmbeddedKafkaBroker;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.runtime.service.Service;

/** {@link TopicReplica} on the real embedded broker: tables across partitions, tombstones, catch-up, restarts. */
class TopicReplicaIT {

    private static final int PARTITIONS = 3;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final RestartBackoff FAST = new RestartBackoff(Duration.ofMillis(50), Duration.ofMillis(200), 3);

    @TempDir
    static Path dir;
    static EmbeddedKafkaBroker broker;
    static KafkaClients clients;
    static final AtomicInteger TOPICS = new AtomicInteger();

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder().dataDir(dir.resolve("kafka")).build().start();
        clients = new KafkaClients(broker.bootstrapServers(), PulseConfig.defaults());
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    /** A fresh compacted topic with {@link #PARTITIONS} partitions. */
    static String newTopic() throws Exception {
        String topic = "replica-it-" + TOPICS.incrementAndGet();
        try (Admin admin = Admin.create(clients.admin("replica-it-admin"))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get();
        }
        return topic;
    }

    /** Writes key → value (null: tombstone) pairs, in order, and waits until they are acknowledged. */
    static void write(String topic, String... keyValues) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(clients.producer("replica-it-producer"),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < keyValues.length; i += 2) {
                producer.send(new ProducerRecord<>(topic, keyValues[i], keyValues[i + 1]));
            }
            producer.flush();
        }
    }

    /** A table built by a listener: the last value per key, tombstones remove. */
    static final class Table implements ReplicaListener<String, String> {
        final Map<String, String> rows = new ConcurrentHashMap<>();
        final Set<Integer> partitionsSeen = ConcurrentHashMap.newKeySet();
        final List<CatchUpReport> reports = new CopyOnWriteArrayList<>();

        @Override
        public void apply(ConsumerRecord<String, String> r) {
            partitionsSeen.add(r.partition());
            if (r.value() == null) {
                rows.remove(r.key());
            } else {
                rows.put(r.key(), r.value());
            }
        }

        @Override
        public void caughtUp(CatchUpReport report) {
            reports.add(report);
        }
    }

    TopicReplica.Builder<String, String> replica(String topic, String name) {
        return TopicReplica.builder(name, clients.consumer(name, null), List.of(topic), new StringDeserializer(),
                new StringDeserializer());
    }

    @Test
    void readsEveryPartitionToTheEndAtStartAppliesTombstonesAndReportsOnce() throws Exception {
        String topic = newTopic();
        List<String> kv = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            kv.add("k" + i);
            kv.add("v" + i);
        }
        kv.addAll(java.util.Arrays.asList("k1", "v1-revised", "k2", null, "k3", null));
        write(topic, kv.toArray(String[]::new));

        Table table = new Table();
        try (TopicReplica<String, String> replica = replica(topic, "replica-it-start").listener(table).build()) {
            assertThat(replica.isReady()).isFalse();
            replica.start();
            assertThat(replica.awaitReady(WAIT)).isTrue();

            assertThat(table.rows).hasSize(28).containsEntry("k1", "v1-revised").doesNotContainKeys("k2", "k3");
            assertThat(table.partitionsSeen).containsExactlyInAnyOrder(0, 1, 2);
            assertThat(replica.isReady()).isTrue();
            assertThat(replica.health()).isEqualTo(Service.Health.UP);
            assertThat(table.reports).hasSize(1);
            CatchUpReport report = table.reports.get(0);
            assertThat(report.records()).isEqualTo(33);
            assertThat(report.offsetsBehind()).isGreaterThanOrEqualTo(33);
            assertThat(report.partitions()).isEqualTo(PARTITIONS);
            assertThat(replica.catchUpReport()).isEqualTo(report);
            assertThat(replica.positions()).hasSize(PARTITIONS);
            assertThat(replica.positions().values().stream().mapToLong(Long::longValue).sum()).isGreaterThanOrEqualTo(33);

            // Live changes after the catch-up are applied too, and do not report again.
            write(topic, "k1", null, "new", "n");
            assertThat(replica.awaitCaughtUp(WAIT)).isTrue();
            assertThat(table.rows).hasSize(28).doesNotContainKey("k1").containsEntry("new", "n");
            assertThat(table.reports).hasSize(1);
        }
    }

    @Test
    void anEmptyTopicIsCaughtUpAtOnce() throws Exception {
        String topic = newTopic();
        Table table = new Table();
        try (TopicReplica<String, String> replica = replica(topic, "replica-it-empty").listener(table).build()) {
            replica.start();
            assertThat(replica.awaitReady(WAIT)).isTrue();
            assertThat(table.rows).isEmpty();
            assertThat(replica.catchUpReport().records()).isZero();
        }
    }

    @Test
    void awaitCaughtUpWaitsForWhatWasWrittenBeforeTheCallNotForTheEndAtStart() throws Exception {
        String topic = newTopic();
        write(topic, "a", "1");
        Table table = new Table();
        // A slow listener: what was written before awaitCaughtUp must be applied when it returns, however slow.
        ReplicaListener<String, String> slow = r -> {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (TopicReplica<String, String> replica = replica(topic, "replica-it-await").listener(slow).listener(table).build()) {
            replica.start();
            assertThat(replica.awaitReady(WAIT)).isTrue();
            for (int round = 0; round < 3; round++) {
                List<String> kv = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    kv.add("r" + round + "-" + i);
                    kv.add("x");
                }
                write(topic, kv.toArray(String[]::new));
                assertThat(replica.awaitCaughtUp(WAIT)).isTrue();
                assertThat(table.rows).hasSize(1 + 100 * (round + 1));
            }
            Map<TopicPartition, Long> positions = replica.positions();
            assertThat(positions.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(301);
        }
    }

    @Test
    void waitsForATopicThatDoesNotExistYet() throws Exception {
        String topic = "replica-it-later-" + TOPICS.incrementAndGet();
        Table table = new Table();
        try (TopicReplica<String, String> replica = replica(topic, "replica-it-later").listener(table).build()) {
            replica.start();
            assertThat(replica.awaitReady(Duration.ofMillis(1500))).isFalse();
            assertThat(replica.status()).contains("waiting for topics");
            try (Admin admin = Admin.create(clients.admin("replica-it-admin"))) {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            }
            write(topic, "a", "1");
            assertThat(replica.awaitCaughtUp(WAIT)).isTrue();
            assertThat(table.rows).containsEntry("a", "1");
        }
    }

    @Test
    void aFailedConsumerRestartsAndResumesWithoutSkippingOrRepeatingARecord() throws Exception {
        String topic = newTopic();
        write(topic, "a", "1", "b", "2", "poison", "p", "c", "3");
        List<String> applied = new CopyOnWriteArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        ReplicaListener<String, String> flaky = r -> {
            if (r.key().equals("poison") && failures.getAndIncrement() < 2) {
                throw new IllegalStateException("listener failed on purpose");
            }
            applied.add(r.key() + "@" + r.partition() + "/" + r.offset());
        };
        try (TopicReplica<String, String> replica = replica(topic, "replica-it-restart").listener(flaky)
                .restartBackoff(FAST).build()) {
            replica.start();
            assertThat(replica.awaitReady(WAIT)).isTrue();
            assertThat(failures).hasValue(3);
            assertThat(applied).hasSize(4).doesNotHaveDuplicates();
            assertThat(applied).anyMatch(s -> s.startsWith("poison@"));
            assertThat(replica.health()).isEqualTo(Service.Health.UP);
        }
    }

    @Test
    void aConsumerThatKeepsFailingGivesUpAndReportsDown() throws Exception {
        String topic = newTopic();
        write(topic, "a", "1");
        try (TopicReplica<String, String> replica = replica(topic, "replica-it-dies").listener(r -> {
            throw new IllegalStateException("always");
        }).restartBackoff(FAST).build()) {
            replica.start();
            assertThat(replica.awaitReady(WAIT)).isFalse();
            assertThat(replica.health()).isEqualTo(Service.Health.DOWN);
            assertThat(replica.isReady()).isFalse();
            assertThat(replica.failure()).hasMessage("always");
            assertThat(replica.awaitCaughtUp(Duration.ofSeconds(1))).isFalse();
        }
    }

    @Test
    void undecodableRecordsAreSkippedOrFailTheConsumerAsThePolicySays() throws Exception {
        String topic = newTopic();
        write(topic, "good", "1", "bad", "x", "also-good", "2");
        Deserializer<String> picky = (t, data) -> {
            String s = new String(data, StandardCharsets.UTF_8);
            if (s.equals("x")) {
                throw new IllegalArgumentException("not a number: " + s);
            }
            return s;
        };
        Map<String, String> rows = new ConcurrentHashMap<>();
        List<String> skipped = new CopyOnWriteArrayList<>();
        try (TopicReplica<String, String> replica = TopicReplica.builder("replica-it-skip", clients.consumer("skip", null),
                        List.of(topic), new StringDeserializer(), picky)
                .listener(r -> rows.put(r.key(), r.value()))
                .undecodable((raw, e) -> skipped.add(new String(raw.key(), StandardCharsets.UTF_8)))
                .build()) {
            replica.start();
            assertThat(replica.awaitReady(WAIT)).isTrue();
            assertThat(rows).containsOnlyKeys("good", "also-good");
            assertThat(skipped).containsExactly("bad");
        }

        AtomicBoolean sawBad = new AtomicBoolean();
        assertThatThrownBy(() -> TopicReplica.readToEnd("replica-it-strict", clients.consumer("strict", null), List.of(topic),
                new StringDeserializer(), picky, r -> sawBad.compareAndSet(false, r.key().equals("bad")), WAIT))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not a number");
        assertThat(sawBad).isFalse();
    }

    @Test
    void readToEndReadsOnceAndFailsOnAMissingTopicWithinTheTimeout() throws Exception {
        String topic = newTopic();
        write(topic, "a", "1", "a", "2", "b", null);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        CatchUpReport report = TopicReplica.readToEnd("replica-it-once", clients.consumer("once", null), List.of(topic),
                new StringDeserializer(), new StringDeserializer(), records::add, WAIT);
        assertThat(records).extracting(ConsumerRecord::value).containsExactlyInAnyOrder("1", "2", null);
        assertThat(report.records()).isEqualTo(3);

        assertThatThrownBy(() -> TopicReplica.readToEnd("replica-it-missing", clients.consumer("missing", null),
                List.of("no-such-topic"), new StringDeserializer(), new StringDeserializer(), r -> { }, Duration.ofSeconds(2)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("waiting for topics [no-such-topic]");
    }
}
