package pl.krakow.pulse.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class EmbeddedKafkaBrokerIT {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBrokerIT.class);
    private static final String TOPIC = "air.readings.v1";

    @TempDir
    Path dataDir;

    @Test
    void producesConsumesAndKeepsTheDataAcrossARestartOnTheSameDirectory() throws Exception {
        String clusterId;
        long began = System.nanoTime();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).build().start()) {
            LOG.info("First start (formatting) took {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
            assertThat(broker.isRunning()).isTrue();
            assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.brokerPort());
            assertThat(broker.dataDir()).isEqualTo(dataDir.toAbsolutePath().normalize());
            assertThat(dataDir.resolve("meta.properties")).exists();
            clusterId = broker.clusterId();

            try (Admin admin = admin(broker)) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
                assertThat(admin.describeCluster().clusterId().get()).isEqualTo(clusterId);
                // auto-creation is off
                assertThat(admin.listTopics().names().get()).contains(TOPIC);
            }
            produce(broker, 0, 10);
            assertThat(consume(broker, 10)).containsExactlyElementsOf(expected(0, 10));
        }

        began = System.nanoTime();
        try (EmbeddedKafkaBroker restarted = new EmbeddedKafkaBroker(dataDir).start()) {
            LOG.info("Restart on the same directory took {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
            assertThat(restarted.clusterId()).isEqualTo(clusterId);
            assertThat(consume(restarted, 10)).containsExactlyElementsOf(expected(0, 10));
            produce(restarted, 10, 5);
            assertThat(consume(restarted, 15)).containsExactlyElementsOf(expected(0, 15));
        }
    }

    @Test
    void honoursExplicitPortsLocksTheDirectoryAndRefusesToRestartAClosedInstance() throws Exception {
        int brokerPort = EmbeddedKafkaBroker.freePort("127.0.0.1");
        int controllerPort = EmbeddedKafkaBroker.freePort("127.0.0.1");
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder()
                .dataDir(dataDir.resolve("explicit"))
                .brokerPort(brokerPort)
                .controllerPort(controllerPort)
                .config("log.retention.hours", "1")
                .build();
        assertThatThrownBy(broker::bootstrapServers).isInstanceOf(IllegalStateException.class);
        try (broker) {
            broker.start();
            assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + brokerPort);
            assertThat(broker.controllerPort()).isEqualTo(controllerPort);
            assertThat(Files.exists(dataDir.resolve("explicit").resolve("meta.properties"))).isTrue();
            try (Admin admin = admin(broker)) {
                assertThat(admin.describeCluster().nodes().get()).hasSize(1);
            }
            // a second broker on a directory in use is refused before Kafka touches it
            try (EmbeddedKafkaBroker intruder = new EmbeddedKafkaBroker(dataDir.resolve("explicit"))) {
                assertThatThrownBy(intruder::start)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("in use");
            }
            assertThat(broker.isRunning()).isTrue();
        }
        assertThat(broker.isRunning()).isFalse();
        broker.close(); // idempotent
        assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class);
    }

    private static List<String> expected(int from, int count) {
        List<String> values = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            values.add("station-" + (i % 2) + "=" + i);
        }
        return values;
    }

    /**
     * A directory formatted by an older Kafka (here Kafka 3.9's levels: transaction.version 0) gets this version's
     * feature levels on start: transaction.version 2 (KIP-890) is what keeps a killed producer from leaving a
     * transaction that no coordinator knows (issue 15).
     */
    @Test
    void aDirectoryFormattedWithOlderFeatureLevelsIsUpgradedOnStart() throws Exception {
        String dir = dataDir.toString();
        new Formatter()
                .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .setControllerListenerName(EmbeddedKafkaBroker.CONTROLLER_LISTENER)
                .setMetadataLogDirectory(dir)
                .setDirectories(List.of(dir))
                .setReleaseVersion(MetadataVersion.IBP_3_9_IV0)
                .setHasDynamicQuorum(false)
                .run();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).build().start();
             Admin admin = admin(broker)) {
            // The upgrade is written to the metadata log as the broker starts; the broker's view of it can trail
            // start() by a moment (CI once saw transaction.version missing from the first answer), so ask until it is there.
            Map<String, FinalizedVersionRange> finalized = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .pollInterval(java.time.Duration.ofMillis(100))
                    .until(() -> admin.describeFeatures().featureMetadata().get(30, TimeUnit.SECONDS).finalizedFeatures(),
                            f -> f.containsKey(MetadataVersion.FEATURE_NAME) && f.containsKey(Feature.TRANSACTION_VERSION.featureName())
                                    && f.get(MetadataVersion.FEATURE_NAME).maxVersionLevel() == MetadataVersion.latestProduction().featureLevel());
            assertThat(finalized.get(MetadataVersion.FEATURE_NAME).maxVersionLevel())
                    .isEqualTo(MetadataVersion.latestProduction().featureLevel());
            assertThat(finalized.get(Feature.TRANSACTION_VERSION.featureName()).maxVersionLevel())
                    .isEqualTo(Feature.TRANSACTION_VERSION.defaultLevel(MetadataVersion.latestProduction()))
                    .isGreaterThanOrEqualTo((short) 2);
        }
    }

    private static Admin admin(EmbeddedKafkaBroker broker) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    private static void produce(EmbeddedKafkaBroker broker, int from, int count) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            for (int i = from; i < from + count; i++) {
                // one key per partition so the consumed order per key is the produced order
                producer.send(new ProducerRecord<>(TOPIC, i % 2, "station-" + (i % 2), Integer.toString(i)))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Reads both partitions from the beginning, as a new consumer group (so the single-node offsets topic is
     * exercised too), until {@code count} records; sorted by value.
     */
    private static List<String> consume(EmbeddedKafkaBroker broker, int count) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.key() + "=" + r.value());
                }
            }
            consumer.commitSync();
            assertThat(Set.copyOf(consumer.assignment()))
                    .containsExactlyInAnyOrder(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1));
        }
        values.sort((a, b) -> Integer.compare(Integer.parseInt(a.substring(a.indexOf('=') + 1)),
                Integer.parseInt(b.substring(b.indexOf('=') + 1))));
        return values;
    }
}
