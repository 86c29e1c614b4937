package pl.krakow.pulse.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.platform.config.PulseConfig;

/**
 * The quick benchmark in a reduced form — tiny sizes, one repetition, no warm-up, but the same code
 * path as {@code pulse bench --quick} on a fresh embedded broker: the report is well-formed (every
 * section, every figure present and positive), the JSON reads back, and BENCHMARKS.md gets its header
 * and one row. Correctness of the harness, not speed: no figure is compared with a target here.
 */
class BenchQuickIT {

    @TempDir
    Path dir;

    @Test
    void reducedQuickRunReportsEverySectionWithPositiveFigures() throws Exception {
        BenchOptions options = BenchOptions.quick()
                .withRepetitions(1, false)
                .withSizes(20_000, 3_000, 5_000)
                .withSameWorkEvents(List.of(3_000L))
                .withLatency(BenchOptions.DEFAULT_RATES, Duration.ofMillis(300))
                .withOutput(dir.resolve("bench-results"), dir.resolve("BENCHMARKS.md"))
                .withTimeout(Duration.ofMinutes(2));
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        // The runtime keys too: the same-work section sets indicators.emit.provisional for its topology.
        PulseConfig config = PulseConfig.load(pl.krakow.pulse.runtime.RuntimeConfig.KEYS, null, java.util.Map.of(), java.util.Map.of());
        BenchReport report = Benchmark.run(config, options, new PrintStream(progress, true, StandardCharsets.UTF_8));
        Path json = Benchmark.write(report, options);

        assertThat(report.sections()).extracting(Section::id).containsExactlyElementsOf(BenchOptions.ALL_SECTIONS);
        for (Section s : report.sections()) {
            assertThat(s.figures()).as(s.id()).isNotEmpty();
            for (Figure f : s.figures()) {
                assertThat(f.samples()).as(s.id() + " / " + f.name()).isNotEmpty().allMatch(v -> v > 0 && Double.isFinite(v));
                assertThat(f.median()).as(s.id() + " / " + f.name()).isPositive();
            }
        }
        assertThat(report.section("latency").figures()).extracting(Figure::name)
                .contains("p50 @ 1,000/s", "p95 @ 5,000/s", "p99 @ 5,000/s", "max @ 20,000/s");
        assertThat(report.targets()).extracting(e -> e.getValue().name())
                .containsExactlyInAnyOrder("end-to-end ÷ raw", "p99 @ 5,000/s", "p99 @ 20,000/s", "replay ÷ raw", "events/s", "peak RSS");
        assertThat(report.machine().cores()).isPositive();
        assertThat(report.settings()).containsEntry("processing.guarantee", "exactly_once_v2").containsKey("commit.interval.ms");

        // Well-formed JSON: it reads back into a report that writes the same JSON.
        assertThat(BenchReport.fromJson(Files.readString(json)).toJson()).isEqualTo(report.toJson());
        String benchmarks = Files.readString(dir.resolve("BENCHMARKS.md"));
        assertThat(benchmarks).contains(BenchmarksFile.TABLE_HEADER);
        List<String> rows = benchmarks.lines().filter(l -> l.startsWith("| 2")).toList();
        assertThat(rows).hasSize(1);
        assertThat(report.table()).contains("1 raw baseline", "2 end to end", "3 latency", "4 replay", "5 Flink-comparable workload",
                "6 Same work as the Flink peer", "7 GTFS-RT-shaped load", "8 memory");
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("raw baseline rep 1/1", "flink workload rep 1/1",
                "same work 3,000 rep 1/1", "full IV.3 catalog 3,000 rep 1/1", "every mean, count and valid flag equal to the independent computation");
        assertThat(report.section("same-work").figures()).extracting(Figure::name)
                .contains("same work events/s N=3000", "full IV.3 catalog events/s N=3000");
        // The benchmark's working directory (broker data, Streams state) is gone.
        try (var left = Files.list(dir.resolve("bench-results"))) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly(json.getFileName().toString());
        }
    }
}
