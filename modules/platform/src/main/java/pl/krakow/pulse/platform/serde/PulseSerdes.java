package pl.krakow.pulse.platform.serde;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import pl.krakow.pulse.platform.registry.SchemaRegistryClient;
import pl.krakow.pulse.platform.topics.TopicSpec;

/**
 * Serdes for the topics of the registry: string keys, Avro values bound to one schema-registry
 * client. One instance per process; serdes are cached per value type.
 */
public final class PulseSerdes {

    static {
        AvroSerde.trustGeneratedPackages();
    }

    private final SchemaRegistryClient registry;
    private final Map<Class<?>, AvroSerde<?>> serdes = new ConcurrentHashMap<>();

    public PulseSerdes(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    public SchemaRegistryClient registry() {
        return registry;
    }

    public Serde<String> key() {
        return Serdes.String();
    }

    @SuppressWarnings("unchecked")
    public <V extends SpecificRecord> Serde<V> value(TopicSpec<V> topic) {
        return value(topic.valueType());
    }

    @SuppressWarnings("unchecked")
    public <V extends SpecificRecord> Serde<V> value(Class<V> type) {
        return (Serde<V>) serdes.computeIfAbsent(type, t -> new AvroSerde<>(registry, type));
    }
}
