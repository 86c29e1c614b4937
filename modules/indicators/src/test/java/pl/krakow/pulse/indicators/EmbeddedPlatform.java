package pl.krakow.pulse.indicators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import pl.krakow.pulse.embedded.EmbeddedKafkaBroker;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.registry.InMemorySchemaRegistryClient;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.TopicProvisioner;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.runtime.replica.ConsumerGroupLag;
import pl.krakow.pulse.runtime.replica.RestartBackoff;
import pl.krakow.pulse.runtime.replica.TopicReplica;

/**
 * The real embedded KRaft broker with the clients, serdes and metrics an indicators IT needs, and readers of the
 * tables it writes. Closing it closes the tracked applications first (newest first), then metrics and broker.
 */
public final class EmbeddedPlatform implements AutoCloseable {

    private final EmbeddedKafkaBroker broker;
    private final KafkaClients clients;
    private final PulseSerdes serdes;
    private final PulseMetrics metrics;
    private final String name;
    private final Deque<AutoCloseable> tracked = new ArrayDeque<>();

    private EmbeddedPlatform(Path dir, String name) {
        this.name = name;
        broker = EmbeddedKafkaBroker.builder().dataDir(dir.resolve("kafka")).build().start();
        clients = new KafkaClients(broker.bootstrapServers(), PulseConfig.defaults());
        serdes = new PulseSerdes(new InMemorySchemaRegistryClient());
        metrics = new PulseMetrics(name);
    }

    /** Starts a broker with its log under {@code dir/kafka}; {@code name} prefixes client ids and names the metrics. */
    public static EmbeddedPlatform start(Path dir, String name) {
        return new EmbeddedPlatform(dir, name);
    }

    /** Creates every topic of the registry with {@code partitions} partitions each. */
    public EmbeddedPlatform provision(int partitions) {
        try (Admin admin = Admin.create(clients.admin(name + "-admin"))) {
            TopicProvisioner.ensure(admin, Topics.all(), 1, partitions);
        }
        return this;
    }

    /** Closed with the platform, before the broker. */
    public <T extends AutoCloseable> T track(T closeable) {
        tracked.push(closeable);
        return closeable;
    }

    public KafkaClients clients() {
        return clients;
    }

    public PulseSerdes serdes() {
        return serdes;
    }

    public PulseMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        while (!tracked.isEmpty()) {
            try {
                tracked.pop().close();
            } catch (Exception e) {
                // best effort: the broker must still stop
            }
        }
        metrics.close();
        broker.close();
    }

    /**
     * Waits until every consumer group on the broker — the Streams applications under test — has committed offsets
     * at the end of every partition it reads ({@link ConsumerGroupLag}): with exactly-once, everything they derive
     * from their input so far is then committed to their output topics.
     */
    public void awaitInputConsumed(Duration timeout) {
        try (Admin admin = Admin.create(clients.admin(name + "-lag"))) {
            await().atMost(timeout).pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> assertThat(ConsumerGroupLag.behind(admin)).as("consumer groups behind").isEmpty());
        }
    }

    /**
     * Everything written to a table topic, read committed from the beginning of every partition by a background
     * {@link TopicReplica}, in the order read (per partition, the order written). The public lists change only in
     * {@link #poll()} and {@link #readToEnd()}, on the caller's thread.
     */
    public static class TableReader<V extends org.apache.avro.specific.SpecificRecord> implements AutoCloseable {
        public final List<String> keys = new ArrayList<>();
        public final List<V> records = new ArrayList<>();
        /** What the replica read and the caller has not taken in yet. Guarded by itself. */
        private final List<ConsumerRecord<String, V>> arrived = new ArrayList<>();
        private final TopicReplica<String, V> replica;

        public TableReader(EmbeddedPlatform platform, TopicSpec<V> topic) {
            replica = TopicReplica.builder(platform.name + "-table-" + System.nanoTime(),
                            platform.clients.consumer(platform.name + "-table", null), List.of(topic.name()),
                            platform.serdes.key().deserializer(), platform.serdes.value(topic).deserializer())
                    .listener(r -> {
                        synchronized (arrived) {
                            arrived.add(r);
                        }
                    })
                    .restartBackoff(RestartBackoff.none())
                    .pollTimeout(Duration.ofMillis(50))
                    .build();
            replica.start();
        }

        /** Takes in what is committed now, as far as it is read within 200 ms; returns this (for polling loops). */
        public TableReader<V> poll() {
            try {
                replica.awaitCaughtUp(Duration.ofMillis(200));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return takeIn();
        }

        /** Takes in everything committed to the table when called; fails if it cannot be read within 30 s. */
        public TableReader<V> readToEnd() {
            try {
                assertThat(replica.awaitCaughtUp(Duration.ofSeconds(30))).as("table read to its end offsets").isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            return takeIn();
        }

        private TableReader<V> takeIn() {
            assertThat(replica.failure()).as("table reader failure").isNull();
            synchronized (arrived) {
                for (ConsumerRecord<String, V> r : arrived) {
                    keys.add(r.key());
                    records.add(r.value());
                }
                arrived.clear();
            }
            return this;
        }

        /** The latest record per key, keys sorted. */
        public Map<String, V> latest() {
            Map<String, V> out = new TreeMap<>();
            for (int i = 0; i < keys.size(); i++) {
                out.put(keys.get(i), records.get(i));
            }
            return out;
        }

        @Override
        public void close() {
            replica.close();
        }
    }

    /** An indicator table: FINAL records per key on top of {@link TableReader}. */
    public static class IndicatorTable extends TableReader<IndicatorValue> {

        public IndicatorTable(EmbeddedPlatform platform, TopicSpec<IndicatorValue> topic) {
            super(platform, topic);
        }

        /** How many FINAL records each key received (a key with more than one was revised). */
        public Map<String, Integer> finalsPerKey() {
            Map<String, Integer> out = new TreeMap<>();
            for (int i = 0; i < keys.size(); i++) {
                if (records.get(i).getStatus() == IndicatorStatus.FINAL) {
                    out.merge(keys.get(i), 1, Integer::sum);
                }
            }
            return out;
        }
    }
}
