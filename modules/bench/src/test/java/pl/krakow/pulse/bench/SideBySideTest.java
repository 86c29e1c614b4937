package pl.krakow.pulse.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the Flink peer's runs.jsonl and the side-by-side rows of BENCHMARKS.md; fixtures in {@code side-by-side/} (see its README). */
class SideBySideTest {

    private static final long ONE_M = 1_000_000;
    private static final long FIVE_M = 5_000_000;

    @TempDir
    Path dir;

    @Test
    void peerFiguresAreMediansOfThePassingRunsWithFailuresCountedAndBookkeepingIgnored() throws Exception {
        SideBySide.PeerRuns peer = SideBySide.read(fixture("peer-synthetic-two-sizes.jsonl"));

        assertThat(peer.sizes()).containsExactly(ONE_M, FIVE_M);
        assertThat(peer.bySize().get(ONE_M).keySet()).containsExactly("consume", "baseline", "flink-eos");

        SideBySide.PeerFigure flink1m = peer.get(ONE_M, SideBySide.FLINK_EOS);
        assertThat(flink1m.failedRuns()).isZero();
        assertThat(flink1m.passing().samples()).containsExactly(101_000.0, 99_000.0, 105_000.0);
        assertThat(flink1m.passing().median()).isEqualTo(101_000.0);
        assertThat(flink1m.passing().min()).isEqualTo(99_000.0);
        assertThat(flink1m.passing().max()).isEqualTo(105_000.0);

        // Run 2 at 5 M failed its check (150,000 ev/s): out of the median, counted as failed.
        SideBySide.PeerFigure flink5m = peer.get(FIVE_M, SideBySide.FLINK_EOS);
        assertThat(flink5m.failedRuns()).isEqualTo(1);
        assertThat(flink5m.passing().samples()).containsExactly(180_000.0, 186_000.0);
        assertThat(flink5m.passing().median()).isEqualTo((180_000.0 + 186_000.0) / 2);
        assertThat(flink5m.passing().min()).isEqualTo(180_000.0);
        assertThat(flink5m.passing().max()).isEqualTo(186_000.0);

        assertThat(peer.get(FIVE_M, SideBySide.CONSUME).passing().median()).isEqualTo(886_000.0);
        assertThat(peer.get(FIVE_M, SideBySide.CONSUMER_LOOP).passing().median()).isEqualTo(394_000.0);
        assertThat(peer.get(ONE_M, "produce-preload")).isNull();
        assertThat(peer.get(ONE_M, "cross-check")).isNull();
        assertThat(peer.describe()).contains("peer N=5,000,000 flink-eos  183,000 events/s [180,000 – 186,000], 2 runs OK, 1 failed");
    }

    @Test
    void aRealPeerRunWhoseChecksAllFailedReadsAsFailuresNotAsFigures() throws Exception {
        // Unedited runs.jsonl of the peer: its failure texts hold unescaped quotes, its broker line a raw tab.
        SideBySide.PeerRuns peer = SideBySide.read(fixture("peer-real-100k-1run.jsonl"));

        assertThat(peer.sizes()).containsExactly(100_000L);
        for (String mode : List.of(SideBySide.CONSUME, SideBySide.CONSUMER_LOOP, SideBySide.FLINK_EOS)) {
            assertThat(peer.get(100_000, mode).passing()).as(mode).isNull();
            assertThat(peer.get(100_000, mode).failedRuns()).as(mode).isEqualTo(1);
        }
        String row = SideBySide.row(report(Map.of(100_000L, 50_000.0), Map.of()), peer, 100_000);
        assertThat(cells(row)).containsSubsequence("100,000", "- (1 consume run failed)", "- (1 consumer loop run failed)",
                "- (1 Flink run failed)", "50,000", "-", "-", "-", "-");
    }

    @Test
    void oneRowPerSizeBothMeasuredWithRatiosToFlinkJudgedAgainstTheirTargets() throws Exception {
        SideBySide.PeerRuns peer = SideBySide.read(fixture("peer-synthetic-two-sizes.jsonl"));
        double flink1m = peer.get(ONE_M, SideBySide.FLINK_EOS).passing().median();
        double flink5m = peer.get(FIVE_M, SideBySide.FLINK_EOS).passing().median();
        // 1 M: same work above Flink, full catalog below half of it; 5 M: both above their targets.
        double same1m = flink1m * 1.2;
        double full1m = flink1m * 0.4;
        double same5m = flink5m * 1.05;
        double full5m = flink5m * 0.6;
        // 20 000 is in the report only, so it gets no row.
        BenchReport report = report(Map.of(ONE_M, same1m, FIVE_M, same5m, 20_000L, 1.0), Map.of(ONE_M, full1m, FIVE_M, full5m));

        List<String> rows = SideBySide.rows(report, peer);

        assertThat(rows).hasSize(2);
        int columns = SideBySide.TABLE_HEADER.split("\\|", -1).length;
        rows.forEach(r -> assertThat(r.split("\\|", -1)).hasSize(columns));
        assertThat(cells(rows.get(0))).containsExactly("2026-06-01 12:00:00", "abc1234", "1,000,000", "0.50 / 0.70",
                BenchReport.format(peer.get(ONE_M, SideBySide.CONSUME).passing().median(), "events/s"),
                BenchReport.format(peer.get(ONE_M, SideBySide.CONSUMER_LOOP).passing().median(), "events/s"),
                BenchReport.format(flink1m, "events/s"),
                BenchReport.format(same1m, "events/s"), ratio(same1m / flink1m) + " PASS",
                BenchReport.format(full1m, "events/s"), ratio(full1m / flink1m) + " MISS",
                "1 PASS, 1 MISS");
        assertThat(cells(rows.get(1))).containsExactly("2026-06-01 12:00:00", "abc1234", "5,000,000", "0.50 / 0.70",
                BenchReport.format(peer.get(FIVE_M, SideBySide.CONSUME).passing().median(), "events/s"),
                BenchReport.format(peer.get(FIVE_M, SideBySide.CONSUMER_LOOP).passing().median(), "events/s"),
                BenchReport.format(flink5m, "events/s") + " (1 Flink run failed)",
                BenchReport.format(same5m, "events/s"), ratio(same5m / flink5m) + " PASS",
                BenchReport.format(full5m, "events/s"), ratio(full5m / flink5m) + " PASS",
                "2 PASS");
    }

    @Test
    void withoutTheFullCatalogItsCellsAreDashesAndOnlyTheSameWorkTargetCounts() throws Exception {
        SideBySide.PeerRuns peer = SideBySide.read(fixture("peer-synthetic-two-sizes.jsonl"));
        double flink1m = peer.get(ONE_M, SideBySide.FLINK_EOS).passing().median();
        double same1m = flink1m * 0.9;

        List<String> cells = cells(SideBySide.rows(report(Map.of(ONE_M, same1m), Map.of()), peer).get(0));

        assertThat(cells.subList(7, 12)).containsExactly(BenchReport.format(same1m, "events/s"), ratio(same1m / flink1m) + " MISS",
                "-", "-", "1 MISS");
    }

    @Test
    void theSectionIsCreatedBeforeWhatChangedAndLaterRowsJoinItsTableWithoutTouchingAnythingElse() throws Exception {
        Path file = dir.resolve("BENCHMARKS.md");
        Files.copy(fixture("benchmarks-like.md"), file);
        List<String> original = Files.readAllLines(file);
        int whatChanged = original.indexOf(SideBySide.BEFORE_HEADING);
        SideBySide.PeerRuns peer = SideBySide.read(fixture("peer-synthetic-two-sizes.jsonl"));
        List<String> firstRows = SideBySide.rows(report(Map.of(ONE_M, 1.0, FIVE_M, 2.0), Map.of()), peer);

        SideBySide.append(file, firstRows);

        List<String> once = Files.readAllLines(file);
        int heading = once.indexOf(SideBySide.HEADING);
        int header = once.indexOf(SideBySide.TABLE_HEADER);
        assertThat(heading).isEqualTo(whatChanged);
        assertThat(once.subList(0, heading)).isEqualTo(original.subList(0, whatChanged));
        assertThat(once.get(header + 1)).isEqualTo(SideBySide.TABLE_RULE);
        assertThat(once.subList(header + 2, header + 4)).isEqualTo(firstRows);
        assertThat(once.get(header + 4)).isEmpty();
        assertThat(once.get(header + 5)).isEqualTo(SideBySide.BEFORE_HEADING);
        assertThat(once.subList(header + 5, once.size())).isEqualTo(original.subList(whatChanged, original.size()));
        assertThat(once.subList(heading, header)).contains("| same work ÷ Flink | target ≥ 1.0 (DESIGN §13) |");

        List<String> secondRows = SideBySide.rows(report(Map.of(FIVE_M, 3.0), Map.of()), peer);
        SideBySide.append(file, secondRows);

        List<String> twice = Files.readAllLines(file);
        List<String> expected = new ArrayList<>(once);
        expected.addAll(header + 4, secondRows);
        assertThat(twice).isEqualTo(expected);
    }

    @Test
    void withoutWhatChangedTheSectionGoesAtTheEnd() throws Exception {
        Path file = dir.resolve("BENCHMARKS.md");
        Files.writeString(file, "# Benchmarks\n\nSome text.\n");
        List<String> rows = SideBySide.rows(report(Map.of(ONE_M, 1.0), Map.of()), SideBySide.read(fixture("peer-synthetic-two-sizes.jsonl")));

        SideBySide.append(file, rows);

        List<String> lines = Files.readAllLines(file);
        assertThat(lines.subList(0, 4)).containsExactly("# Benchmarks", "", "Some text.", "");
        assertThat(lines.get(4)).isEqualTo(SideBySide.HEADING);
        assertThat(lines.get(lines.size() - 1)).isEqualTo(rows.get(0));
    }

    @Test
    void aNewFileKeepsTheMainTableFirstSoALaterCompleteRunStillFindsIt() throws Exception {
        Path file = dir.resolve("BENCHMARKS.md");
        List<String> rows = SideBySide.rows(report(Map.of(ONE_M, 1.0), Map.of()), SideBySide.read(fixture("peer-synthetic-two-sizes.jsonl")));

        SideBySide.append(file, rows);
        BenchmarksFile.append(file, BenchReportTest.sample());

        List<String> lines = Files.readAllLines(file);
        int main = lines.indexOf(BenchmarksFile.TABLE_HEADER);
        assertThat(lines.get(main + 2)).isEqualTo(BenchmarksFile.row(BenchReportTest.sample()));
        assertThat(lines.indexOf(SideBySide.HEADING)).isGreaterThan(main + 2);
        assertThat(lines.get(lines.size() - 1)).isEqualTo(rows.get(0));
    }

    @Test
    void aMissingOrMalformedPeerFileIsAClearError() throws IOException {
        assertThatThrownBy(() -> SideBySide.read(dir.resolve("runs.jsonl")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("runs.jsonl is not a readable file");
        Path broken = Files.writeString(dir.resolve("broken.jsonl"), "{\"n\":1,\"mode\":\"consume\",\"run\":1,\"evPerS\":5,\"ok\":\"OK\"}\nnot json\n");
        assertThatThrownBy(() -> SideBySide.read(broken)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2");
        Path onlyBookkeeping = Files.writeString(dir.resolve("empty.jsonl"), "{\"n\":1,\"mode\":\"cross-check\",\"meanSumsEqual\":true}\n");
        assertThatThrownBy(() -> SideBySide.read(onlyBookkeeping)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no timed runs");
    }

    @Test
    void peerResultsWithoutTheSameWorkSectionAreRefusedBeforeTheRun() throws Exception {
        BenchOptions rawOnly = BenchOptions.quick().withSections(List.of("raw"));
        assertThatThrownBy(() -> Benchmark.checkPeerResults(fixture("peer-synthetic-two-sizes.jsonl"), rawOnly))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same-work");
    }

    /** A report whose same-work section has the given medians (3 samples each) per size, in the figures' real names. */
    private static BenchReport report(Map<Long, Double> sameWork, Map<Long, Double> fullCatalog) {
        List<Figure> figures = new ArrayList<>();
        sameWork.forEach((n, median) -> {
            figures.add(Figure.of("same work events/s N=" + n, "events/s", List.of(median * 0.9, median, median * 1.1)));
            figures.add(Figure.of("same work start-up N=" + n, "s", List.of(2.0, 2.1, 2.2)));
        });
        fullCatalog.forEach((n, median) -> figures.add(Figure.of("full IV.3 catalog events/s N=" + n, "events/s",
                List.of(median * 1.1, median * 0.9, median))));
        MachineInfo machine = new MachineInfo(2, 8L << 30, "17.0.15 (OpenJDK)", "Linux amd64", 0.5, 0.7, 512L << 20, "-Xmx512m", "abc1234");
        Section raw = new Section("raw", "raw baseline", Map.of(), List.of(Figure.single("records/s", "records/s", 100_000)), List.of());
        Section same = new Section(SameWorkload.ID, "same work as the Flink peer", Map.of(), figures, List.of());
        return new BenchReport(BenchTestInstants.NOW.toString(), "custom", 60.0, machine, Map.of(), 3, "none", List.of(raw, same));
    }

    private static List<String> cells(String row) {
        String inner = row.substring(2, row.length() - 2);
        return List.of(inner.split(" \\| ", -1));
    }

    private static String ratio(double r) {
        return String.format(Locale.ROOT, "%.2f", r);
    }

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(SideBySideTest.class.getResource("/side-by-side/" + name).toURI());
    }
}
