package pl.krakow.pulse.runtime.replica;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * Whether consumer groups — each Kafka Streams application id is one — have consumed their inputs to the end:
 * the group's committed offset of every partition it reads (source and repartition topics; a partition assigned
 * but never committed counts as offset 0) against that partition's last stable offset ({@code read_committed}
 * end). With exactly-once, a group at the end has also committed everything it derived from those records.
 *
 * <p>Committed offsets are listed first and end offsets after: an offset equal to its end therefore also means
 * nothing was appended in between. Kafka Streams commits the consumer position when a task has nothing buffered,
 * so transaction markers at the end of an input do not keep a group "behind"; a plain consumer that commits "last
 * record + 1" stays one offset behind a marker, so ask about the groups that matter. Only classic and consumer-protocol
 * groups are understood; a streams-protocol group (KIP-1071) is reported as not understood rather than ignored.
 */
public final class ConsumerGroupLag {

    private ConsumerGroupLag() {
    }

    /** Every consumer group on the cluster: see {@link #behind(Admin, Collection)}. */
    public static List<String> behind(Admin admin) throws InterruptedException {
        List<String> groups = new ArrayList<>();
        try {
            for (GroupListing g : admin.listGroups().all().get()) {
                GroupType type = g.type().orElse(GroupType.CLASSIC);
                if (type == GroupType.STREAMS) {
                    return List.of("streams-protocol group " + g.groupId() + " not understood");
                }
                if (type == GroupType.CLASSIC || type == GroupType.CONSUMER) {
                    groups.add(g.groupId());
                }
            }
        } catch (ExecutionException e) {
            return List.of("cannot list the groups: " + e.getCause());
        }
        return behind(admin, groups);
    }

    /**
     * One line per partition where one of {@code groupIds} has not committed up to the end, e.g.
     * {@code pulse-indicators-iv3 air-quality-0 at 12 of 40}; empty when every group is at the end. A group that
     * does not exist yet, a group in a rebalance (neither STABLE nor EMPTY), a group whose members have no partition
     * yet, or a failed request, is one line too: ask again.
     */
    public static List<String> behind(Admin admin, Collection<String> groupIds) throws InterruptedException {
        try {
            Map<String, Map<TopicPartition, Long>> committed = new TreeMap<>();
            Set<TopicPartition> partitions = new HashSet<>();
            for (String group : groupIds) {
                Map<TopicPartition, Long> offsets = new HashMap<>();
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                        .forEach((tp, om) -> offsets.put(tp, om == null ? 0L : om.offset()));
                ConsumerGroupDescription d;
                try {
                    d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof GroupIdNotFoundException) {
                        return List.of(group + " does not exist (yet)"); // an application that has not joined
                    }
                    throw e;
                }
                // A group in a rebalance has no settled assignment: its partitions (and so its lag) are not all
                // known yet. Seen in CI: an application still joining, with nothing committed, read as "not behind".
                org.apache.kafka.common.GroupState state = d.groupState();
                if (state != org.apache.kafka.common.GroupState.STABLE && state != org.apache.kafka.common.GroupState.EMPTY) {
                    return List.of(group + " is " + state + " (rebalancing): ask again");
                }
                d.members().forEach(m -> m.assignment().topicPartitions().forEach(tp -> offsets.putIfAbsent(tp, 0L)));
                if (offsets.isEmpty() && !d.members().isEmpty()) {
                    return List.of(group + " has members but no partition assigned or committed yet: ask again");
                }
                committed.put(group, offsets);
                partitions.addAll(offsets.keySet());
            }
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            partitions.forEach(tp -> request.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end =
                    admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
            List<String> behind = new ArrayList<>();
            committed.forEach((group, offsets) -> offsets.forEach((tp, offset) -> {
                long last = end.get(tp).offset();
                if (offset < last) {
                    behind.add(group + " " + tp + " at " + offset + " of " + last);
                }
            }));
            return behind;
        } catch (ExecutionException e) {
            return List.of("cannot list offsets: " + e.getCause());
        }
    }
}
