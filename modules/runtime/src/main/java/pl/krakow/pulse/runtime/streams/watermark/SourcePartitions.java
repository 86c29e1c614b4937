package pl.krakow.pulse.runtime.streams.watermark;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.streams.TopologyDescription;

/**
 * How many partitions a source topic has, as seen by a processor: the application wrapper describes its source
 * topics at start-up and puts {@code pulse.source.partitions.<topic>} into the Streams configuration (topology
 * builders do no I/O); a processor reads it from {@code ProcessorContext.appConfigs()}. Absent (e.g. in
 * {@code TopologyTestDriver}, which runs one task) it is 1.
 */
public final class SourcePartitions {

    public static final String CONFIG_PREFIX = "pulse.source.partitions.";

    private SourcePartitions() {
    }

    public static String configKey(String topic) {
        return CONFIG_PREFIX + topic;
    }

    /** The largest partition count of {@code topics} (a task reads one partition of each), at least 1. */
    public static int of(Map<String, Object> appConfigs, String... topics) {
        int max = 1;
        for (String topic : topics) {
            Object v = appConfigs.get(configKey(topic));
            if (v != null) {
                max = Math.max(max, Integer.parseInt(v.toString().trim()));
            }
        }
        return max;
    }

    /**
     * Describes the topology's external source topics (not its own repartition topics, which Streams creates
     * later with the same counts) and puts {@code pulse.source.partitions.<topic>} for each into {@code props}.
     * The topics must exist (the wrapper provisions them first): a guessed count could let a watermark run ahead.
     *
     * @throws IllegalStateException when a source topic cannot be described within {@code timeout}
     *
     * @return the counts found
     */
    public static Map<String, Integer> describeInto(Properties props, TopologyDescription topology, String applicationId,
                                                    Map<String, Object> adminConfig, Duration timeout) {
        Set<String> sources = new TreeSet<>();
        for (TopologyDescription.Subtopology sub : topology.subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
                    source.topicSet().stream()
                            .filter(t -> !t.startsWith(applicationId + '-') && !t.endsWith("-repartition"))
                            .forEach(sources::add);
                }
            }
        }
        Map<String, Integer> counts = new HashMap<>();
        if (sources.isEmpty()) {
            return counts;
        }
        try (Admin admin = Admin.create(adminConfig)) {
            for (String topic : sources) {
                try {
                    TopicDescription d = admin.describeTopics(Set.of(topic)).topicNameValues().get(topic)
                            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    counts.put(topic, d.partitions().size());
                    props.put(configKey(topic), Integer.toString(d.partitions().size()));
                } catch (ExecutionException | TimeoutException e) {
                    // A guessed count would let a downstream watermark run ahead of partitions it never heard of.
                    throw new IllegalStateException("cannot describe source topic " + topic + " of " + applicationId
                            + " (create the topics first): " + e.getMessage(), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while describing " + topic, e);
                }
            }
        }
        return counts;
    }
}
