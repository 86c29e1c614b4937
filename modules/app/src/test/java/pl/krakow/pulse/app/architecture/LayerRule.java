package pl.krakow.pulse.app.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.List;

/**
 * The layer rule of DESIGN §3 as one ArchUnit rule over the compiled classes of every module:
 * <pre>
 *   events ← platform ← runtime ← domains (ingest-*, indicators, alerting, publish) ← bench ← app
 *   embedded (broker, registry, MQTT) ← app, bench (and tests)
 * </pre>
 * A domain depends only on {@code events}, {@code platform} and {@code runtime}; {@code ingest-environment},
 * {@code -mobility} and {@code -safety} also on {@code ingest-core} (the ingest domain's own core), never on
 * each other; {@code platform} and {@code runtime} on no domain; {@code events} on nothing. Only
 * dependencies between Kraków Pulse packages count (the JDK and libraries are outside every layer).
 * Layers are optional here so the same rule can be evaluated on a handful of fixture classes
 * ({@code LayerRuleCatchesViolationsTest}); {@code LayerRuleTest} checks separately that no layer is empty.
 */
final class LayerRule {

    static final String EVENTS = "events";
    static final String PLATFORM = "platform";
    static final String RUNTIME = "runtime";
    static final String EMBEDDED = "embedded";
    static final String INGEST_CORE = "ingest-core";
    static final String INGEST_ENVIRONMENT = "ingest-environment";
    static final String INGEST_MOBILITY = "ingest-mobility";
    static final String INGEST_SAFETY = "ingest-safety";
    static final String INDICATORS = "indicators";
    static final String ALERTING = "alerting";
    static final String PUBLISH = "publish";
    static final String BENCH = "bench";
    static final String APP = "app";

    /** Every layer with the packages that define it, in the order of the picture. */
    static final List<String[]> LAYERS = List.of(
            new String[] {EVENTS, "pl.krakow.pulse.events.."},
            new String[] {PLATFORM, "pl.krakow.pulse.platform.."},
            new String[] {RUNTIME, "pl.krakow.pulse.runtime.."},
            new String[] {EMBEDDED, "pl.krakow.pulse.embedded.."},
            // ingest-core is the top package and its push subpackage; the feeds are the other subpackages
            new String[] {INGEST_CORE, "pl.krakow.pulse.ingest", "pl.krakow.pulse.ingest.push.."},
            new String[] {INGEST_ENVIRONMENT, "pl.krakow.pulse.ingest.environment.."},
            new String[] {INGEST_MOBILITY, "pl.krakow.pulse.ingest.mobility.."},
            new String[] {INGEST_SAFETY, "pl.krakow.pulse.ingest.safety.."},
            new String[] {INDICATORS, "pl.krakow.pulse.indicators.."},
            new String[] {ALERTING, "pl.krakow.pulse.alerting.."},
            new String[] {PUBLISH, "pl.krakow.pulse.publish.."},
            new String[] {BENCH, "pl.krakow.pulse.bench.."},
            new String[] {APP, "pl.krakow.pulse.app.."});

    static final LayeredArchitecture RULE = rule();

    private LayerRule() {
    }

    private static LayeredArchitecture rule() {
        LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers().withOptionalLayers(true);
        for (String[] layer : LAYERS) {
            layers = layers.layer(layer[0]).definedBy(java.util.Arrays.copyOfRange(layer, 1, layer.length));
        }
        return layers
                .whereLayer(EVENTS).mayNotAccessAnyLayer()
                .whereLayer(PLATFORM).mayOnlyAccessLayers(EVENTS)
                .whereLayer(RUNTIME).mayOnlyAccessLayers(EVENTS, PLATFORM)
                .whereLayer(EMBEDDED).mayOnlyAccessLayers(EVENTS, PLATFORM)
                .whereLayer(INGEST_CORE).mayOnlyAccessLayers(EVENTS, PLATFORM, RUNTIME)
                .whereLayer(INGEST_ENVIRONMENT).mayOnlyAccessLayers(EVENTS, PLATFORM, RUNTIME, INGEST_CORE)
                .whereLayer(INGEST_MOBILITY).mayOnlyAccessLayers(EVENTS, PLATFORM, RUNTIME, INGEST_CORE)
                .whereLayer(INGEST_SAFETY).mayOnlyAccessLayers(EVENTS, PLATFORM, RUNTIME, INGEST_CORE)
                .whereLayer(INDICATORS).mayOnlyAccessLayers(EVENTS, PLATFORM, RUNTIME)
                .whereLayer(ALERTING).mayOnlyAccessLayers(EVENTS, PLATFORM, RUNTIME)
                .whereLayer(PUBLISH).mayOnlyAccessLayers(EVENTS, PLATFORM, RUNTIME)
                .whereLayer(BENCH).mayOnlyBeAccessedByLayers(APP) // pulse bench
                .whereLayer(APP).mayNotBeAccessedByAnyLayer();
    }

    /**
     * The main classes of every module on the test class path: no test classes, neither this module's
     * ({@code target/test-classes}) nor the test jars of other modules it uses ({@code -tests.jar}), which
     * may use the embedded platform.
     */
    static JavaClasses mainClasses() {
        return new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar") && !location.contains("/test-classes/"))
                .importPackages("pl.krakow.pulse");
    }
}
