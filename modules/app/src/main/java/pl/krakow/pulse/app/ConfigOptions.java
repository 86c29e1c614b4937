package pl.krakow.pulse.app;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import pl.krakow.pulse.platform.config.PulseConfig;

/** Options every sub-command shares for finding its configuration. */
public final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file (Java properties). Default: $PULSE_CONFIG, else ./pulse.properties if present.")
    Path configFile;

    @Option(names = {"--set", "-D"}, paramLabel = "KEY=VALUE",
            description = "Override one key (repeatable), e.g. --set http.port=9090 or --set kafka.security.protocol=SSL.")
    List<String> sets = List.of();

    /** Resolves the configuration with {@code extra} command-line overrides on top of --set. */
    public PulseConfig load(Map<String, String> extra) {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--set expects KEY=VALUE, got '" + s + "'");
            }
            overrides.put(s.substring(0, eq).trim(), s.substring(eq + 1));
        }
        overrides.putAll(extra);
        return ConfigCatalog.load(configFile, System.getenv(), overrides);
    }
}
