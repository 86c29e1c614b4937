package pl.krakow.pulse.platform.registry;

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

    @Override
    default void close() {
    }

    /** A schema as stored under a subject. */
    record RegisteredSchema(String subject, int version, int id, Schema schema) {
    }
}
