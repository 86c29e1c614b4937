package pl.krakow.pulse.platform.registry;

import java.util.Optional;
import org.apache.avro.Schema;
import pl.krakow.pulse.platform.topics.Compatibility;

/**
 * The part of the Confluent Schema Registry API that Kraków Pulse uses. Implementations must be
 * thread-safe; callers on the hot path rely on the implementation caching ids and schemas.
 * Confluent's own client is not on Maven Central, hence this small interface of ours.
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
    int register(String subject, Schema schema);

    /** The schema with global id {@code id}. */
    Schema getById(int id);

    /** The latest version registered under {@code subject}, or null if the subject does not exist. */
    RegisteredSchema latest(String subject);

    /** Whether {@code schema} may be registered under {@code subject} given its compatibility level. */
    boolean isCompatible(String subject, Schema schema);

    /** Sets the subject's compatibility level. */
    void setCompatibility(String subject, Compatibility level);

    /**
     * The subject's own compatibility level, or empty when it has none (it follows the registry's global level): an
     * operator's choice for a subject is never overwritten ({@link SchemaProvisioner}).
     */
    Optional<Compatibility> compatibility(String subject);

    /**
     * The id and writer schema a serializer uses for records of {@code schema} under {@code subject}. By default the
     * schema is registered (idempotent) and written as it is; a client configured not to register
     * ({@link SchemaRegistrySettings.SchemaIdSource}) looks it up, or answers with the subject's latest version, which
     * may differ from {@code schema} but can read what {@code schema} writes.
     *
     * @throws SchemaRegistryException naming the subject when there is no usable schema
     */
    default WriterSchema writerSchema(String subject, Schema schema) {
        return new WriterSchema(register(subject, schema), schema);
    }

    /** Whether {@link #writerSchema} registers schemas (and the provisioner may set compatibility levels). */
    default boolean autoRegisters() {
        return true;
    }

    @Override
    default void close() {
    }

    /** A schema as stored under a subject. */
    record RegisteredSchema(String subject, int version, int id, Schema schema) {
    }

    /** The schema id a serializer puts in the Confluent header and the schema whose encoding follows it. */
    record WriterSchema(int id, Schema schema) {
    }
}
