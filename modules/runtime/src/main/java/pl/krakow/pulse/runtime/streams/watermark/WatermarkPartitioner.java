package pl.krakow.pulse.runtime.streams.watermark;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Partitioner of a repartition topic that carries progress markers ({@link Progress}): a marker goes to
 * <em>every</em> partition (KIP-837 multicast), any other record where Kafka Streams' default would put it
 * (hash of the serialized key), so data placement is exactly that of a plain {@code repartition()}.
 */
public final class WatermarkPartitioner<K, V> implements StreamPartitioner<K, V> {

    @Override
    public Optional<Set<Integer>> partitions(String topic, K key, V value, int numPartitions) {
        return Optional.empty(); // default partitioning
    }

    @Override
    public Optional<Set<Integer>> partitions(String topic, K key, V value, Headers headers, int numPartitions) {
        if (value != null || Progress.fromHeaders(headers).isEmpty()) {
            return Optional.empty();
        }
        Set<Integer> all = new HashSet<>(numPartitions * 2);
        for (int p = 0; p < numPartitions; p++) {
            all.add(p);
        }
        return Optional.of(all);
    }
}
