package pl.krakow.pulse.platform.registry;

import java.util.Collection;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.platform.topics.TopicSpec;

/**
 * Registers the value schema of every topic under {@code <topic>-value} with the topic's
 * compatibility level (BACKWARD_TRANSITIVE for events, FULL_TRANSITIVE for indicator tables and
 * alerts) before any producer runs. An incompatible schema fails start-up with the registry's
 * 409 — a contract break is caught before a single record is written.
 */
public final class SchemaProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaProvisioner.class);

    private SchemaProvisioner() {
    }

    public static void ensure(SchemaRegistryClient registry, Collection<TopicSpec<?>> topics) {
        for (TopicSpec<?> topic : topics) {
            Schema schema = SpecificData.get().getSchema(topic.valueType());
            registry.setCompatibility(topic.valueSubject(), topic.compatibility());
            int id = registry.register(topic.valueSubject(), schema);
            LOG.debug("Schema {} registered under {} with id {} ({})", schema.getFullName(), topic.valueSubject(), id,
                    topic.compatibility());
        }
        LOG.info("Registered the value schemas of {} topics", topics.size());
    }
}
