package pl.krakow.pulse.platform.serde;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import pl.krakow.pulse.platform.registry.SchemaRegistryClient;

/** A Kafka {@link Serde} of a generated Avro class in the Confluent wire format. */
public final class AvroSerde<T extends SpecificRecord> extends Serdes.WrapperSerde<T> {

    /** The package of the generated classes, which Avro ≥ 1.11.4 must be told to trust. */
    public static final String TRUSTED_PACKAGES = "pl.krakow.pulse.events";

    public AvroSerde(SchemaRegistryClient registry, Class<T> type) {
        super(new AvroSerializer<>(registry, type, false), new AvroDeserializer<>(registry, type));
    }

    /**
     * Avro refuses to instantiate generated classes outside {@code org.apache.avro.SERIALIZABLE_PACKAGES}
     * (CVE-2024-47561 hardening). The property is read when Avro's SpecificData initialises, so it is
     * set as early as any of our serdes load; an operator's own value is extended, never replaced.
     */
    static void trustGeneratedPackages() {
        String current = System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES");
        if (current == null || current.isBlank()) {
            System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES", TRUSTED_PACKAGES);
        } else if (!current.contains(TRUSTED_PACKAGES)) {
            System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES", current + "," + TRUSTED_PACKAGES);
        }
    }

    static Schema schemaOf(Class<? extends SpecificRecord> type) {
        return SpecificData.get().getSchema(type);
    }
}
