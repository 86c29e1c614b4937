package pl.krakow.pulse.runtime.transactions;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.embedded.EmbeddedKafkaBroker;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.runtime.transactions.HangingTransactions.Hanging;

/**
 * The start-up sweep on the real embedded broker, against a real hanging transaction: a transactional producer
 * leaves a transaction open on a partition, then its coordinator's state is lost (the broker is stopped and its
 * {@code __transaction_state} logs deleted — what the transaction coordinator forgetting a transaction looks like to
 * the partition). The partition's last stable offset then never moves; the sweep must find and abort it.
 */
class HangingTransactionSweepIT {

    private static final String TOPIC = "hanging-in";
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);

    @TempDir
    Path dir;

    @Test
    void aTransactionNoCoordinatorKnowsIsAbortedAndReadCommittedReadersMoveOn() throws Exception {
        Path data = dir.resolve("kafka");
        leaveOpenTransaction(data);
        deleteTransactionState(data);

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(data).build().start()) {
            KafkaClients clients = new KafkaClients(broker.bootstrapServers(), PulseConfig.defaults());
            try (KafkaProducer<String, String> plain = new KafkaProducer<>(clients.producer("hanging-it-plain"),
                    new StringSerializer(), new StringSerializer())) {
                plain.send(new ProducerRecord<>(TOPIC, 0, "k", "after")).get();
            }
            try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(clients.consumer("hanging-it-reader", null),
                    new StringDeserializer(), new StringDeserializer());
                 Admin admin = Admin.create(clients.admin("hanging-it-sweep"))) {
                reader.assign(List.of(PARTITION));
                reader.seekToBeginning(List.of(PARTITION));
                assertThat(pollFor(reader, Duration.ofSeconds(3))).as("read_committed stops at the open transaction").isEmpty();
                assertThat(reader.endOffsets(List.of(PARTITION)).get(PARTITION)).as("last stable offset").isZero();

                SimpleMeterRegistry meters = new SimpleMeterRegistry();
                HangingTransactionSweep sweep = new HangingTransactionSweep(admin, meters, Duration.ofSeconds(30));
                List<Hanging> hanging = sweep.sweep(true);

                assertThat(hanging).singleElement().satisfies(h -> {
                    assertThat(h.transaction().partition()).isEqualTo(PARTITION);
                    assertThat(h.transaction().startOffset()).isZero();
                    assertThat(h.reason()).contains("no transaction at any coordinator");
                });
                assertThat(meters.get("pulse.transactions.hanging.aborted").counter().count()).isEqualTo(1.0);
                assertThat(pollFor(reader, Duration.ofSeconds(10))).as("after the abort: the later record, not the aborted one")
                        .extracting(ConsumerRecord::value).containsExactly("after");
                assertThat(sweep.sweep(true)).as("nothing left to abort").isEmpty();
            }
        }
    }

    @Test
    void theCommitMarkerWriterEndsAnOpenTransactionAsCommittedAndReadersSeeItsRecords() throws Exception {
        Path data = dir.resolve("kafka-commit");
        leaveOpenTransaction(data);
        deleteTransactionState(data);

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(data).build().start()) {
            KafkaClients clients = new KafkaClients(broker.bootstrapServers(), PulseConfig.defaults());
            try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(clients.consumer("hanging-it-reader", null),
                    new StringDeserializer(), new StringDeserializer());
                 Admin admin = Admin.create(clients.admin("hanging-it-commit"))) {
                ProducerState open = admin.describeProducers(List.of(PARTITION)).partitionResult(PARTITION).get()
                        .activeProducers().stream().filter(p -> p.currentTransactionStartOffset().isPresent()).findFirst().orElseThrow();
                reader.assign(List.of(PARTITION));
                reader.seekToBeginning(List.of(PARTITION));
                assertThat(pollFor(reader, Duration.ofSeconds(2))).as("read_committed stops at the open transaction").isEmpty();

                // What a coordinator running transaction version 2 writes when it commits: the bumped epoch.
                new CommitMarkerWriter(new InetSocketAddress("127.0.0.1", broker.brokerPort()), Duration.ofSeconds(30))
                        .commit(PARTITION, open.producerId(), (short) (open.producerEpoch() + 1), open.coordinatorEpoch().orElse(0), (short) 2);

                assertThat(pollFor(reader, Duration.ofSeconds(10))).as("after the COMMIT marker: the transaction's record")
                        .extracting(ConsumerRecord::value).containsExactly("never-committed");
                assertThat(admin.describeProducers(List.of(PARTITION)).partitionResult(PARTITION).get().activeProducers())
                        .noneMatch(p -> p.currentTransactionStartOffset().isPresent());
            }
        }
    }

    /** A transactional producer that writes one record to {@link #PARTITION} and vanishes without ending its transaction. */
    private static void leaveOpenTransaction(Path data) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(data).build().start()) {
            KafkaClients clients = new KafkaClients(broker.bootstrapServers(), PulseConfig.defaults());
            try (Admin admin = Admin.create(clients.admin("hanging-it"))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            }
            Map<String, Object> txnConfig = clients.producer("hanging-it-txn");
            txnConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "hanging-it-txn");
            txnConfig.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Duration.ofMinutes(10).toMillis());
            KafkaProducer<String, String> txn = new KafkaProducer<>(txnConfig, new StringSerializer(), new StringSerializer());
            txn.initTransactions();
            txn.beginTransaction();
            txn.send(new ProducerRecord<>(TOPIC, 0, "k", "never-committed")).get();
            // Gone without ending its transaction, as under kill -9 (close(ZERO) sends no EndTxn).
            txn.close(Duration.ZERO);
        }
    }

    private static List<ConsumerRecord<String, String>> pollFor(KafkaConsumer<String, String> reader, Duration duration) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        long deadline = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < deadline && out.isEmpty()) {
            reader.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        return out;
    }

    /** What a lost transaction coordinator leaves behind: the partition's open transaction, and no coordinator record of it. */
    private static void deleteTransactionState(Path data) throws IOException {
        try (DirectoryStream<Path> logs = Files.newDirectoryStream(data, "__transaction_state-*")) {
            for (Path log : logs) {
                try (Stream<Path> walk = Files.walk(log)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
        }
    }
}
