package pl.krakow.pulse.indicators;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
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
     * Everything written to a table topic, read committed from the beginning of every partition, in the order polled
     * (per partition, the order written).
     */
    public static class TableReader<V extends org.apache.avro.specific.SpecificRecord> implements AutoCloseable {
        public final List<String> keys = new ArrayList<>();
        public final List<V> records = new ArrayList<>();
        private final KafkaConsumer<String, V> consumer;

        public TableReader(EmbeddedPlatform platform, TopicSpec<V> topic) {
            Properties props = new Properties();
            props.putAll(platform.clients.consumer(platform.name + "-table", platform.name + "-table-" + System.nanoTime()));
            props.put("isolation.level", "read_committed");
            consumer = new KafkaConsumer<>(props, platform.serdes.key().deserializer(),
                    platform.serdes.value(topic).deserializer());
            List<TopicPartition> tps = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
        }

        /** One poll of up to 200 ms; returns this. */
        public TableReader<V> poll() {
            for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
                keys.add(r.key());
                records.add(r.value());
            }
            return this;
        }

        /** Keeps polling for {@code duration}: what follows the last expected record (a revision) is seen too. */
        public void pollFor(Duration duration) {
            long end = System.nanoTime() + duration.toNanos();
            while (System.nanoTime() < end) {
                poll();
            }
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
            consumer.close();
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
