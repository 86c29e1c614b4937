package pl.krakow.pulse.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code BENCHMARKS.md} at the repository root: a header explaining every column and how to reproduce
 * a row, then one dated row per {@code pulse bench} run, appended, never rewritten — so the history of
 * the pipeline's performance stays next to its code.
 */
final class BenchmarksFile {

    static final String TABLE_HEADER = "| date (UTC) | HEAD | mode | cores | memory | Java | load start/end | raw rec/s | e2e ev/s "
            + "| e2e ÷ raw | p99 ms @1k/s | p99 ms @5k/s | p99 ms @20k/s | replay ev/s | replay ÷ raw | Flink-workload ev/s "
            + "| peak RSS MiB | heap after GC MiB | targets |";
    static final String TABLE_RULE = "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";

    static final String HEADER = """
            # Benchmarks

            One row per run of `./pulse bench` (appended by the command itself; the full report of each run is
            `bench-results/bench-<timestamp>.json`, not committed). Figures only compare between rows of the same
            machine class and load: see `modules/bench/README.md` for exactly what each figure measures.

            Reproduce: `./pulse bench` (full, about 4–8 minutes on 2 cores) or `./pulse bench --quick` (under a minute),
            on an otherwise idle machine (`uptime` load average below 1). Every figure is the median of 3 repetitions
            after one excluded warm-up run; the JSON has the min–max and every sample.

            | column | meaning |
            |---|---|
            | date (UTC) | when the run started |
            | HEAD | the commit checked out (`git rev-parse --short HEAD`; uncommitted changes are not shown) |
            | mode | `full`, `quick` or `custom` (sizes changed on the command line) |
            | cores, memory, Java | processors available to the JVM, physical memory, Java version |
            | load start/end | 1-minute load average when the run started and ended: above ~1 on 2 cores, other work skewed the figures |
            | raw rec/s | section 1: the broker alone, produce + consume concurrently, records of our serialized events' size and keys, acks=all, idempotent |
            | e2e ev/s | section 2: generated CSV → real parser, validation, Avro, produce → IV.3 topology (exactly-once) → visible in `indicators.iv3.v1` |
            | e2e ÷ raw | the two above, same run; target ≥ 0.5 (DESIGN §13) |
            | p99 ms @1k/s, @5k/s, @20k/s | section 3: event entering ingest (`ingestedAt`) → its indicator update read from the table, at a paced offered rate; targets ≤ 150 ms at 5 000/s, ≤ 300 ms at 20 000/s |
            | replay ev/s | section 4: all bundled data through `FileReplayer` at max speed until its last window is visible in the table |
            | replay ÷ raw | target ≥ 0.5 |
            | Flink-workload ev/s | section 5: N preloaded hourly PM10 events, fresh topology start → last window visible (start-up included); Flink 2.2 did 181 k/s exactly-once, 206 k/s without checkpoints (DESIGN §13) |
            | peak RSS MiB | section 6: `VmHWM` of the benchmark process (broker, registry, topology, ingest and readers in one JVM); target ≤ 1024 |
            | heap after GC MiB | heap in use after a full GC, taken while the latency section's topology still ran |
            | targets | PASS/MISS count of the targets above |

            """;

    private BenchmarksFile() {
    }

    /**
     * Adds the report's row as the last row of the results table, creating the file with its header first
     * if needed. Text the team wrote after the table (analysis, what changed) stays after it.
     */
    static void append(Path file, BenchReport report) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        String row = row(report);
        if (!Files.exists(file) || Files.size(file) == 0) {
            Files.writeString(file, HEADER + TABLE_HEADER + "\n" + TABLE_RULE + "\n" + row + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
            return;
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        int header = lines.indexOf(TABLE_HEADER);
        if (header < 0) {
            Files.writeString(file, row + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            return;
        }
        int end = header + 1;
        while (end < lines.size() && lines.get(end).startsWith("|")) {
            end++;
        }
        lines.add(end, row);
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    }

    static String row(BenchReport r) {
        MachineInfo m = r.machine();
        List<String> cells = new ArrayList<>();
        cells.add(date(r));
        cells.add(m.commit());
        cells.add(r.mode());
        cells.add(Integer.toString(m.cores()));
        cells.add(m.memoryBytes() > 0 ? String.format(Locale.ROOT, "%.1f GiB", m.memoryBytes() / 1073741824.0) : "?");
        cells.add(m.java().replaceAll(" \\(.*", ""));
        cells.add(String.format(Locale.ROOT, "%.2f / %.2f", m.loadAtStart(), m.loadAtEnd()));
        cells.add(value(r, "raw", "records/s"));
        cells.add(value(r, "end-to-end", "events/s"));
        cells.add(judged(r, "end-to-end", "end-to-end ÷ raw"));
        cells.add(value(r, "latency", "p99 @ 1,000/s"));
        cells.add(judged(r, "latency", "p99 @ 5,000/s"));
        cells.add(value(r, "latency", "p99 @ 20,000/s"));
        cells.add(value(r, "replay", "events/s"));
        cells.add(judged(r, "replay", "replay ÷ raw"));
        cells.add(judged(r, "flink-workload", "events/s"));
        cells.add(judged(r, "memory", "peak RSS"));
        cells.add(value(r, "memory", "heap after GC"));
        long pass = r.targets().stream().filter(e -> e.getValue().passes()).count();
        cells.add(pass + " PASS, " + (r.targets().size() - pass) + " MISS");
        return "| " + String.join(" | ", cells) + " |";
    }

    /** The run's start as the tables show it: {@code 2026-06-01 12:00:00}, UTC, no fraction. */
    static String date(BenchReport r) {
        return r.startedAt().replace('T', ' ').replaceAll("\\.\\d+Z$", "Z").replace("Z", "");
    }

    private static Figure find(BenchReport r, String section, String figure) {
        try {
            return r.section(section).figure(figure);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String value(BenchReport r, String section, String figure) {
        Figure f = find(r, section, figure);
        return f == null ? "-" : BenchReport.format(f.median(), f.unit());
    }

    private static String judged(BenchReport r, String section, String figure) {
        Figure f = find(r, section, figure);
        if (f == null) {
            return "-";
        }
        return BenchReport.format(f.median(), f.unit()) + (f.target() == null ? "" : f.passes() ? " PASS" : " MISS");
    }
}
