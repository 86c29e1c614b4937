package pl.krakow.pulse.app;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.registry.HttpSchemaRegistryClient;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.publish.IndicatorTableSnapshot;
import pl.krakow.pulse.publish.OpenDataExport;

/** {@code pulse export}: one goal's indicator table as open-data files, read directly from its topic. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export one goal's indicator table (read from its topic in a running Kraków Pulse or any cluster) "
                + "as CSV with a .meta.json sidecar, or as a JSON envelope, with licence, units, sources and generation time.")
public final class ExportCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options;

    @Option(names = "--goal", required = true, paramLabel = "GOAL", description = "Operational goal: IV.3, IV.4 or IV.5.")
    String goal;

    @Option(names = "--from", paramLabel = "yyyy-MM-dd", description = "First local day (inclusive) of the windows to export; default: the first.")
    String from;

    @Option(names = "--to", paramLabel = "yyyy-MM-dd", description = "Last local day (inclusive); default: the latest.")
    String to;

    @Option(names = "--format", defaultValue = "csv", paramLabel = "csv|json", description = "csv (default) or json.")
    String format;

    @Option(names = "--out", defaultValue = ".", paramLabel = "DIR", description = "Directory to write to (default: the current one).")
    Path out;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka to read from; default: bootstrap.servers, else the local embedded broker's port.")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", paramLabel = "URL",
            description = "Schema registry; default: schema.registry.url, else the local embedded registry's port.")
    String schemaRegistryUrl;

    @Option(names = "--timeout", defaultValue = "PT60S", paramLabel = "DURATION", description = "How long reading the table may take.")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        PulseConfig config = options.load(Map.of());
        IndicatorCatalog catalog = IndicatorCatalog.bundled();
        IndicatorCatalog.Goal g = catalog.goal(goal.trim()).orElseThrow(() -> new IllegalArgumentException(
                "unknown --goal '" + goal + "'; known goals: " + catalog.goals().stream().map(IndicatorCatalog.Goal::id).toList()));
        LocalDate fromDay = date("--from", from);
        LocalDate toDay = date("--to", to);
        if (fromDay != null && toDay != null && fromDay.isAfter(toDay)) {
            throw new IllegalArgumentException("--from " + fromDay + " is after --to " + toDay);
        }
        OpenDataExport.Format f = OpenDataExport.Format.parse(format);
        String bootstrap = bootstrapServers != null ? bootstrapServers
                : config.embeddedKafka() ? "127.0.0.1:" + config.get(RunConfig.EMBEDDED_KAFKA_PORT)
                : config.get(PlatformConfig.BOOTSTRAP_SERVERS);
        String registryUrl = schemaRegistryUrl != null ? schemaRegistryUrl
                : config.embeddedRegistry() ? "http://127.0.0.1:" + config.get(RunConfig.EMBEDDED_REGISTRY_PORT)
                : config.get(PlatformConfig.SCHEMA_REGISTRY_URL);
        try (HttpSchemaRegistryClient registry = HttpSchemaRegistryClient.fromConfig(config, registryUrl)) {
            IndicatorTableSnapshot table = IndicatorTableSnapshot.read(new KafkaClients(bootstrap, config),
                    new PulseSerdes(registry), Topics.indicatorTableOf(g.id()), timeout);
            List<Path> files = OpenDataExport.write(out, g.id(), table.values(), fromDay, toDay, f, catalog,
                    ZoneId.of(config.get(PlatformConfig.TIME_ZONE)), Clock.systemUTC().instant(), table::isSimulated);
            files.forEach(p -> System.out.println(p.toAbsolutePath().normalize()));
            return 0;
        }
    }

    private static LocalDate date(String option, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " must be a date yyyy-MM-dd, not '" + value + "'");
        }
    }
}
