package pl.krakow.pulse.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How big and how long a benchmark run is, and where it runs and writes. {@link #full()} and
 * {@link #quick()} are the two presets of {@code pulse bench}; the {@code with...} methods adjust one
 * setting (the CLI's options, and the integration test's reduced run).
 *
 * @param mode              preset name printed with the results ({@code full}, {@code quick}, or {@code custom})
 * @param repetitions       measured repetitions per figure (the median is reported); the CLI requires ≥ 3
 * @param warmup            run one extra, unreported repetition first (see {@code warmupEverySection})
 * @param warmupEverySection with {@code warmup}: every section gets its own warm-up run; otherwise replay and the
 *                          Flink-comparable workload, whose code (parser, publisher, topology) the end-to-end warm-up
 *                          has already exercised, get none (the quick preset, to stay under a minute)
 * @param rawRecords        records of the raw baseline
 * @param warmupEvents      events of the end-to-end and Flink-workload warm-up runs
 * @param throughputSeconds how long one measured end-to-end repetition should last (twice that for the Flink
 *                          workload): their sizes follow from the warm-up's rate, within the maxima below; zero
 *                          fixes them at the maxima
 * @param endToEndEvents    most events of one end-to-end repetition (the size when there is no warm-up)
 * @param latencyRates      offered rates of the latency phases, events/s
 * @param latencyPhase      length of one latency repetition
 * @param flinkEvents       most events preloaded for the Flink-comparable workload (the size without warm-up)
 * @param sameWorkEvents    the sizes of the same-work section (the peer's job, side by side with Flink): one measurement
 *                          per size, fixed (the peer runs 1 M and 5 M)
 * @param sameWorkFullCatalog whether the same-work section also runs the full IV.3 catalog on the same input
 * @param outputDir         where {@code bench-<timestamp>.json} goes
 * @param benchmarksFile    the {@code BENCHMARKS.md} a dated row is appended to; null = none
 * @param bootstrapServers  an existing cluster; null = a fresh embedded broker
 * @param schemaRegistryUrl an existing registry; null = an embedded one (on whichever broker)
 * @param allowTopicReset   allows deleting and re-creating the benchmark's topics on an existing cluster
 * @param timeout           longest wait for one measurement to complete before the run fails
 * @param sections          the sections to run ({@link #ALL_SECTIONS} for a complete report; the raw baseline
 *                          and memory always run, the ratios need the first)
 */
public record BenchOptions(String mode, int repetitions, boolean warmup, boolean warmupEverySection, long rawRecords, long warmupEvents,
                           Duration throughputSeconds, long endToEndEvents,
                           List<Integer> latencyRates, Duration latencyPhase, long flinkEvents, List<Long> sameWorkEvents, boolean sameWorkFullCatalog,
                           Path outputDir, Path benchmarksFile, String bootstrapServers, String schemaRegistryUrl,
                           boolean allowTopicReset, Duration timeout, List<String> sections) {

    /** Every section a complete report has, in order. */
    public static final List<String> ALL_SECTIONS = List.of("raw", "end-to-end", "latency", "replay", "flink-workload", "same-work", "gtfs-rt", "memory");

    public BenchOptions {
        Objects.requireNonNull(mode, "mode");
        latencyRates = List.copyOf(latencyRates);
        sameWorkEvents = List.copyOf(sameWorkEvents);
        if (sameWorkEvents.isEmpty() || sameWorkEvents.stream().anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException("same-work sizes must be >= 1 event: " + sameWorkEvents);
        }
        Objects.requireNonNull(latencyPhase, "latencyPhase");
        Objects.requireNonNull(outputDir, "outputDir");
        Objects.requireNonNull(timeout, "timeout");
        if (repetitions < 1) {
            throw new IllegalArgumentException("repetitions must be >= 1: " + repetitions);
        }
        if (throughputSeconds == null || throughputSeconds.isNegative()) {
            throw new IllegalArgumentException("throughputSeconds must be >= 0 (0 = fixed sizes): " + throughputSeconds);
        }
        if (rawRecords < 1 || warmupEvents < 1 || endToEndEvents < 1 || flinkEvents < 1) {
            throw new IllegalArgumentException("event counts must be >= 1");
        }
        if (latencyRates.isEmpty() || latencyRates.stream().anyMatch(r -> r < 1)) {
            throw new IllegalArgumentException("latency rates must be >= 1 event/s: " + latencyRates);
        }
        if (latencyPhase.toMillis() < 100) {
            throw new IllegalArgumentException("a latency phase lasts at least 100 ms: " + latencyPhase);
        }
        java.util.Set<String> chosen = new java.util.HashSet<>(sections);
        chosen.add("raw");
        chosen.add("memory");
        for (String id : chosen) {
            if (!ALL_SECTIONS.contains(id)) {
                throw new IllegalArgumentException("unknown section '" + id + "'; sections: " + ALL_SECTIONS);
            }
        }
        sections = ALL_SECTIONS.stream().filter(chosen::contains).toList();
    }

    /** Whether section {@code id} runs. */
    public boolean includes(String id) {
        return sections.contains(id);
    }

    /** Whether every section runs (only complete reports get a row in BENCHMARKS.md). */
    public boolean complete() {
        return sections.containsAll(ALL_SECTIONS);
    }

    /** The peer's sizes (../shared/peer-flink): 1 M and 5 M events. */
    public static final List<Long> SAME_WORK_SIZES = List.of(1_000_000L, 5_000_000L);

    /** The same-work section's sizes, fixed. */
    public BenchOptions withSameWorkEvents(List<Long> sizes) {
        return new BenchOptions(mode, repetitions, warmup, warmupEverySection, rawRecords, warmupEvents, throughputSeconds, endToEndEvents,
                latencyRates, latencyPhase, flinkEvents, sizes, sameWorkFullCatalog, outputDir, benchmarksFile, bootstrapServers, schemaRegistryUrl,
                allowTopicReset, timeout, sections);
    }

    /** Whether the same-work section also times the full IV.3 catalog on its input. */
    public BenchOptions withSameWorkFullCatalog(boolean full) {
        return new BenchOptions(mode, repetitions, warmup, warmupEverySection, rawRecords, warmupEvents, throughputSeconds, endToEndEvents,
                latencyRates, latencyPhase, flinkEvents, sameWorkEvents, full, outputDir, benchmarksFile, bootstrapServers, schemaRegistryUrl,
                allowTopicReset, timeout, sections);
    }

    /** The offered rates DESIGN §13 and issue 3 ask for, events/s. */
    public static final List<Integer> DEFAULT_RATES = List.of(1_000, 5_000, 20_000);

    /** The full run: under 10 minutes on the 2-core build machine, whatever the pipeline's speed (sizes adapt). */
    public static BenchOptions full() {
        return new BenchOptions("full", 3, true, true, 1_000_000, 60_000, Duration.ofSeconds(15), 300_000, DEFAULT_RATES,
                Duration.ofSeconds(10), 1_000_000, SAME_WORK_SIZES, true,
                Path.of("bench-results"), Path.of("BENCHMARKS.md"), null, null, false, Duration.ofMinutes(3), ALL_SECTIONS);
    }

    /** The smoke check: small sizes, 3 repetitions, short latency phases; under a minute. */
    public static BenchOptions quick() {
        return new BenchOptions("quick", 3, true, false, 100_000, 3_000, Duration.ofMillis(1500), 10_000, DEFAULT_RATES,
                Duration.ofSeconds(1), 10_000, List.of(20_000L), true,
                Path.of("bench-results"), Path.of("BENCHMARKS.md"), null, null, false, Duration.ofMinutes(2), ALL_SECTIONS);
    }

    public BenchOptions withMode(String m) {
        return new BenchOptions(m, repetitions, warmup, warmupEverySection, rawRecords, warmupEvents, throughputSeconds, endToEndEvents, latencyRates, latencyPhase, flinkEvents, sameWorkEvents, sameWorkFullCatalog,
                outputDir, benchmarksFile, bootstrapServers, schemaRegistryUrl, allowTopicReset, timeout, sections);
    }

    public BenchOptions withRepetitions(int n, boolean warm) {
        return new BenchOptions(mode, n, warm, warmupEverySection, rawRecords, warmupEvents, throughputSeconds, endToEndEvents, latencyRates, latencyPhase, flinkEvents, sameWorkEvents, sameWorkFullCatalog,
                outputDir, benchmarksFile, bootstrapServers, schemaRegistryUrl, allowTopicReset, timeout, sections);
    }

    public BenchOptions withSizes(long raw, long endToEnd, long flink) {
        return new BenchOptions(mode, repetitions, warmup, warmupEverySection, raw, warmupEvents, throughputSeconds, endToEnd, latencyRates, latencyPhase, flink, sameWorkEvents, sameWorkFullCatalog,
                outputDir, benchmarksFile, bootstrapServers, schemaRegistryUrl, allowTopicReset, timeout, sections);
    }

    /** Fixed sizes: the end-to-end repetitions and the Flink workload use exactly their maxima. */
    public BenchOptions withFixedSizes() {
        return new BenchOptions(mode, repetitions, warmup, warmupEverySection, rawRecords, warmupEvents, Duration.ZERO, endToEndEvents,
                latencyRates, latencyPhase, flinkEvents, sameWorkEvents, sameWorkFullCatalog, outputDir, benchmarksFile, bootstrapServers, schemaRegistryUrl, allowTopicReset,
                timeout, sections);
    }

    public BenchOptions withLatency(List<Integer> rates, Duration phase) {
        return new BenchOptions(mode, repetitions, warmup, warmupEverySection, rawRecords, warmupEvents, throughputSeconds, endToEndEvents, rates, phase, flinkEvents, sameWorkEvents, sameWorkFullCatalog,
                outputDir, benchmarksFile, bootstrapServers, schemaRegistryUrl, allowTopicReset, timeout, sections);
    }

    public BenchOptions withOutput(Path dir, Path benchmarks) {
        return new BenchOptions(mode, repetitions, warmup, warmupEverySection, rawRecords, warmupEvents, throughputSeconds, endToEndEvents, latencyRates, latencyPhase, flinkEvents, sameWorkEvents, sameWorkFullCatalog,
                dir, benchmarks, bootstrapServers, schemaRegistryUrl, allowTopicReset, timeout, sections);
    }

    public BenchOptions withCluster(String bootstrap, String registryUrl, boolean allowReset) {
        return new BenchOptions(mode, repetitions, warmup, warmupEverySection, rawRecords, warmupEvents, throughputSeconds, endToEndEvents, latencyRates, latencyPhase, flinkEvents, sameWorkEvents, sameWorkFullCatalog,
                outputDir, benchmarksFile, bootstrap, registryUrl, allowReset, timeout, sections);
    }

    public BenchOptions withTimeout(Duration t) {
        return new BenchOptions(mode, repetitions, warmup, warmupEverySection, rawRecords, warmupEvents, throughputSeconds, endToEndEvents, latencyRates, latencyPhase, flinkEvents, sameWorkEvents, sameWorkFullCatalog,
                outputDir, benchmarksFile, bootstrapServers, schemaRegistryUrl, allowTopicReset, t, sections);
    }

    public BenchOptions withSections(List<String> ids) {
        return new BenchOptions(mode, repetitions, warmup, warmupEverySection, rawRecords, warmupEvents, throughputSeconds, endToEndEvents, latencyRates, latencyPhase, flinkEvents, sameWorkEvents, sameWorkFullCatalog,
                outputDir, benchmarksFile, bootstrapServers, schemaRegistryUrl, allowTopicReset, timeout, ids);
    }

    /** Runs of section {@code id}: its warm-up (if any) plus the measured repetitions. */
    int runs(String id) {
        return repetitions + (warmsUp(id) ? 1 : 0);
    }

    /** Whether section {@code id} gets its own warm-up run. */
    boolean warmsUp(String id) {
        return warmup && (warmupEverySection || !(id.equals("replay") || id.equals("flink-workload")));
    }
}
