package pl.krakow.pulse.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Flink peer ({@code ../shared/peer-flink}) and Pulse's {@code same-work} section side by side: reads the peer's
 * {@code results/runs.jsonl}, summarises it per size and job, and renders one row per size of the table
 * {@value #HEADING} in {@code BENCHMARKS.md}.
 *
 * <p>Contracts:
 * <ul>
 *   <li><b>Input</b>: one JSON object per line. Lines of mode {@code produce-preload}, {@code cross-check} and
 *       {@code broker} are bookkeeping and ignored; every other line is one timed run and must have {@code n},
 *       {@code mode}, {@code evPerS} (events/s) and {@code ok} ({@code "OK"} or a {@code "FAIL ..."} text). A run
 *       counts only when {@code ok} is exactly {@code "OK"}; the others are counted as failed and left out of the
 *       median, because their output was wrong. The peer writes a failure's message into {@code ok} unescaped, so
 *       such a line is not JSON: it is read by the peer's fixed field order (n, mode, run, evPerS, ok). Anything
 *       else is an {@link IllegalArgumentException} naming the file and line.</li>
 *   <li><b>Figures</b>: per (N, mode) the median, min and max of the passing runs' events/s ({@link Figure#of}: the
 *       mean of the middle two for an even count) and the number of failed runs.</li>
 *   <li><b>Rows</b>: one per N that both the peer and the report's {@code same-work} section measured, in
 *       ascending N; numbers as {@link BenchReport#format}, ratios to 2 decimals judged on the unrounded value
 *       (same work ÷ Flink ≥ {@value #SAME_WORK_TARGET}, full IV.3 ÷ Flink ≥ {@value #FULL_CATALOG_TARGET});
 *       {@code -} where a figure is missing (no passing peer run, or a report without the full catalog).</li>
 *   <li><b>File</b>: {@link #append} adds rows after the last row of this table, or creates the section just
 *       before {@value #BEFORE_HEADING} (at the end when that heading is absent). No other line changes.</li>
 * </ul>
 */
final class SideBySide {

    static final String HEADING = "## Side by side with the Flink peer";
    /** The analysis after the results; the new section goes right above it so the figures stay together. */
    static final String BEFORE_HEADING = "## What changed, and by how much (issue 3 profile → fixes)";

    static final String TABLE_HEADER = "| date (UTC) | HEAD | N | load start/end | consume ev/s | consumer loop ev/s "
            + "| Flink exactly-once ev/s | Pulse same work ev/s | same work ÷ Flink | Pulse full IV.3 ev/s | full IV.3 ÷ Flink | targets |";
    static final String TABLE_RULE = "|---|---|---|---|---|---|---|---|---|---|---|---|";

    static final String INTRO = """
            One row per size N per run of `modules/bench/side-by-side.sh`, which runs the Flink peer
            (`../shared/peer-flink`: Apache Flink 2.2, exactly-once, checkpoint every 1 s, on its own broker) and then
            `pulse bench --sections same-work` (its embedded broker) on the same machine, one after the other, and
            appends these rows with `--peer-results`. Peer figures are medians of its runs whose output passed its
            check, Pulse figures medians of the repetitions; `bench-results/side-by-side-<timestamp>/` keeps every
            run. Compare figures within a row only: both sides move with the machine's load.

            | column | meaning |
            |---|---|
            | date (UTC) | when the Pulse part started (the peer ran just before it) |
            | HEAD | the Pulse commit measured |
            | N | events preloaded into a 6-partition topic, the same N on both sides |
            | load start/end | 1-minute load average when the Pulse part started and ended (the script prints it before the peer part too); above ~1 on 2 cores, other work skewed the figures |
            | consume ev/s | peer `consume`: a plain consumer reading every record, the ceiling of reading that topic |
            | consumer loop ev/s | peer `baseline`: the same job as one hand-written poll loop, no framework |
            | Flink exactly-once ev/s | peer `flink-eos`: the Flink job, checkpoint 1 s exactly-once, transactional sink, start-up included |
            | Pulse same work ev/s | `same-work` section, `same work events/s N=<n>`: the peer's job in Pulse's topology, exactly-once, start-up included |
            | same work ÷ Flink | target ≥ 1.0 (DESIGN §13) |
            | Pulse full IV.3 ev/s | `full IV.3 catalog events/s N=<n>`: every IV.3 indicator on the same input; `-` when run with `--no-full-catalog` |
            | full IV.3 ÷ Flink | target ≥ 0.5 |
            | targets | PASS/MISS count of the two ratios |
            | (k … runs failed) | peer runs of that job whose output failed its check (for consume: not every record read); left out of the median |
            """;

    static final double SAME_WORK_TARGET = 1.0;
    static final double FULL_CATALOG_TARGET = 0.5;

    /** The peer's run modes the table shows: plain consume, the hand-written consumer loop, Flink exactly-once. */
    static final String CONSUME = "consume";
    static final String CONSUMER_LOOP = "baseline";
    static final String FLINK_EOS = "flink-eos";

    private static final Set<String> BOOKKEEPING_MODES = Set.of("produce-preload", "cross-check", "broker");
    /** The peer's run line as {@code peer.Bench} concatenates it: n, mode, run, evPerS, then ok (possibly with unescaped quotes). */
    private static final Pattern PEER_RUN_LAYOUT =
            Pattern.compile("\\{\"n\":(\\d+),\"mode\":\"([^\"]+)\",\"run\":\\d+,\"evPerS\":(\\d+(?:\\.\\d+)?),\"ok\":\"(.*)");
    private static final Pattern BOOKKEEPING_LAYOUT = Pattern.compile("^\\{(?:\"n\":\\d+,)?\"mode\":\"([^\"]+)\"");
    /** Its broker line carries a raw tab from /proc inside a string; that is all the leniency needed. */
    private static final ObjectMapper PEER_JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS).build();
    private static final Pattern SAME_WORK_RATE = Pattern.compile("same work events/s N=(\\d+)");

    private SideBySide() {
    }

    /**
     * One job at one size: its passing runs' events/s (null when none passed) and how many runs failed.
     *
     * @param n          events of the run
     * @param mode       the peer's mode, e.g. {@code flink-eos}
     * @param passing    median, min, max and samples of the passing runs in events/s; null when no run passed
     * @param failedRuns runs whose {@code ok} was not {@code "OK"}
     */
    record PeerFigure(long n, String mode, Figure passing, int failedRuns) {
    }

    /** The peer's runs by N (ascending) and mode; {@code source} names the file in messages. */
    record PeerRuns(String source, Map<Long, Map<String, PeerFigure>> bySize) {

        PeerFigure get(long n, String mode) {
            Map<String, PeerFigure> modes = bySize.get(n);
            return modes == null ? null : modes.get(mode);
        }

        Set<Long> sizes() {
            return bySize.keySet();
        }

        /** Every (N, mode): median [min – max] of the passing runs and the failures, one line each, for the console. */
        String describe() {
            StringBuilder sb = new StringBuilder();
            bySize.forEach((n, modes) -> modes.values().forEach(f -> {
                sb.append(String.format(Locale.ROOT, "peer N=%s %-10s ", BenchReport.format(n, "events"), f.mode()));
                if (f.passing() == null) {
                    sb.append("no passing run");
                } else {
                    Figure p = f.passing();
                    sb.append(BenchReport.format(p.median(), "events/s")).append(" events/s");
                    if (p.samples().size() > 1) {
                        sb.append(" [").append(BenchReport.format(p.min(), "events/s")).append(" – ")
                                .append(BenchReport.format(p.max(), "events/s")).append(']');
                    }
                    sb.append(", ").append(p.samples().size()).append(" run").append(p.samples().size() == 1 ? "" : "s").append(" OK");
                }
                if (f.failedRuns() > 0) {
                    sb.append(", ").append(f.failedRuns()).append(" failed");
                }
                sb.append('\n');
            }));
            return sb.toString();
        }
    }

    /** Reads the peer's {@code runs.jsonl}; a missing, unreadable or malformed file, or one without runs, is an IllegalArgumentException. */
    static PeerRuns read(Path runsJsonl) {
        if (!Files.isRegularFile(runsJsonl) || !Files.isReadable(runsJsonl)) {
            throw new IllegalArgumentException("peer results " + runsJsonl + " is not a readable file (expected the Flink peer's "
                    + "results/runs.jsonl, written by ../shared/peer-flink/run.sh)");
        }
        try {
            return parse(Files.readAllLines(runsJsonl, StandardCharsets.UTF_8), runsJsonl.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read peer results " + runsJsonl + ": " + e.getMessage(), e);
        }
    }

    static PeerRuns parse(List<String> lines, String source) {
        // (n → mode → samples) of passing runs and counts of failed ones, modes in first-seen order per size
        Map<Long, Map<String, List<Double>>> passing = new TreeMap<>();
        Map<Long, Map<String, Integer>> failed = new TreeMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            Run run = parseLine(line, source + " line " + (i + 1));
            if (run == null) {
                continue;
            }
            passing.computeIfAbsent(run.n(), k -> new LinkedHashMap<>()).computeIfAbsent(run.mode(), k -> new ArrayList<>());
            failed.computeIfAbsent(run.n(), k -> new LinkedHashMap<>()).merge(run.mode(), run.ok() ? 0 : 1, Integer::sum);
            if (run.ok()) {
                passing.get(run.n()).get(run.mode()).add(run.evPerS());
            }
        }
        if (passing.isEmpty()) {
            throw new IllegalArgumentException(source + " has no timed runs (only bookkeeping lines or none): did the peer's run finish?");
        }
        Map<Long, Map<String, PeerFigure>> bySize = new TreeMap<>();
        passing.forEach((n, modes) -> {
            Map<String, PeerFigure> figures = new LinkedHashMap<>();
            modes.forEach((mode, samples) -> figures.put(mode, new PeerFigure(n, mode,
                    samples.isEmpty() ? null : Figure.of(mode + " events/s N=" + n, "events/s", samples), failed.get(n).get(mode))));
            bySize.put(n, Collections.unmodifiableMap(figures));
        });
        return new PeerRuns(source, Collections.unmodifiableMap(bySize));
    }

    /** One timed run of the peer. */
    private record Run(long n, String mode, double evPerS, boolean ok) {
    }

    /** The run on {@code line}, or null for a bookkeeping line; {@code where} names the line in errors. */
    private static Run parseLine(String line, String where) {
        JsonNode json;
        try {
            json = PEER_JSON.readTree(line);
        } catch (JsonProcessingException e) {
            // The peer writes its check's message into "ok" unescaped ("FAIL at {"station":...}"), so a failed run's line
            // is not JSON; its fields before "ok" come in a fixed order, and the run failed unless "ok" is exactly "OK".
            Matcher run = PEER_RUN_LAYOUT.matcher(line);
            if (run.matches()) {
                return new Run(Long.parseLong(run.group(1)), run.group(2), Double.parseDouble(run.group(3)), run.group(4).startsWith("OK\""));
            }
            Matcher bookkeeping = BOOKKEEPING_LAYOUT.matcher(line);
            if (bookkeeping.find() && BOOKKEEPING_MODES.contains(bookkeeping.group(1))) {
                return null;
            }
            throw new IllegalArgumentException(where + " is neither JSON nor a run line of the peer: " + e.getOriginalMessage());
        }
        String mode = json.path("mode").asText(null);
        if (mode == null) {
            throw new IllegalArgumentException(where + " has no mode");
        }
        if (BOOKKEEPING_MODES.contains(mode)) {
            return null;
        }
        JsonNode n = json.get("n");
        JsonNode rate = json.get("evPerS");
        JsonNode ok = json.get("ok");
        if (n == null || !n.canConvertToLong() || rate == null || !rate.isNumber() || ok == null || !ok.isTextual()) {
            throw new IllegalArgumentException(where + " (mode " + mode + ") needs numeric n and evPerS and a text ok: " + line);
        }
        return new Run(n.asLong(), mode, rate.asDouble(), "OK".equals(ok.asText()));
    }

    /** The sizes of the report's same-work section (none without it), ascending. */
    static Set<Long> reportSizes(BenchReport report) {
        Set<Long> sizes = new TreeSet<>();
        report.sections().stream().filter(s -> s.id().equals(SameWorkload.ID)).flatMap(s -> s.figures().stream()).forEach(f -> {
            Matcher m = SAME_WORK_RATE.matcher(f.name());
            if (m.matches()) {
                sizes.add(Long.parseLong(m.group(1)));
            }
        });
        return sizes;
    }

    /** One row per size measured by both, ascending N. */
    static List<String> rows(BenchReport report, PeerRuns peer) {
        Set<Long> common = reportSizes(report);
        common.retainAll(peer.sizes());
        return common.stream().map(n -> row(report, peer, n)).toList();
    }

    static String row(BenchReport report, PeerRuns peer, long n) {
        MachineInfo m = report.machine();
        PeerFigure flink = peer.get(n, FLINK_EOS);
        Figure same = find(report, "same work events/s N=" + n);
        Figure full = find(report, "full IV.3 catalog events/s N=" + n);
        Figure sameRatio = ratio("same work ÷ Flink", same, flink, SAME_WORK_TARGET);
        Figure fullRatio = ratio("full IV.3 ÷ Flink", full, flink, FULL_CATALOG_TARGET);

        List<String> cells = new ArrayList<>();
        cells.add(BenchmarksFile.date(report));
        cells.add(m.commit());
        cells.add(BenchReport.format(n, "events"));
        cells.add(String.format(Locale.ROOT, "%.2f / %.2f", m.loadAtStart(), m.loadAtEnd()));
        cells.add(peerCell(peer.get(n, CONSUME), "consume"));
        cells.add(peerCell(peer.get(n, CONSUMER_LOOP), "consumer loop"));
        cells.add(peerCell(flink, "Flink"));
        cells.add(same == null ? "-" : BenchReport.format(same.median(), same.unit()));
        cells.add(judged(sameRatio));
        cells.add(full == null ? "-" : BenchReport.format(full.median(), full.unit()));
        cells.add(judged(fullRatio));
        cells.add(targets(sameRatio, fullRatio));
        return "| " + String.join(" | ", cells) + " |";
    }

    /**
     * Adds the rows after the last row of the side-by-side table, creating the section (heading, explanation,
     * table) before {@value #BEFORE_HEADING} or at the end when it is missing, and the file (with the main
     * table's header, so a later complete run finds its table) when that is missing. Does nothing without rows.
     */
    static void append(Path file, List<String> rows) throws IOException {
        if (rows.isEmpty()) {
            return;
        }
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        List<String> lines = new ArrayList<>();
        if (Files.exists(file) && Files.size(file) > 0) {
            lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
        } else {
            (BenchmarksFile.HEADER + BenchmarksFile.TABLE_HEADER + "\n" + BenchmarksFile.TABLE_RULE).lines().forEach(lines::add);
        }
        int header = lines.indexOf(TABLE_HEADER);
        if (header >= 0) {
            int end = header + 1;
            while (end < lines.size() && lines.get(end).startsWith("|")) {
                end++;
            }
            lines.addAll(end, rows);
        } else {
            insertSection(lines, rows);
        }
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    private static void insertSection(List<String> lines, List<String> rows) {
        List<String> table = new ArrayList<>();
        table.add(TABLE_HEADER);
        table.add(TABLE_RULE);
        table.addAll(rows);
        int heading = lines.indexOf(HEADING);
        if (heading >= 0) {
            // The heading is there but its table was removed: put the table back at the end of that section's text.
            int end = heading + 1;
            while (end < lines.size() && !lines.get(end).startsWith("## ")) {
                end++;
            }
            while (end > heading + 1 && lines.get(end - 1).isBlank()) {
                end--;
            }
            List<String> block = new ArrayList<>();
            block.add("");
            block.addAll(table);
            lines.addAll(end, block);
            return;
        }
        List<String> section = new ArrayList<>();
        section.add(HEADING);
        section.add("");
        INTRO.lines().forEach(section::add);
        section.add("");
        section.addAll(table);
        int before = lines.indexOf(BEFORE_HEADING);
        if (before >= 0) {
            section.add("");
            if (before > 0 && !lines.get(before - 1).isBlank()) {
                section.add(0, "");
            }
            lines.addAll(before, section);
        } else {
            if (!lines.isEmpty() && !lines.get(lines.size() - 1).isBlank()) {
                lines.add("");
            }
            lines.addAll(section);
        }
    }

    private static Figure find(BenchReport r, String figure) {
        try {
            return r.section(SameWorkload.ID).figure(figure);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Pulse ÷ Flink as a judged ratio figure, or null when either side is missing. */
    private static Figure ratio(String name, Figure pulse, PeerFigure flink, double target) {
        if (pulse == null || flink == null || flink.passing() == null || flink.passing().median() <= 0) {
            return null;
        }
        return Figure.single(name, "ratio", pulse.median() / flink.passing().median())
                .withTarget(Figure.Target.atLeast(target, "same-run Flink exactly-once, DESIGN §13"));
    }

    private static String judged(Figure ratio) {
        return ratio == null ? "-" : BenchReport.format(ratio.median(), ratio.unit()) + (ratio.passes() ? " PASS" : " MISS");
    }

    private static String peerCell(PeerFigure f, String job) {
        String value = f == null || f.passing() == null ? "-" : BenchReport.format(f.passing().median(), "events/s");
        if (f != null && f.failedRuns() > 0) {
            value += " (" + f.failedRuns() + " " + job + " run" + (f.failedRuns() == 1 ? "" : "s") + " failed)";
        }
        return value;
    }

    private static String targets(Figure... ratios) {
        long pass = 0;
        long miss = 0;
        for (Figure r : ratios) {
            if (r != null) {
                if (r.passes()) {
                    pass++;
                } else {
                    miss++;
                }
            }
        }
        List<String> parts = new ArrayList<>();
        if (pass > 0) {
            parts.add(pass + " PASS");
        }
        if (miss > 0) {
            parts.add(miss + " MISS");
        }
        return parts.isEmpty() ? "-" : String.join(", ", parts);
    }
}
