package pl.krakow.pulse.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.config.PlatformConfig;

/**
 * {@code pulse bench}: measures, in one run against one broker, the raw broker baseline, the end-to-end
 * pipeline, latency at fixed offered rates, the bundled replay, the Flink-comparable workload and memory
 * (see {@code modules/bench/README.md} for exactly what each figure is), then writes the report as JSON
 * and appends a row to {@code BENCHMARKS.md}.
 *
 * <p>Everything measured is production code with the production configuration ({@code config}: the
 * same resolution as {@code pulse run}, so an operator's {@code --set} shows in the report); the benchmark
 * only generates input, starts components and reads the indicator table. Progress goes to {@code log}
 * (one line per repetition); the caller prints {@link BenchReport#table()}.
 */
public final class Benchmark {

    private static final DateTimeFormatter FILE_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private Benchmark() {
    }

    /** Runs every section and returns the report (nothing is written). */
    public static BenchReport run(PulseConfig config, BenchOptions options, PrintStream log) throws Exception {
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        long began = System.nanoTime();
        MachineInfo machine = MachineInfo.now();
        try (BenchPlatform platform = BenchPlatform.start(config, options.bootstrapServers(), options.schemaRegistryUrl(),
                options.allowTopicReset(), options.outputDir())) {
            BenchContext ctx = new BenchContext(platform, options, log);
            ctx.progress("%s run on %s (schema registry %s), platform ready in %d ms; load average %.2f",
                    options.mode(), platform.embedded() ? "a fresh embedded broker " + platform.bootstrapServers()
                            : platform.bootstrapServers(), platform.registryUrl(), platform.startupMillis(), machine.loadAtStart());

            List<Section> sections = new ArrayList<>();
            Section raw = RawBaseline.run(ctx);
            sections.add(raw);
            double rawRate = raw.figure("records/s").median();
            MemoryProbe.Snapshot whileRunning = null;
            if (options.includes("end-to-end") || options.includes("latency")) {
                try (LivePipeline pipeline = LivePipeline.start(ctx, "live")) {
                    double capacity = 0;
                    if (options.includes("end-to-end")) {
                        Section e2e = EndToEnd.run(ctx, pipeline, rawRate);
                        sections.add(e2e);
                        capacity = e2e.figure("events/s").median();
                    }
                    if (options.includes("latency")) {
                        LatencyRun.Result latency = LatencyRun.run(ctx, pipeline, capacity);
                        sections.add(latency.section());
                        whileRunning = latency.memoryWhileRunning();
                    }
                }
            }
            if (options.includes("replay")) {
                sections.add(ReplayRun.run(ctx, rawRate));
            }
            if (options.includes("flink-workload")) {
                sections.add(FlinkWorkload.run(ctx));
            }
            if (options.includes(SameWorkload.ID)) {
                sections.add(SameWorkload.run(ctx));
            }
            if (options.includes(GtfsRtWorkload.ID)) {
                sections.add(GtfsRtWorkload.run(ctx));
            }
            MemoryProbe.Snapshot atEnd = MemoryProbe.afterGc();
            sections.add(memory(whileRunning != null ? whileRunning : atEnd, atEnd, whileRunning != null));

            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("platform", platform.embedded() ? "embedded KRaft broker + registry" : "cluster " + platform.bootstrapServers());
            settings.put("processing.guarantee", config.get(PlatformConfig.PROCESSING_GUARANTEE));
            settings.put("commit.interval.ms", config.get(PlatformConfig.STREAMS_COMMIT_INTERVAL_MS));
            settings.put("stream threads", config.get(PlatformConfig.STREAMS_THREADS));
            settings.put("time zone", config.get(PlatformConfig.TIME_ZONE));
            if (!config.kafkaPassThrough().isEmpty()) {
                settings.put("kafka.*", config.kafkaPassThrough().keySet());
            }
            double seconds = (System.nanoTime() - began) / 1e9;
            return new BenchReport(started.toString(), options.mode(), Math.round(seconds * 10) / 10.0,
                    machine.withLoadAtEnd(MachineInfo.loadAverage()), settings, options.repetitions(), warmupSummary(options),
                    sections);
        }
    }

    /** Writes {@code bench-<timestamp>.json} into the output directory and appends the row to BENCHMARKS.md (if set). */
    public static Path write(BenchReport report, BenchOptions options) throws IOException {
        return write(report, options, null);
    }

    /**
     * As {@link #write(BenchReport, BenchOptions)}, and with the Flink peer's {@code runs.jsonl} ({@code peerRuns}, null
     * = none) also appends the side-by-side rows to BENCHMARKS.md (if set) — for partial runs too, since
     * {@code side-by-side.sh} runs only the same-work section; the main table's row stays for complete runs.
     */
    public static Path write(BenchReport report, BenchOptions options, Path peerRuns) throws IOException {
        Files.createDirectories(options.outputDir());
        Path json = options.outputDir().resolve("bench-" + FILE_STAMP.format(Instant.parse(report.startedAt())) + ".json");
        Files.writeString(json, report.toJson() + "\n", StandardCharsets.UTF_8);
        if (options.benchmarksFile() != null && options.complete()) {
            BenchmarksFile.append(options.benchmarksFile(), report);
        }
        if (options.benchmarksFile() != null && peerRuns != null) {
            SideBySide.append(options.benchmarksFile(), SideBySide.rows(report, SideBySide.read(peerRuns)));
        }
        return json;
    }

    /**
     * Checks before a run that {@code peerRuns} is the Flink peer's readable {@code runs.jsonl} with at least one timed run,
     * and that the same-work section it is compared with will run: a long run should not end on a typo.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static void checkPeerResults(Path peerRuns, BenchOptions options) {
        if (!options.includes(SameWorkload.ID)) {
            throw new IllegalArgumentException("--peer-results compares with the " + SameWorkload.ID + " section, which this run leaves out");
        }
        SideBySide.read(peerRuns);
    }

    /**
     * The side-by-side comparison for the console: the peer's figures per size and job (median [min – max], failed runs),
     * then the table header and one row per size both measured — the rows {@link #write(BenchReport, BenchOptions, Path)}
     * appends — or a line saying that no size matched.
     */
    public static String sideBySide(BenchReport report, Path peerRuns) {
        SideBySide.PeerRuns peer = SideBySide.read(peerRuns);
        List<String> rows = SideBySide.rows(report, peer);
        StringBuilder sb = new StringBuilder(peer.describe());
        if (rows.isEmpty()) {
            sb.append("no size in both: peer ").append(peer.sizes()).append(", same-work ").append(SideBySide.reportSizes(report)).append('\n');
            return sb.toString();
        }
        sb.append(SideBySide.TABLE_HEADER).append('\n').append(SideBySide.TABLE_RULE).append('\n');
        rows.forEach(r -> sb.append(r).append('\n'));
        return sb.toString();
    }

    static final double RSS_TARGET_MIB = 1024;

    static String warmupSummary(BenchOptions options) {
        if (!options.warmup()) {
            return "no warm-up run";
        }
        return options.warmupEverySection() ? "one warm-up run per section, excluded"
                : "warm-up runs excluded; replay and the Flink-comparable workload have none of their own (the end-to-end "
                        + "warm-up ran their code)";
    }

    private static Section memory(MemoryProbe.Snapshot heapSample, MemoryProbe.Snapshot atEnd, boolean topologyRunning) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("maxHeapMiB", atEnd.maxHeapBytes() >> 20);
        params.put("source", "/proc/self/status VmHWM and VmRSS; heap used after System.gc()");
        return new Section("memory", "memory", params, List.of(
                Figure.single("peak RSS", "MiB", mib(atEnd.peakRssBytes()))
                        .withTarget(Figure.Target.atMost(RSS_TARGET_MIB, "DESIGN §13: whole-process RSS ≤ 1 GiB")),
                Figure.single("RSS at end", "MiB", mib(atEnd.rssBytes())),
                Figure.single("heap after GC", "MiB", mib(heapSample.heapAfterGcBytes()))),
                List.of("one process holds the broker, the registry, the topology, ingest and the table readers, like pulse run "
                                + "(which adds the HTTP server and read model, and has no generated workloads)",
                        topologyRunning ? "heap after GC was taken while the latency section's topology still ran; peak RSS and RSS at end "
                                + "after every section" : "heap after GC, peak RSS and RSS at end were taken after every section"));
    }

    private static double mib(long bytes) {
        return bytes < 0 ? -1 : bytes / 1048576.0;
    }
}
