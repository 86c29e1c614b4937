package pl.krakow.pulse.platform.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.platform.topics.Compatibility;
import pl.krakow.pulse.platform.topics.TopicSpec;

/**
 * Registers the value schema of every topic under {@code <topic>-value} with the topic's
 * compatibility level (BACKWARD_TRANSITIVE for events, FULL_TRANSITIVE for indicator tables and
 * alerts) before any producer runs. An incompatible schema fails start-up with the registry's
 * 409 — a contract break is caught before a single record is written.
 *
 * <p>A level an operator set for a subject is kept: the topic's level is only written to a subject that has none of
 * its own ({@code GET /config/<subject>} answers 404), so a restart never undoes a deliberate change.
 *
 * <p>With a client that does not register ({@code auto.register.schemas=false}) nothing is written to the registry:
 * each subject's {@linkplain SchemaRegistryClient#writerSchema writer schema} is looked up instead, and start-up fails
 * with one message naming every subject that has none usable.
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
        Set<String> failures = new LinkedHashSet<>(); // an unreachable registry fails every subject alike: say it once
        RuntimeException first = null;
        try {
            List<Future<?>> pending = new ArrayList<>();
            for (TopicSpec<?> topic : topics) {
                pending.add(pool.submit(() -> ensureOne(registry, topic)));
            }
            for (Future<?> f : pending) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    RuntimeException failure = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                    first = first == null ? failure : first;
                    failures.add(failure.getMessage());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while registering schemas", e);
        } finally {
            pool.shutdownNow();
        }
        if (failures.size() == 1) {
            throw first;
        }
        if (!failures.isEmpty()) {
            throw new SchemaRegistryException(String.join("; ", failures), first);
        }
        LOG.info(registry.autoRegisters() ? "Registered the value schemas of {} topics"
                : "Found the value schemas of {} topics in the registry (auto.register.schemas=false: nothing registered)", topics.size());
    }

    private static void ensureOne(SchemaRegistryClient registry, TopicSpec<?> topic) {
        Schema schema = SpecificData.get().getSchema(topic.valueType());
        String subject = topic.valueSubject();
        if (registry.autoRegisters()) {
            Optional<Compatibility> own = registry.compatibility(subject);
            if (own.isEmpty()) {
                registry.setCompatibility(subject, topic.compatibility());
            } else if (own.get() != topic.compatibility()) {
                LOG.info("Subject {} keeps its compatibility level {} (Kraków Pulse would set {})", subject, own.get(),
                        topic.compatibility());
            }
        }
        int id = registry.writerSchema(subject, schema).id();
        LOG.debug("Schema {} under {} has id {} ({})", schema.getFullName(), subject, id, topic.compatibility());
    }
}
