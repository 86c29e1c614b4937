package pl.krakow.pulse.platform.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void namesAreUniqueAndVersioned() {
        Set<String> names = new HashSet<>();
        for (TopicSpec<?> t : Topics.all()) {
            assertThat(names.add(t.name())).as("duplicate " + t.name()).isTrue();
            assertThat(t.name()).matches("[a-z0-9.-]+\\.v\\d+");
        }
    }

    @Test
    void indicatorTablesAreCompactedAndFullyCompatible() {
        for (String goal : new String[] {"IV.3", "IV.4", "IV.5"}) {
            TopicSpec<?> t = Topics.indicatorTableOf(goal);
            assertThat(t.configs()).containsEntry("cleanup.policy", "compact");
            assertThat(t.compatibility()).isEqualTo(Compatibility.FULL_TRANSITIVE);
        }
        assertThat(Topics.ALERTS.compatibility()).isEqualTo(Compatibility.FULL_TRANSITIVE);
        assertThat(Topics.AIR_QUALITY.compatibility()).isEqualTo(Compatibility.BACKWARD_TRANSITIVE);
        assertThat(Topics.AIR_QUALITY.partitions()).isEqualTo(Topics.DEFAULT_PARTITIONS);
    }

    @Test
    void configuredPartitionsApplyToPartitionedTopicsOnly() {
        assertThat(TopicProvisioner.partitionsOf(Topics.AIR_QUALITY, 6)).isEqualTo(6);
        assertThat(TopicProvisioner.partitionsOf(Topics.INDICATORS_IV3, 12)).isEqualTo(12);
        assertThat(TopicProvisioner.partitionsOf(Topics.AIR_QUALITY, 0)).isEqualTo(Topics.DEFAULT_PARTITIONS);
        // Reference topics are single-partition compacted tables whatever the setting.
        assertThat(TopicProvisioner.partitionsOf(Topics.REFERENCE_STATIONS, 6)).isEqualTo(1);
    }

    @Test
    void minInsyncReplicasIsOneBelowTheReplicationFactorFromThreeReplicasOn() {
        assertThat(TopicProvisioner.minInsyncReplicas(1, 0)).isZero();
        assertThat(TopicProvisioner.minInsyncReplicas(2, 0)).isZero();
        assertThat(TopicProvisioner.minInsyncReplicas(2, 2)).as("never on fewer than 3 replicas, even when asked").isZero();
        assertThat(TopicProvisioner.minInsyncReplicas(3, 0)).isEqualTo(2);
        assertThat(TopicProvisioner.minInsyncReplicas(5, 0)).isEqualTo(4);
        assertThat(TopicProvisioner.minInsyncReplicas(5, 3)).isEqualTo(3);
        assertThatThrownBy(() -> TopicProvisioner.minInsyncReplicas(3, 4)).hasMessageContaining("topics.min.insync.replicas=4");
    }

    @Test
    void minInsyncReplicasIsAddedToATopicsOwnConfigsUnlessItSetsOne() {
        assertThat(TopicProvisioner.configsOf(Topics.INDICATORS_IV3, 2))
                .containsEntry("min.insync.replicas", "2").containsEntry("cleanup.policy", "compact");
        assertThat(TopicProvisioner.configsOf(Topics.INDICATORS_IV3, 0)).isEqualTo(Topics.INDICATORS_IV3.configs());
        TopicSpec<?> own = new TopicSpec<>("own.v1", Topics.AIR_QUALITY.valueType(), 1, Map.of("min.insync.replicas", "3"),
                Compatibility.BACKWARD_TRANSITIVE, "station");
        assertThat(TopicProvisioner.configsOf(own, 2)).containsEntry("min.insync.replicas", "3");
    }
}
