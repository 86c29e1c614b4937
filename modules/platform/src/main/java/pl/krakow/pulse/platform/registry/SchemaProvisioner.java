package pl.krakow.pulse.platform.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
        // Subjects are independent, and each registration waits for a registry round trip (and, on a
        // Kafka-backed registry, a replicated write): a few in parallel cut start-up by seconds.
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(4, Math.max(1, topics.size())), r -> {
            Thread t = new Thread(r, "schema-provisioner");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> pending = new ArrayList<>();
            for (TopicSpec<?> topic : topics) {
                pending.add(pool.submit(() -> ensureOne(registry, topic)));
            }
            for (Future<?> f : pending) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while registering schemas", e);
        } finally {
            pool.shutdownNow();
        }
        LOG.info("Registered the value schemas of {} topics", topics.size());
    }

    private static void ensureOne(SchemaRegistryClient registry, TopicSpec<?> topic) {
        Schema schema = SpecificData.get().getSchema(topic.valueType());
        registry.setCompatibility(topic.valueSubject(), topic.compatibility());
        int id = registry.register(topic.valueSubject(), schema);
        LOG.debug("Schema {} registered under {} with id {} ({})", schema.getFullName(), topic.valueSubject(), id,
                topic.compatibility());
    }
}
