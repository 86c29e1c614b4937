package pl.krakow.pulse.testsupport.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.TopicSpec;

/**
 * Reads a whole topic once: from the beginning of every partition up to the end offsets taken when the read starts
 * ("caught up"), with the project's serdes and read-committed isolation (so the end of a partition is its last
 * stable offset). Records written after the read started may or may not be included; a test that waits for data
 * repeats the read inside an awaitility condition on what it returns. No consumer group, nothing committed.
 */
public final class TopicReader {

    /** A read that cannot reach the end offsets in this time fails rather than returning part of the topic. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private TopicReader() {
    }

    /** Every record of the topic up to its current end offsets, per partition in offset order. */
    public static <V extends SpecificRecord> List<ConsumerRecord<String, V>> readToEnd(KafkaClients clients, PulseSerdes serdes,
                                                                                       TopicSpec<V> topic) {
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(clients.consumer("topic-reader-" + UUID.randomUUID(), null),
                serdes.key().deserializer(), serdes.value(topic).deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic.name() + " to its end offsets " + end + " within " + TIMEOUT);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** The topic as a table: the last value per key up to the current end offsets (null for a tombstone). */
    public static <V extends SpecificRecord> Map<String, V> latestPerKey(KafkaClients clients, PulseSerdes serdes, TopicSpec<V> topic) {
        Map<String, V> table = new HashMap<>();
        readToEnd(clients, serdes, topic).forEach(r -> table.put(r.key(), r.value()));
        return table;
    }
}
