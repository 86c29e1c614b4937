package pl.krakow.pulse.platform.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The effective configuration of a Kraków Pulse process: loads and validates the keys it is handed.
 *
 * <p>Each module declares its own keys ({@code PlatformConfig}, {@code RuntimeConfig}, {@code IngestConfig},
 * {@code AlertingConfig}...) as typed constants with a {@code KEYS} list; the {@code pulse} app hands every
 * module's list to {@link #load}, a module started on its own hands only the lists it reads. The
 * {@linkplain PlatformConfig#KEYS platform keys} are always among them: every process talks to Kafka.
 *
 * <p>Precedence, lowest first: the key's default, the config file ({@code --config FILE}, else
 * {@code $PULSE_CONFIG}, else {@code ./pulse.properties} when present), {@code PULSE_*} environment
 * variables, then command-line overrides. Any key starting with {@code kafka.} is passed, without
 * that prefix, to every Kafka client (producer, consumer, admin, streams), so TLS/SASL settings work
 * unchanged: {@code kafka.security.protocol=SSL} or {@code PULSE_KAFKA_SECURITY_PROTOCOL=SSL}.
 * Unknown non-{@code kafka.} keys in the file and on the command line are an error, so a typo never silently
 * falls back to a default. An unknown {@code PULSE_*} environment variable is only a warning naming it: the
 * environment is not the operator's alone (Kubernetes injects {@code PULSE_PORT}, {@code PULSE_SERVICE_HOST}...
 * into every pod of a namespace with a Service named {@code pulse}).
 *
 * <p>Values are parsed and validated once, at load: {@link #get} returns the typed value (a {@code Duration},
 * a list of URIs, a bounding box...). A key that was not handed to the loader cannot have been set (setting it
 * is an unknown-key error), so {@link #get} returns its default.
 */
public final class PulseConfig {

    private static final Logger LOG = LoggerFactory.getLogger(PulseConfig.class);

    public static final String KAFKA_PREFIX = "kafka.";

    /**
     * Variables read by the launcher and logging rather than by this class: the config file path,
     * the JVM options and the root log level.
     */
    public static final java.util.Set<String> LAUNCHER_VARIABLES = java.util.Set.of("PULSE_CONFIG", "PULSE_JAVA_OPTS", "PULSE_LOG_LEVEL");

    /**
     * The platform keys, then the modules' key lists in the order given; a key that appears again (a list
     * included twice) is kept once, but two different keys of one name are an error (two modules claiming it).
     */
    @SafeVarargs
    public static List<ConfigKey<?>> keysOf(List<? extends ConfigKey<?>>... lists) {
        Map<String, ConfigKey<?>> byName = new LinkedHashMap<>();
        PlatformConfig.KEYS.forEach(k -> byName.put(k.name(), k));
        for (List<? extends ConfigKey<?>> list : lists) {
            for (ConfigKey<?> key : list) {
                ConfigKey<?> previous = byName.putIfAbsent(key.name(), key);
                if (previous != null && previous != key) {
                    throw new IllegalArgumentException("config key '" + key.name() + "' is declared twice");
                }
            }
        }
        return List.copyOf(byName.values());
    }

    /** Whether an environment variable is one Kraków Pulse reads (one of {@code keys}, kafka.* pass-through, or a launcher variable). */
    public static boolean isKnownEnvironmentVariable(List<ConfigKey<?>> keys, String var) {
        if (LAUNCHER_VARIABLES.contains(var) || var.startsWith("PULSE_KAFKA_")) {
            return true;
        }
        return keys.stream().anyMatch(k -> k.environmentVariable().equals(var));
    }

    /** Where an effective value came from. */
    public enum Origin {
        DEFAULT, FILE, ENVIRONMENT, COMMAND_LINE;

        public String describe(Path file) {
            return switch (this) {
                case DEFAULT -> "default";
                case FILE -> "file " + file;
                case ENVIRONMENT -> "environment";
                case COMMAND_LINE -> "command line";
            };
        }
    }

    /** An effective raw value and its origin. */
    public record Setting(String raw, Origin origin) {
    }

    private final List<ConfigKey<?>> keys;
    private final Map<String, Setting> settings;
    private final Map<String, Object> values;
    private final Path file;

    private PulseConfig(List<ConfigKey<?>> keys, Map<String, Setting> settings, Map<String, Object> values, Path file) {
        this.keys = keys;
        this.settings = settings;
        this.values = values;
        this.file = file;
    }

    /** Only defaults of the platform keys (every other key reads as its default too); for tests, overridden with {@link #with}. */
    public static PulseConfig defaults() {
        return load(PlatformConfig.KEYS, null, Map.of(), Map.of());
    }

    /**
     * Resolves the configuration of {@code keys} (plus the platform keys, see {@link #keysOf}).
     *
     * @param keys         the keys this process reads, e.g. {@code keysOf(RuntimeConfig.KEYS, IndicatorsConfig.KEYS)}
     * @param explicitFile the {@code --config} file, or null to use {@code $PULSE_CONFIG} or {@code ./pulse.properties}
     * @param environment  the process environment (only {@code PULSE_*} variables are read)
     * @param overrides    command-line overrides by key name
     * @throws IllegalArgumentException on an unknown key or a value that does not parse or validate
     */
    public static PulseConfig load(List<? extends ConfigKey<?>> keys, Path explicitFile, Map<String, String> environment,
                                   Map<String, String> overrides) {
        List<ConfigKey<?>> all = keysOf(keys);
        Map<String, Setting> settings = new LinkedHashMap<>();
        Path file = explicitFile;
        if (file == null && environment.get("PULSE_CONFIG") != null && !environment.get("PULSE_CONFIG").isBlank()) {
            file = Path.of(environment.get("PULSE_CONFIG"));
        }
        if (file == null && Files.isRegularFile(Path.of("pulse.properties"))) {
            file = Path.of("pulse.properties");
        }
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("config file not found: " + file);
            }
            Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(reader);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage(), e);
            }
            for (String name : new TreeMap<>(Map.copyOf(props)).keySet().stream().map(Object::toString).toList()) {
                settings.put(name, new Setting(props.getProperty(name), Origin.FILE));
            }
        }
        Map<String, String> envToKey = new LinkedHashMap<>();
        for (ConfigKey<?> key : all) {
            envToKey.put(key.environmentVariable(), key.name());
        }
        for (Map.Entry<String, String> e : new TreeMap<>(environment).entrySet()) {
            String var = e.getKey();
            if (!var.startsWith("PULSE_") || LAUNCHER_VARIABLES.contains(var)) {
                continue;
            }
            String name = envToKey.get(var);
            if (name == null && var.startsWith("PULSE_KAFKA_")) {
                name = KAFKA_PREFIX + var.substring("PULSE_KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
            }
            if (name == null) {
                LOG.warn("Ignoring environment variable {}: not a Kraków Pulse setting (a Kubernetes Service named 'pulse' "
                        + "injects PULSE_PORT and the like; a misspelt setting is ignored too: run 'pulse config' to list them)", var);
                continue;
            }
            settings.put(name, new Setting(e.getValue(), Origin.ENVIRONMENT));
        }
        overrides.forEach((name, raw) -> settings.put(name, new Setting(raw, Origin.COMMAND_LINE)));

        Map<String, Object> values = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        Map<String, ConfigKey<?>> byName = new LinkedHashMap<>();
        all.forEach(k -> byName.put(k.name(), k));
        for (Map.Entry<String, Setting> e : settings.entrySet()) {
            if (e.getKey().startsWith(KAFKA_PREFIX)) {
                continue;
            }
            if (!byName.containsKey(e.getKey())) {
                errors.add("unknown config key '" + e.getKey() + "' (" + e.getValue().origin().describe(file)
                        + "); run 'pulse config' to list the keys");
            }
        }
        for (ConfigKey<?> key : all) {
            Setting s = settings.get(key.name());
            try {
                values.put(key.name(), s == null ? key.defaultValue() : key.parse(s.raw()));
            } catch (IllegalArgumentException ex) {
                errors.add(ex.getMessage() + " (" + s.origin().describe(file) + ")");
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return new PulseConfig(all, Collections.unmodifiableMap(settings), values, file);
    }

    /** A copy with some keys overridden as if given on the command line (tests, embedded wiring). */
    public PulseConfig with(Map<String, String> overrides) {
        Map<String, Setting> merged = new LinkedHashMap<>(settings);
        overrides.forEach((k, v) -> merged.put(k, new Setting(v, Origin.COMMAND_LINE)));
        Map<String, String> fileLess = new LinkedHashMap<>();
        merged.forEach((k, v) -> fileLess.put(k, v.raw()));
        PulseConfig reloaded = load(keys, null, Map.of(), fileLess);
        Map<String, Setting> origins = new LinkedHashMap<>(merged);
        return new PulseConfig(keys, Collections.unmodifiableMap(origins), reloaded.values, file);
    }

    /** The keys this configuration was loaded with, in documentation order. */
    public List<ConfigKey<?>> keys() {
        return keys;
    }

    /** The parsed value of {@code key}; its default when {@code key} was not handed to the loader (see the class comment). */
    @SuppressWarnings("unchecked")
    public <T> T get(ConfigKey<T> key) {
        return values.containsKey(key.name()) ? (T) values.get(key.name()) : key.defaultValue();
    }

    /** The effective value of {@code key} as an operator would write it (for {@code pulse config}). */
    public <T> String text(ConfigKey<T> key) {
        return key.format(get(key));
    }

    /** The effective value of {@code key} as it may be shown: its secrets {@linkplain SecretMask#configValue masked}. */
    public <T> String shownText(ConfigKey<T> key) {
        return SecretMask.configValue(key.name(), key.secret(), text(key));
    }

    /** Where the effective value of {@code key} came from. */
    public String originOf(ConfigKey<?> key) {
        Setting s = settings.get(key.name());
        return s == null ? Origin.DEFAULT.describe(file) : s.origin().describe(file);
    }

    /** The {@code kafka.*} pass-through settings without the prefix, e.g. {@code security.protocol}. */
    public Map<String, Object> kafkaPassThrough() {
        Map<String, Object> out = new TreeMap<>();
        settings.forEach((k, v) -> {
            if (k.startsWith(KAFKA_PREFIX)) {
                out.put(k.substring(KAFKA_PREFIX.length()), v.raw());
            }
        });
        return out;
    }

    /**
     * The pass-through settings with their origins, for {@code pulse config}; values may be credentials, show them
     * through {@link SecretMask#configValue} (as {@code shownText} does for declared keys).
     */
    public Map<String, Setting> kafkaPassThroughSettings() {
        Map<String, Setting> out = new TreeMap<>();
        settings.forEach((k, v) -> {
            if (k.startsWith(KAFKA_PREFIX)) {
                out.put(k, v);
            }
        });
        return out;
    }

    public Path file() {
        return file;
    }

    public boolean embeddedKafka() {
        return get(PlatformConfig.BOOTSTRAP_SERVERS).isBlank();
    }

    public boolean embeddedRegistry() {
        return get(PlatformConfig.SCHEMA_REGISTRY_URL).isBlank();
    }
}
