package pl.krakow.pulse.app.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.List;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.alerting.layerfixture.AlertingUsesEmbedded;
import pl.krakow.pulse.indicators.layerfixture.IndicatorsUseAlerting;
import pl.krakow.pulse.indicators.layerfixture.IndicatorsUseTheLayersBelow;
import pl.krakow.pulse.ingest.mobility.layerfixture.MobilityUsesEnvironment;
import pl.krakow.pulse.platform.layerfixture.PlatformUsesRuntime;
import pl.krakow.pulse.publish.layerfixture.ReadSideUsesIngest;
import pl.krakow.pulse.runtime.layerfixture.RuntimeUsesIndicators;

/**
 * The build check itself is tested: the rule {@link LayerRuleTest} checks fails on test-only fixture
 * classes that break it — one per kind of break — and names each, and passes a fixture that keeps to it.
 */
class LayerRuleCatchesViolationsTest {

    @Test
    void theRuleReportsEveryKindOfForbiddenDependency() {
        EvaluationResult result = LayerRule.RULE.evaluate(new ClassFileImporter().importClasses(
                ReadSideUsesIngest.class, IndicatorsUseAlerting.class, PlatformUsesRuntime.class, RuntimeUsesIndicators.class,
                MobilityUsesEnvironment.class, AlertingUsesEmbedded.class, IndicatorsUseTheLayersBelow.class));

        assertThat(result.hasViolation()).isTrue();
        List<String> details = result.getFailureReport().getDetails();
        assertThat(details).anyMatch(d -> d.contains(ReadSideUsesIngest.class.getName()) && d.contains("pl.krakow.pulse.ingest.EventPublisher"));
        assertThat(details).anyMatch(d -> d.contains(IndicatorsUseAlerting.class.getName()) && d.contains("pl.krakow.pulse.alerting.AlertingService"));
        assertThat(details).anyMatch(d -> d.contains(PlatformUsesRuntime.class.getName()) && d.contains("pl.krakow.pulse.runtime.service.Service"));
        assertThat(details).anyMatch(d -> d.contains(RuntimeUsesIndicators.class.getName())
                && d.contains("pl.krakow.pulse.indicators.Iv3EnvironmentTopology"));
        assertThat(details).anyMatch(d -> d.contains(MobilityUsesEnvironment.class.getName())
                && d.contains("pl.krakow.pulse.ingest.environment.BundledData"));
        assertThat(details).anyMatch(d -> d.contains(AlertingUsesEmbedded.class.getName())
                && d.contains("pl.krakow.pulse.embedded.EmbeddedKafkaBroker"));
        assertThat(details).noneMatch(d -> d.contains(IndicatorsUseTheLayersBelow.class.getName()));
    }

    @Test
    void theRulePassesClassesThatKeepToIt() {
        EvaluationResult result = LayerRule.RULE.evaluate(new ClassFileImporter().importClasses(IndicatorsUseTheLayersBelow.class));

        assertThat(result.hasViolation()).as(result.getFailureReport().toString()).isFalse();
    }
}
