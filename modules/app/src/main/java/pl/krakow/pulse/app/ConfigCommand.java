package pl.krakow.pulse.app;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import pl.krakow.pulse.platform.config.ConfigKey;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.config.SecretMask;

/**
 * {@code pulse config}: every key of {@link ConfigCatalog} (each module declares its own) with its effective
 * value and where that value came from, or with {@code --markdown} the README's key reference.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Print every configuration key with its effective value and where it came from.")
public final class ConfigCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options;

    @Option(names = "--markdown", description = "Print the key reference as a Markdown table (the README's table).")
    boolean markdown;

    @Override
    public Integer call() {
        if (markdown) {
            System.out.print(markdownTable());
            return 0;
        }
        print(options.load(Map.of()), System.out);
        return 0;
    }

    static void print(PulseConfig config, PrintStream out) {
        out.printf("%-32s %-28s %-14s %s%n", "KEY", "VALUE", "FROM", "ENVIRONMENT VARIABLE");
        for (ConfigKey<?> key : ConfigCatalog.ALL) {
            out.printf("%-32s %-28s %-14s %s%n", key.name(), display(config.shownText(key)), config.originOf(key),
                    key.environmentVariable());
        }
        Map<String, PulseConfig.Setting> kafka = config.kafkaPassThroughSettings();
        if (!kafka.isEmpty()) {
            out.println();
            out.println("Passed to every Kafka client:");
            // Pass-through values may be credentials (sasl.jaas.config, ssl.keystore.key, ssl.*.password): masked by name.
            kafka.forEach((k, v) -> out.printf("%-32s %-28s %s%n", k, SecretMask.configValue(k, false, v.raw()),
                    v.origin().describe(config.file())));
        }
    }

    private static String display(String value) {
        return value.isEmpty() ? "(empty)" : value;
    }

    /** The README's configuration table, generated from the typed keys. */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder();
        sb.append("| key | environment variable | type | default | description |\n");
        sb.append("|---|---|---|---|---|\n");
        for (ConfigKey<?> key : ConfigCatalog.ALL) {
            String def = key.defaultText();
            sb.append("| `").append(key.name()).append("` | `").append(key.environmentVariable()).append("` | ")
                    .append(key.type()).append(" | ").append(def.isEmpty() ? "(empty)" : "`" + def + "`").append(" | ")
                    .append(key.documentation().replace("|", "\\|")).append(" |\n");
        }
        sb.append("| `kafka.*` | `PULSE_KAFKA_*` | string | | Passed without the prefix to every Kafka client "
                + "(producer, consumer, admin, streams), e.g. `kafka.security.protocol=SSL`. |\n");
        return sb.toString();
    }
}
