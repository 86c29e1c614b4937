package pl.krakow.pulse.platform.topics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the registry's topics that are missing, with their partitions and configs (idempotent:
 * existing topics are left as they are, and a concurrent creator is not an error).
 *
 * <p>A topic created with 3 or more replicas also gets {@code min.insync.replicas} ({@link #minInsyncReplicas}):
 * with our producers' {@code acks=all}, a write is then acknowledged only once it is on at least two brokers, and the
 * topic stays writable while one broker is down. The broker's default (1) would acknowledge a write held by the
 * leader alone, lost if that broker's disk is.
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
        return ensure(admin, topics, replicationFactor, partitions, 0);
    }

    /**
     * As {@link #ensure(Admin, Collection, int, int)}, with {@code min.insync.replicas} as
     * {@link #minInsyncReplicas(int, int)} decides from {@code replicationFactor} and {@code minInsyncReplicas}
     * ({@code topics.min.insync.replicas}; 0 = derive).
     */
    public static List<String> ensure(Admin admin, Collection<TopicSpec<?>> topics, int replicationFactor, int partitions,
                                      int minInsyncReplicas) {
        int minInsync = minInsyncReplicas(replicationFactor, minInsyncReplicas);
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (TopicSpec<?> t : topics) {
                if (!existing.contains(t.name())) {
                    missing.add(new NewTopic(t.name(), partitionsOf(t, partitions), (short) replicationFactor)
                            .configs(configsOf(t, minInsync)));
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

    /**
     * The {@code min.insync.replicas} of topics created with {@code replicationFactor} replicas, or 0 for none (the
     * broker's default): {@code configured} when positive, else {@code replicationFactor − 1}; never on fewer than 3
     * replicas, where requiring 2 of 2 would stop every write while one broker restarts.
     *
     * @throws IllegalArgumentException when {@code configured} exceeds the replication factor (no write could succeed)
     */
    public static int minInsyncReplicas(int replicationFactor, int configured) {
        if (configured > replicationFactor && replicationFactor >= 3) {
            throw new IllegalArgumentException("topics.min.insync.replicas=" + configured + " exceeds topics.replication.factor="
                    + replicationFactor + ": no acks=all write could succeed");
        }
        if (replicationFactor < 3) {
            return 0;
        }
        return configured > 0 ? configured : replicationFactor - 1;
    }

    /** The configs {@code topic} is created with: its own, plus {@code min.insync.replicas} unless it sets one or {@code minInsync} is 0. */
    static Map<String, String> configsOf(TopicSpec<?> topic, int minInsync) {
        if (minInsync <= 0 || topic.configs().containsKey(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG)) {
            return topic.configs();
        }
        Map<String, String> configs = new HashMap<>(topic.configs());
        configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minInsync));
        return configs;
    }

    /** The partitions {@link #ensure(Admin, Collection, int, int)} creates {@code topic} with. */
    public static int partitionsOf(TopicSpec<?> topic, int partitions) {
        return partitions > 0 && topic.partitions() > 1 ? partitions : topic.partitions();
    }
}
