package pl.krakow.pulse.app;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import pl.krakow.pulse.alerting.AlertingConfig;
import pl.krakow.pulse.indicators.IndicatorsConfig;
import pl.krakow.pulse.ingest.IngestConfig;
import pl.krakow.pulse.ingest.environment.EnvironmentIngestConfig;
import pl.krakow.pulse.ingest.mobility.MobilityConfig;
import pl.krakow.pulse.ingest.safety.SafetyConfig;
import pl.krakow.pulse.platform.config.ConfigKey;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.publish.PublishConfig;
import pl.krakow.pulse.runtime.RuntimeConfig;

/**
 * Every configuration key of the {@code pulse} process: the lists each module declares, assembled here
 * because the app is the one place that runs them all. The order is the documentation order of
 * {@code pulse config} and the README table: the process's platform (Kafka, the embedded platform, HTTP),
 * the Streams runtime, then the domains in data-flow order.
 */
public final class ConfigCatalog {

    /** Every key, in documentation order. */
    public static final List<ConfigKey<?>> ALL = PulseConfig.keysOf(
            PlatformConfig.KEYS, RunConfig.KEYS, PublishConfig.KEYS, RuntimeConfig.KEYS,
            IngestConfig.KEYS, EnvironmentIngestConfig.KEYS, MobilityConfig.KEYS, SafetyConfig.KEYS,
            IndicatorsConfig.KEYS, AlertingConfig.KEYS);

    private ConfigCatalog() {
    }

    /** {@link PulseConfig#load} over {@link #ALL}. */
    public static PulseConfig load(Path explicitFile, Map<String, String> environment, Map<String, String> overrides) {
        return PulseConfig.load(ALL, explicitFile, environment, overrides);
    }

    /** Whether {@code var} is an environment variable the {@code pulse} process reads. */
    public static boolean isKnownEnvironmentVariable(String var) {
        return PulseConfig.isKnownEnvironmentVariable(ALL, var);
    }
}
