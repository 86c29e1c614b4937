package pl.krakow.pulse.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The result of one {@code pulse bench} run: where and how it ran, and its sections in order. Rendered
 * as the table {@code pulse bench} prints ({@link #table()}), as JSON ({@link #toJson()}, the file under
 * {@code bench-results/}) and as one row of {@code BENCHMARKS.md} ({@link BenchmarksFile}).
 *
 * @param startedAt       ISO-8601 UTC start of the run
 * @param mode            {@code full}, {@code quick} or {@code custom}
 * @param durationSeconds wall-clock time of the whole run, platform start-up included
 * @param machine         the machine and JVM
 * @param settings        platform and Streams settings that bound the figures (guarantee, commit interval, ...)
 * @param repetitions     measured repetitions per figure
 * @param warmup          how the figures were warmed up, e.g. {@code one warm-up run per section, excluded}
 * @param sections        the sections, in report order
 */
public record BenchReport(String startedAt, String mode, double durationSeconds, MachineInfo machine, Map<String, Object> settings,
                          int repetitions, String warmup, List<Section> sections) {

    public BenchReport {
        Objects.requireNonNull(startedAt, "startedAt");
        sections = List.copyOf(sections);
        settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
    }

    public Section section(String id) {
        return sections.stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no section " + id));
    }

    /** Every figure that has a target, with its section. */
    public List<Map.Entry<Section, Figure>> targets() {
        List<Map.Entry<Section, Figure>> out = new ArrayList<>();
        for (Section s : sections) {
            for (Figure f : s.figures()) {
                if (f.target() != null) {
                    out.add(Map.entry(s, f));
                }
            }
        }
        return out;
    }

    public String toJson() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static BenchReport fromJson(String json) {
        try {
            return new ObjectMapper().readValue(json, BenchReport.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one table {@code pulse bench} prints. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Kraków Pulse benchmark — %s run — %s — %.0f s%n", mode, startedAt, durationSeconds));
        sb.append("machine : ").append(machine.describe()).append('\n');
        sb.append("settings: ").append(describeSettings()).append('\n');
        sb.append(String.format(Locale.ROOT, "figures : median of %d repetition%s [min – max]; %s%n", repetitions,
                repetitions == 1 ? "" : "s", warmup));
        String fmt = "%-28s %-30s %14s   %-27s %-24s%n";
        sb.append(String.format(Locale.ROOT, fmt, "section", "figure", "median", "min – max", "target"));
        sb.append("-".repeat(128)).append('\n');
        int n = 0;
        for (Section s : sections) {
            n++;
            boolean first = true;
            for (Figure f : s.figures()) {
                String label = first ? n + " " + s.title() : "";
                first = false;
                String range = f.samples().size() > 1 ? format(f.min(), f.unit()) + " – " + format(f.max(), f.unit()) : "";
                String target = "";
                if (f.target() != null) {
                    target = (f.target().atLeast() ? "≥ " : "≤ ") + format(f.target().limit(), f.unit()) + "  "
                            + (f.passes() ? "PASS" : "MISS");
                }
                sb.append(String.format(Locale.ROOT, fmt, label, f.name() + " (" + f.unit() + ")", format(f.median(), f.unit()),
                        range, target));
            }
        }
        sb.append("-".repeat(128)).append('\n');
        List<Map.Entry<Section, Figure>> t = targets();
        long pass = t.stream().filter(e -> e.getValue().passes()).count();
        sb.append(String.format(Locale.ROOT, "targets : %d PASS, %d MISS", pass, t.size() - pass));
        t.stream().filter(e -> !e.getValue().passes()).forEach(e -> sb.append(" | MISS ").append(e.getKey().title()).append(": ")
                .append(e.getValue().name()));
        sb.append('\n');
        for (Section s : sections) {
            for (String note : s.notes()) {
                sb.append("note (").append(s.title()).append("): ").append(note).append('\n');
            }
        }
        return sb.toString();
    }

    String describeSettings() {
        List<String> parts = new ArrayList<>();
        settings.forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(", ", parts);
    }

    /** A value in its unit's usual precision: counts with thousands separators, ratios to 2 decimals. */
    static String format(double v, String unit) {
        return switch (unit) {
            case "ratio" -> String.format(Locale.ROOT, "%.2f", v);
            case "s" -> String.format(Locale.ROOT, "%.2f", v);
            case "entries" -> String.format(Locale.ROOT, "%.1f", v);
            case "ms", "MiB" -> String.format(Locale.ROOT, "%,.0f", v);
            default -> String.format(Locale.ROOT, "%,.0f", v);
        };
    }
}
