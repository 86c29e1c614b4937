package pl.krakow.pulse.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One reported number: the median of its repetitions with their minimum and maximum (a single
 * measurement has median = min = max), its unit, and the target it is judged against, if any.
 *
 * @param name    what it is, e.g. {@code events/s}
 * @param unit    unit of the values, e.g. {@code events/s}, {@code ms}, {@code MiB}, {@code ratio}
 * @param samples the value of each measured repetition (warm-up excluded), in run order
 * @param median  median of the samples (the mean of the middle two for an even count)
 * @param min     smallest sample
 * @param max     largest sample
 * @param target  the target, or null
 */
public record Figure(String name, String unit, List<Double> samples, double median, double min, double max, Target target) {

    public Figure {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unit, "unit");
        samples = List.copyOf(samples);
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("a figure needs at least one sample: " + name);
        }
    }

    /** A figure from its samples. */
    public static Figure of(String name, String unit, List<Double> samples) {
        List<Double> sorted = new ArrayList<>(samples);
        sorted.sort(Double::compare);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Figure(name, unit, samples, median, sorted.get(0), sorted.get(n - 1), null);
    }

    /** A figure measured once. */
    public static Figure single(String name, String unit, double value) {
        return of(name, unit, List.of(value));
    }

    public Figure withTarget(Target t) {
        return new Figure(name, unit, samples, median, min, max, t);
    }

    /** True when the figure meets its target (and false when it has none). */
    public boolean passes() {
        return target != null && target.isMetBy(median);
    }

    /**
     * A target a figure's median is judged against (DESIGN §13): never lowered, only reported.
     *
     * @param atLeast true for "≥ limit", false for "≤ limit"
     * @param limit   the limit, in the figure's unit
     * @param source  where the target comes from
     */
    public record Target(boolean atLeast, double limit, String source) {
        public static Target atLeast(double limit, String source) {
            return new Target(true, limit, source);
        }

        public static Target atMost(double limit, String source) {
            return new Target(false, limit, source);
        }

        public boolean isMetBy(double value) {
            return atLeast ? value >= limit : value <= limit;
        }
    }
}
