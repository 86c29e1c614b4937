package pl.krakow.pulse.publish;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.TopicSpec;

/**
 * One indicator table read once, directly from its topic, up to the end offsets it had when the read
 * began ({@code read_committed}): the last value per key, tombstones applied — the table as log
 * compaction defines it. {@code pulse export} uses it, so an export needs no running publish instance.
 */
public final class IndicatorTableSnapshot {

    private final Map<String, IndicatorValue> byKey;
    private final Set<String> simulatedKeys;

    private IndicatorTableSnapshot(Map<String, IndicatorValue> byKey, Set<String> simulatedKeys) {
        this.byKey = byKey;
        this.simulatedKeys = simulatedKeys;
    }

    /** Reads the whole table; fails when the topic does not exist or cannot be read to its end within {@code timeout}. */
    public static IndicatorTableSnapshot read(KafkaClients clients, PulseSerdes serdes, TopicSpec<IndicatorValue> table,
                                              Duration timeout) {
        Deserializer<IndicatorValue> values = serdes.value(IndicatorValue.class).deserializer();
        Map<String, IndicatorValue> byKey = new HashMap<>();
        Set<String> simulated = new HashSet<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                clients.consumer("pulse-export-" + UUID.randomUUID(), null),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(table.name(), timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + table.name() + " does not exist");
            }
            List<TopicPartition> partitions = new ArrayList<>();
            infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + table.name() + " to its end within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        byKey.remove(r.key());
                        continue;
                    }
                    IndicatorValue v = values.deserialize(r.topic(), r.headers(), r.value());
                    byKey.put(r.key(), v);
                    Header feed = r.headers().lastHeader(IndicatorReadModel.FEED_HEADER);
                    String series = v.getIndicatorId() + '|' + v.getScope();
                    if (feed != null && feed.value() != null && IndicatorReadModel.SIMULATED_FEED.equals(
                            new String(feed.value(), StandardCharsets.UTF_8))) {
                        simulated.add(series);
                    }
                }
            }
        }
        return new IndicatorTableSnapshot(byKey, simulated);
    }

    public List<IndicatorValue> values() {
        return List.copyOf(byKey.values());
    }

    public boolean isSimulated(String indicatorId, String scope) {
        return simulatedKeys.contains(indicatorId + '|' + scope);
    }
}
