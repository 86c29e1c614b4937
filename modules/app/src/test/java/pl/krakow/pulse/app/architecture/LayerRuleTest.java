package pl.krakow.pulse.app.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The build check of the layer rule (DESIGN §3, README "Architecture"): fails {@code mvn verify} when a
 * main class of one module imports a package its layer may not use. {@link LayerRuleCatchesViolationsTest}
 * shows the same rule fails on violating classes.
 */
class LayerRuleTest {

    static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = LayerRule.mainClasses();
    }

    @Test
    void everyModuleHoldsToTheLayerRule() {
        LayerRule.RULE.check(classes);
    }

    /** The rule would pass vacuously on a layer it cannot see (e.g. a module missing from the class path). */
    @Test
    void everyLayerHasMainClassesAndNoTestClassWasImported() {
        for (String[] layer : LayerRule.LAYERS) {
            String[] packages = Arrays.copyOfRange(layer, 1, layer.length);
            assertThat(classes.stream().filter(c -> JavaClass.Predicates.resideInAnyPackage(packages).test(c)).count())
                    .as("main classes in layer %s (%s)", layer[0], String.join(", ", packages))
                    .isPositive();
        }
        assertThat(classes.stream().map(JavaClass::getSimpleName))
                .as("test classes must not be imported")
                .doesNotContain(LayerRuleTest.class.getSimpleName(), "PulseRunApiIT")
                .noneMatch(name -> name.endsWith("Test") || name.endsWith("IT"));
    }
}
