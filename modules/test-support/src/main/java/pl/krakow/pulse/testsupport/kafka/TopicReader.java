package pl.krakow.pulse.testsupport.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.runtime.replica.TopicReplica;

/**
 * Reads a whole topic once through the runtime's {@link TopicReplica#readToEnd}: from the beginning of every
 * partition up to the end offsets taken when the read starts ("caught up"), with the project's serdes and read-committed isolation (so the end of a partition is its last
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
        String name = "topic-reader-" + UUID.randomUUID();
        try {
            TopicReplica.readToEnd(name, clients.consumer(name, null), List.of(topic.name()), serdes.key().deserializer(),
                    serdes.value(topic).deserializer(), out::add, TIMEOUT);
        } catch (IllegalStateException e) {
            throw new AssertionError(e.getMessage(), e);
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
