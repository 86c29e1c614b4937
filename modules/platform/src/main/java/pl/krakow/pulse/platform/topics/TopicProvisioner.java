package pl.krakow.pulse.platform.topics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the registry's topics that are missing, with their partitions and configs (idempotent:
 * existing topics are left as they are, and a concurrent creator is not an error).
 */
public final class TopicProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    private TopicProvisioner() {
    }

    /** Creates the missing topics with the registry's partition counts; returns the names of those it created. */
    public static List<String> ensure(Admin admin, Collection<TopicSpec<?>> topics, int replicationFactor) {
        return ensure(admin, topics, replicationFactor, 0);
    }

    /**
     * Creates the missing topics; every partitioned topic (registry count above one: events, indicator
     * tables, alerts, late and dead-letter topics) gets {@code partitions} instead of the registry's count
     * when it is positive ({@code topics.partitions}). Single-partition reference topics stay single.
     * Returns the names of the topics it created.
     */
    public static List<String> ensure(Admin admin, Collection<TopicSpec<?>> topics, int replicationFactor, int partitions) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (TopicSpec<?> t : topics) {
                if (!existing.contains(t.name())) {
                    missing.add(new NewTopic(t.name(), partitionsOf(t, partitions), (short) replicationFactor).configs(t.configs()));
                }
            }
            List<String> created = new ArrayList<>();
            if (missing.isEmpty()) {
                return created;
            }
            var result = admin.createTopics(missing);
            for (var e : result.values().entrySet()) {
                try {
                    e.getValue().get(30, TimeUnit.SECONDS);
                    created.add(e.getKey());
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw ex;
                    }
                }
            }
            LOG.info("Created {} topic(s): {}", created.size(), created);
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topics: " + e.getMessage(), e);
        }
    }

    /** The partitions {@link #ensure(Admin, Collection, int, int)} creates {@code topic} with. */
    public static int partitionsOf(TopicSpec<?> topic, int partitions) {
        return partitions > 0 && topic.partitions() > 1 ? partitions : topic.partitions();
    }
}
