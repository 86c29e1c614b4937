package pl.krakow.pulse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.app.Components.Goal;
import pl.krakow.pulse.app.Components.Part;
import pl.krakow.pulse.ingest.safety.SafetyConfig;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.platform.config.PulseConfig;

/** What each {@code pulse} command runs, and what it refuses before starting anything. */
class ComponentsTest {

    @Test
    void goalsAreParsedFromRepeatedAndCommaSeparatedOptions() {
        assertThat(Goal.parse(List.of())).containsExactlyInAnyOrder(Goal.IV3, Goal.IV4, Goal.IV5);
        assertThat(Goal.parse(List.of("all"))).containsExactlyInAnyOrder(Goal.IV3, Goal.IV4, Goal.IV5);
        assertThat(Goal.parse(List.of("IV.3"))).containsExactly(Goal.IV3);
        assertThat(Goal.parse(List.of("iv4,IV.5"))).containsExactlyInAnyOrder(Goal.IV4, Goal.IV5);
        assertThat(Goal.parse(List.of("iv.3", "IV5"))).containsExactlyInAnyOrder(Goal.IV3, Goal.IV5);
        assertThatThrownBy(() -> Goal.parse(List.of("IV.6"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown goal 'IV.6'");
    }

    @Test
    void aSelectionDescribesItselfAsItsCommand() {
        assertThat(Components.all().describe()).isEqualTo("run");
        assertThat(Components.all().isAll()).isTrue();
        assertThat(Components.only(Part.INGEST).describe()).isEqualTo("ingest");
        assertThat(Components.indicators(Goal.parse(List.of("IV.3"))).describe()).isEqualTo("indicators IV.3");
        assertThat(Components.only(Part.INDICATORS).describe()).isEqualTo("indicators");
        assertThat(Components.only(Part.PUBLISH).has(Goal.IV3)).as("goals only with indicators").isFalse();
        assertThat(Components.only(Part.ALERTING).isAll()).isFalse();
    }

    @Test
    void theDemoFeedsAreOffOnAClusterUnlessSetExplicitly() {
        PulseConfig embedded = ConfigCatalog.load(null, Map.of(), Map.of());
        assertThat(PulseRuntime.withDemoFeedsOffOnACluster(embedded).get(RunConfig.REPLAY_ON_START)).isTrue();
        assertThat(PulseRuntime.withDemoFeedsOffOnACluster(embedded).get(SafetyConfig.SIMULATOR_ENABLED)).isTrue();

        PulseConfig cluster = ConfigCatalog.load(null, Map.of("PULSE_BOOTSTRAP_SERVERS", "kafka:9092"), Map.of());
        assertThat(PulseRuntime.withDemoFeedsOffOnACluster(cluster).get(RunConfig.REPLAY_ON_START)).isFalse();
        assertThat(PulseRuntime.withDemoFeedsOffOnACluster(cluster).get(SafetyConfig.SIMULATOR_ENABLED)).isFalse();

        PulseConfig asked = ConfigCatalog.load(null, Map.of("PULSE_BOOTSTRAP_SERVERS", "kafka:9092"),
                Map.of(RunConfig.REPLAY_ON_START.name(), "true"));
        assertThat(PulseRuntime.withDemoFeedsOffOnACluster(asked).get(RunConfig.REPLAY_ON_START)).isTrue();
        assertThat(PulseRuntime.withDemoFeedsOffOnACluster(asked).get(SafetyConfig.SIMULATOR_ENABLED)).isFalse();
    }

    @Test
    void aComponentWithoutAClusterIsRefusedBeforeAnythingStarts() {
        PulseConfig embedded = ConfigCatalog.load(null, Map.of(), Map.of(PlatformConfig.SCHEMA_REGISTRY_URL.name(), "http://registry:8081"));
        assertThatThrownBy(() -> PulseRuntime.start(embedded, false, Components.only(Part.ALERTING)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pulse alerting runs against a Kafka cluster and a schema registry")
                .hasMessageContaining("PULSE_BOOTSTRAP_SERVERS");
    }
}
