package pl.krakow.pulse.app;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import pl.krakow.pulse.ingest.ConsoleProgressBar;
import pl.krakow.pulse.ingest.EventPublisher;
import pl.krakow.pulse.ingest.FeedFormat;
import pl.krakow.pulse.ingest.FeedFormats;
import pl.krakow.pulse.ingest.FileReplayer;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ReplayInput;
import pl.krakow.pulse.ingest.ReplayReport;
import pl.krakow.pulse.ingest.ReplaySpeed;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.registry.HttpSchemaRegistryClient;
import pl.krakow.pulse.platform.serde.PulseSerdes;

/** {@code pulse replay}: plays recorded files into a running pulse or any cluster. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Replay recorded feed files into a running Kraków Pulse (its embedded broker by default) "
                + "or any cluster given --bootstrap-servers and --schema-registry-url.")
public final class ReplayCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options;

    @Option(names = "--source", required = true, paramLabel = "FORMAT",
            description = "Format of the files, e.g. gios-wide-csv. Run with --list-sources to see them all.")
    String source;

    @Option(names = "--speed", defaultValue = "max", paramLabel = "N|max",
            description = "max (as fast as possible, default) or N times real time by event time.")
    String speed;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka to write to; default: bootstrap.servers, else the local embedded broker's port.")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", paramLabel = "URL",
            description = "Schema registry; default: schema.registry.url, else the local embedded registry's port.")
    String schemaRegistryUrl;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or folders to replay.")
    List<Path> paths;

    @Override
    public Integer call() {
        PulseConfig config = options.load(Map.of());
        FeedFormats formats = FeedFormats.discover();
        if (!formats.contains(source)) {
            throw new IllegalArgumentException("unknown --source '" + source + "'; available: " + formats.names());
        }
        FeedFormat format = formats.get(source);
        String bootstrap = bootstrapServers != null ? bootstrapServers
                : config.embeddedKafka() ? "127.0.0.1:" + config.get(RunConfig.EMBEDDED_KAFKA_PORT)
                : config.get(PlatformConfig.BOOTSTRAP_SERVERS);
        String registryUrl = schemaRegistryUrl != null ? schemaRegistryUrl
                : config.embeddedRegistry() ? "http://127.0.0.1:" + config.get(RunConfig.EMBEDDED_REGISTRY_PORT)
                : config.get(PlatformConfig.SCHEMA_REGISTRY_URL);
        ReplaySpeed replaySpeed = ReplaySpeed.parse(speed);
        List<ReplayInput> inputs = ReplayInput.expand(paths);

        try (PulseMetrics metrics = new PulseMetrics("pulse-replay");
             HttpSchemaRegistryClient registry = HttpSchemaRegistryClient.fromConfig(config, registryUrl);
             EventPublisher publisher = new EventPublisher(new KafkaClients(bootstrap, config), new PulseSerdes(registry),
                     metrics, "pulse-replay-" + source)) {
            System.err.println("Replaying " + inputs.size() + " input(s) as " + source + " into " + bootstrap
                    + " (registry " + registryUrl + ")");
            ReplayReport report = new FileReplayer(publisher, IngestContext.from(config, metrics.registry()))
                    .replay(format, inputs, replaySpeed, new ConsoleProgressBar(System.err));
            publisher.flush();
            if (publisher.sendFailures() > 0) {
                System.err.println("pulse replay: " + publisher.sendFailures() + " record(s) could not be written to Kafka: "
                        + publisher.lastSendFailure().map(Exception::getMessage).orElse("unknown error"));
                return 1;
            }
            return report.accepted() > 0 || report.rejected() > 0 ? 0 : 1;
        }
    }
}
