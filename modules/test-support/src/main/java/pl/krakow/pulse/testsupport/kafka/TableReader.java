package pl.krakow.pulse.testsupport.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.TopicSpec;

/**
 * Everything written to a topic, accumulated across polls: read committed from the beginning of every partition,
 * in the order polled (per partition, the order written). For tests that keep reading while the application writes
 * (inside an awaitility condition); {@link TopicReader} is the one-shot read.
 */
public class TableReader<V extends SpecificRecord> implements AutoCloseable {

    public final List<String> keys = new ArrayList<>();
    public final List<V> records = new ArrayList<>();
    private final KafkaConsumer<String, V> consumer;
    private final List<TopicPartition> partitions;

    public TableReader(EmbeddedPlatform platform, TopicSpec<V> topic) {
        this(platform.clients(), platform.serdes(), topic);
    }

    public TableReader(KafkaClients clients, PulseSerdes serdes, TopicSpec<V> topic) {
        Properties props = new Properties();
        props.putAll(clients.consumer("table-reader-" + topic.name() + "-" + System.nanoTime(), null));
        props.put("isolation.level", "read_committed");
        consumer = new KafkaConsumer<>(props, serdes.key().deserializer(), serdes.value(topic).deserializer());
        partitions = consumer.partitionsFor(topic.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** One poll of up to 200 ms; returns this. */
    public TableReader<V> poll() {
        for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
            keys.add(r.key());
            records.add(r.value());
        }
        return this;
    }

    /** Polls until the reader has reached the end offsets the topic has now; returns this. */
    public TableReader<V> catchUp() {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        long deadline = System.nanoTime() + TopicReader.TIMEOUT.toNanos();
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("could not reach the end offsets " + end + " within " + TopicReader.TIMEOUT);
            }
            poll();
        }
        return this;
    }

    /**
     * Keeps polling for {@code duration}, then catches up: what the application writes in that time after the
     * records a test waited for (a revision) is seen too.
     */
    public TableReader<V> pollFor(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            poll();
        }
        return catchUp();
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
