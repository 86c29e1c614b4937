package pl.krakow.pulse.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {

    @TempDir
    Path dir;

    @Test
    void aFigureIsTheMedianOfItsSamplesWithMinAndMax() {
        Figure odd = Figure.of("events/s", "events/s", List.of(30.0, 10.0, 20.0));
        assertThat(odd.median()).isEqualTo(20.0);
        assertThat(odd.min()).isEqualTo(10.0);
        assertThat(odd.max()).isEqualTo(30.0);
        assertThat(odd.samples()).containsExactly(30.0, 10.0, 20.0);
        assertThat(Figure.of("x", "ms", List.of(1.0, 2.0, 3.0, 10.0)).median()).isEqualTo(2.5);
    }

    @Test
    void targetsAreJudgedOnTheMedian() {
        Figure ratio = Figure.of("end-to-end ÷ raw", "ratio", List.of(0.4, 0.6, 0.7)).withTarget(Figure.Target.atLeast(0.5, "test"));
        assertThat(ratio.passes()).isTrue();
        Figure p99 = Figure.of("p99", "ms", List.of(250.0, 310.0, 320.0)).withTarget(Figure.Target.atMost(300, "test"));
        assertThat(p99.passes()).isFalse();
        assertThat(Figure.single("no target", "ms", 1).passes()).isFalse();
    }

    @Test
    void theJsonReadsBackIntoTheSameReport() {
        BenchReport report = sample();
        BenchReport back = BenchReport.fromJson(report.toJson());
        assertThat(back.toJson()).isEqualTo(report.toJson());
        assertThat(back.sections()).extracting(Section::id).containsExactly("raw", "end-to-end", "latency");
        assertThat(back.section("latency").figure("p99 @ 5,000/s").passes()).isTrue();
    }

    @Test
    void theTableShowsEverySectionAndEveryTargetVerdict() {
        String table = sample().table();
        assertThat(table).contains("1 raw baseline", "2 end to end", "≥ 0.50  MISS", "≤ 300  PASS", "targets : 1 PASS, 1 MISS");
    }

    @Test
    void benchmarksFileGetsItsHeaderOnceAndOneRowPerRun() throws IOException {
        Path file = dir.resolve("BENCHMARKS.md");
        BenchmarksFile.append(file, sample());
        BenchmarksFile.append(file, sample());
        String text = Files.readString(file);
        assertThat(text).startsWith("# Benchmarks");
        assertThat(text.split(java.util.regex.Pattern.quote(BenchmarksFile.TABLE_HEADER), -1)).hasSize(2);
        List<String> rows = text.lines().filter(l -> l.startsWith("| 2026-")).toList();
        assertThat(rows).hasSize(2);
        int columns = BenchmarksFile.TABLE_HEADER.split("\\|", -1).length;
        assertThat(rows.get(0).split("\\|", -1)).hasSize(columns);
        assertThat(rows.get(0)).contains("| quick |", "0.30 MISS", "250 PASS");
    }

    @Test
    void aNewRowJoinsTheTableAboveTheTextWrittenAfterIt() throws IOException {
        Path file = dir.resolve("BENCHMARKS.md");
        BenchmarksFile.append(file, sample());
        Files.writeString(file, "\n## What changed\n\nAnalysis the team wrote.\n", java.nio.file.StandardOpenOption.APPEND);
        BenchmarksFile.append(file, sample());
        List<String> lines = Files.readAllLines(file);
        int header = lines.indexOf(BenchmarksFile.TABLE_HEADER);
        assertThat(lines.get(header + 2)).startsWith("| 2026-");
        assertThat(lines.get(header + 3)).startsWith("| 2026-");
        assertThat(lines.get(header + 4)).isEmpty();
        assertThat(lines.get(lines.size() - 1)).isEqualTo("Analysis the team wrote.");
    }

    static BenchReport sample() {
        MachineInfo machine = new MachineInfo(2, 8L << 30, "17.0.15 (OpenJDK)", "Linux amd64", 0.5, 0.7, 512L << 20, "-Xmx512m", "abc1234");
        Section raw = new Section("raw", "raw baseline", Map.of("records", 1000), List.of(Figure.of("records/s", "records/s",
                List.of(100_000.0, 110_000.0, 90_000.0))), List.of());
        Section e2e = new Section("end-to-end", "end to end", Map.of(), List.of(
                Figure.of("events/s", "events/s", List.of(30_000.0, 31_000.0, 29_000.0)),
                Figure.of("end-to-end ÷ raw", "ratio", List.of(0.3, 0.31, 0.29)).withTarget(Figure.Target.atLeast(0.5, "DESIGN"))),
                List.of("a note"));
        Section latency = new Section("latency", "latency", Map.of(), List.of(
                Figure.of("p99 @ 5,000/s", "ms", List.of(250.0, 240.0, 260.0)).withTarget(Figure.Target.atMost(300, "DESIGN"))),
                List.of());
        return new BenchReport("2026-06-01T12:00:00Z", "quick", 42.0, machine, Map.of("commit.interval.ms", 100), 3, "one warm-up run per section, excluded",
                List.of(raw, e2e, latency));
    }
}
