package pl.krakow.pulse.platform.topics;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * One topic of Kraków Pulse: its name, the Avro type of its values, its partitioning and configs,
 * and the compatibility level of its value subject. Keys are UTF-8 strings on every topic (stable
 * bytes, so compaction and partitioning never depend on a key schema's id).
 *
 * @param <V> the generated Avro class of the values
 */
public record TopicSpec<V extends SpecificRecord>(
        String name,
        Class<V> valueType,
        int partitions,
        Map<String, String> configs,
        Compatibility compatibility,
        String keyDescription) {

    public String valueSubject() {
        return name + "-value";
    }

    @Override
    public String toString() {
        return name;
    }
}
