package pl.krakow.pulse.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import pl.krakow.pulse.bench.BenchOptions;
import pl.krakow.pulse.bench.BenchReport;
import pl.krakow.pulse.bench.Benchmark;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.config.PlatformConfig;

/** {@code pulse bench}: parses the options and runs {@link Benchmark} (modules/bench). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure Kraków Pulse against the raw broker in one run: raw baseline, end to end, latency at 1k/5k/20k "
                + "events/s, bundled replay, the Flink-comparable workload, the same work as the Flink peer and memory. Prints one table, writes "
                + "bench-results/bench-<timestamp>.json and appends a row to BENCHMARKS.md.",
                "Runs on a fresh embedded broker and registry (temporary directory, free ports) unless --bootstrap-servers is given."})
public final class BenchCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options;

    @Option(names = "--quick", description = "Small sizes and short latency phases: a smoke check in under a minute.")
    boolean quick;

    @Option(names = "--reps", paramLabel = "N", description = "Measured repetitions per figure (default 3, at least 3).")
    Integer reps;

    @Option(names = "--raw-records", paramLabel = "N", description = "Records of the raw baseline (full 1000000, quick 100000).")
    Long rawRecords;

    @Option(names = "--events", paramLabel = "N", description = "Events of one end-to-end repetition, fixed (default: sized to about 15 s, quick 1.5 s, at the warm-up's rate, at most 300000, quick 10000).")
    Long events;

    @Option(names = "--flink-events", paramLabel = "N",
            description = "Events preloaded for the Flink-comparable workload, fixed (default: sized to about 30 s at the warm-up's rate, at most 1000000; quick 10000). Flink's reference used 5000000.")
    Long flinkEvents;

    @Option(names = "--same-work-events", paramLabel = "N,N,...", split = ",",
            description = "Sizes of the same-work section (the Flink peer's job; one measurement per size; default 1000000,5000000, quick 20000).")
    List<Long> sameWorkEvents;

    @Option(names = "--same-work-full-catalog", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "The same-work section also times the full IV.3 catalog on the same input (default: ${DEFAULT-VALUE}).")
    boolean sameWorkFullCatalog;

    @Option(names = "--rates", paramLabel = "R,R,...", split = ",",
            description = "Offered rates of the latency phases in events/s (default 1000,5000,20000).")
    List<Integer> rates;

    @Option(names = "--latency-seconds", paramLabel = "S", description = "Length of one latency repetition in seconds (full 10, quick 1).")
    Double latencySeconds;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Benchmark an existing cluster instead of a fresh embedded broker (its topics are deleted and re-created: needs --allow-topic-reset).")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", paramLabel = "URL",
            description = "Schema registry of that cluster; default: an embedded registry on it.")
    String schemaRegistryUrl;

    @Option(names = "--allow-topic-reset",
            description = "Allow deleting and re-creating environment.air-quality.v1, indicators.iv3.v1, indicators.late.v1 and "
                    + "ingest.rejected.v1 on the --bootstrap-servers cluster (use a scratch cluster).")
    boolean allowTopicReset;

    @Option(names = "--output-dir", paramLabel = "DIR", defaultValue = "bench-results", description = "Where the JSON report goes (default: ${DEFAULT-VALUE}).")
    Path outputDir;

    @Option(names = "--benchmarks-file", paramLabel = "FILE", defaultValue = "BENCHMARKS.md",
            description = "The file a dated row is appended to (default: ${DEFAULT-VALUE}).")
    Path benchmarksFile;

    @Option(names = "--no-append", description = "Do not append a row to the benchmarks file.")
    boolean noAppend;

    @Option(names = "--sections", paramLabel = "ID,ID,...", split = ",",
            description = "Run only these sections (raw, end-to-end, latency, replay, flink-workload, same-work, gtfs-rt; raw and memory always run). "
                    + "A partial run appends no row to the benchmarks file.")
    List<String> sections;

    @Option(names = "--peer-results", paramLabel = "FILE",
            description = "The Flink peer's results/runs.jsonl (../shared/peer-flink, run just before on this machine): after the run, "
                    + "prints and appends to the benchmarks file one side-by-side row per size both measured (partial runs too). "
                    + "modules/bench/side-by-side.sh runs both.")
    Path peerResults;

    @Override
    public Integer call() throws Exception {
        PulseConfig config = options.load(Map.of());
        BenchOptions o = quick ? BenchOptions.quick() : BenchOptions.full();
        boolean custom = false;
        if (reps != null) {
            if (reps < 3) {
                throw new IllegalArgumentException("--reps must be at least 3: every figure is a median of at least 3 repetitions");
            }
            o = o.withRepetitions(reps, o.warmup());
            custom = true;
        }
        if (rawRecords != null || events != null || flinkEvents != null) {
            o = o.withSizes(rawRecords != null ? rawRecords : o.rawRecords(), events != null ? events : o.endToEndEvents(),
                    flinkEvents != null ? flinkEvents : o.flinkEvents());
            if (events != null || flinkEvents != null) {
                o = o.withFixedSizes();
            }
            custom = true;
        }
        if (sameWorkEvents != null) {
            o = o.withSameWorkEvents(sameWorkEvents);
            custom = true;
        }
        if (!sameWorkFullCatalog) {
            o = o.withSameWorkFullCatalog(false);
            custom = true;
        }
        if (rates != null || latencySeconds != null) {
            o = o.withLatency(rates != null ? rates : o.latencyRates(),
                    latencySeconds != null ? Duration.ofMillis(Math.round(latencySeconds * 1000)) : o.latencyPhase());
            custom = true;
        }
        String bootstrap = bootstrapServers != null ? bootstrapServers
                : config.embeddedKafka() ? null : config.get(PlatformConfig.BOOTSTRAP_SERVERS);
        String registry = schemaRegistryUrl != null ? schemaRegistryUrl
                : config.embeddedRegistry() ? null : config.get(PlatformConfig.SCHEMA_REGISTRY_URL);
        o = o.withCluster(bootstrap, registry, allowTopicReset).withOutput(outputDir, noAppend ? null : benchmarksFile);
        if (sections != null) {
            o = o.withSections(sections);
            custom = true;
        }
        if (custom) {
            o = o.withMode("custom");
        }
        if (peerResults != null) {
            // Before the run: a wrong path should not cost a benchmark's minutes.
            Benchmark.checkPeerResults(peerResults, o);
        }
        quietComponentLogs();

        BenchReport report = Benchmark.run(config, o, System.err);
        System.out.println();
        System.out.print(report.table());
        Path json = Benchmark.write(report, o, peerResults);
        System.out.println("report: " + json + (o.benchmarksFile() == null ? ""
                : o.complete() ? "; row appended to " + o.benchmarksFile() : "; partial run, no row appended to the main table of " + o.benchmarksFile()));
        if (peerResults != null) {
            System.out.println();
            System.out.println("Side by side with the Flink peer (" + peerResults + "):");
            System.out.print(Benchmark.sideBySide(report, peerResults));
            System.out.println(o.benchmarksFile() == null ? "(--no-append: side-by-side rows not appended)"
                    : "side-by-side rows appended to " + o.benchmarksFile());
        }
        return 0;
    }

    /**
     * The benchmark starts and stops a topology, producers and topics many times: their one-line-per-state-change
     * INFO logs would bury its progress lines. Warnings and errors still show; PULSE_LOG_LEVEL keeps everything.
     */
    private static void quietComponentLogs() {
        if (System.getenv("PULSE_LOG_LEVEL") != null) {
            return;
        }
        for (String name : List.of("org.apache.kafka.streams.KafkaStreams", "pl.krakow.pulse.indicators", "pl.krakow.pulse.platform",
                "pl.krakow.pulse.ingest", "pl.krakow.pulse.embedded")) {
            if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger logger) {
                logger.setLevel(ch.qos.logback.classic.Level.WARN);
            }
        }
        // Its warning about the global thread's processing handler is about a thread this topology does not have.
        if (LoggerFactory.getLogger("org.apache.kafka.streams.StreamsConfig") instanceof ch.qos.logback.classic.Logger logger) {
            logger.setLevel(ch.qos.logback.classic.Level.ERROR);
        }
    }
}
