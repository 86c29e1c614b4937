package pl.krakow.pulse.indicators.aqi;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import pl.krakow.pulse.events.environment.Pollutant;

/**
 * A catalog indicator of kind {@code aqi_class}: per station and hour, the air-quality index class = the worst
 * (highest) sub-index over the pollutants with bands that have one for that hour, 0 when none has.
 *
 * <p>Per pollutant the bands are the ascending upper bounds (µg/m³, inclusive) of classes 1..n; a value above the
 * last bound is class n+1. A pollutant's bands apply to its hourly value of that hour, or, with an averaging period
 * of n hours ({@code averaging: {PM10: PT24H}}), to the running mean of its hourly values in the n hours ending with
 * that hour (elapsed hours, so a mean spans 24 real hours across a DST change too). A running mean needs at least
 * {@code ceil(minCoverage × n)} of them (default 0.75: 18 of 24), otherwise that pollutant has no sub-index.
 */
public record AqiClassDefinition(String indicatorId, String goal, String unit, Map<Pollutant, double[]> bands,
                                 Map<Pollutant, Integer> averagingHours, double minCoverage, Duration grace) {

    public static final String KIND = "aqi_class";
    /** Longest running mean: bounds the hours a station's state keeps (and the store reads per record). */
    static final int MAX_AVERAGING_HOURS = 24;

    public AqiClassDefinition {
        Objects.requireNonNull(indicatorId, "indicatorId");
        Objects.requireNonNull(goal, "goal");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(grace, "grace");
        if (bands == null || bands.isEmpty()) {
            throw new IllegalArgumentException(indicatorId + ": an " + KIND + " indicator needs bands");
        }
        for (Map.Entry<Pollutant, double[]> e : bands.entrySet()) {
            double[] b = e.getValue();
            for (int i = 0; i < b.length; i++) {
                if (!Double.isFinite(b[i]) || (i > 0 && b[i] <= b[i - 1])) {
                    throw new IllegalArgumentException(indicatorId + ": bands of " + e.getKey()
                            + " must be finite and strictly ascending");
                }
            }
        }
        averagingHours = averagingHours == null ? Map.of() : Map.copyOf(averagingHours);
        for (Map.Entry<Pollutant, Integer> e : averagingHours.entrySet()) {
            if (!bands.containsKey(e.getKey())) {
                throw new IllegalArgumentException(indicatorId + ": averaging for " + e.getKey() + ", which has no bands");
            }
            if (e.getValue() < 1 || e.getValue() > MAX_AVERAGING_HOURS) {
                throw new IllegalArgumentException(indicatorId + ": averaging of " + e.getKey()
                        + " must be whole hours from PT1H to PT" + MAX_AVERAGING_HOURS + "H");
            }
        }
        if (!(minCoverage > 0 && minCoverage <= 1)) {
            throw new IllegalArgumentException(indicatorId + ": minCoverage must be in (0, 1]");
        }
    }

    /** Hourly values for every pollutant, 75 % coverage for running means (none configured). */
    public AqiClassDefinition(String indicatorId, String goal, String unit, Map<Pollutant, double[]> bands, Duration grace) {
        this(indicatorId, goal, unit, bands, Map.of(), 0.75, grace);
    }

    /** The class of one pollutant's value (hourly or averaged, µg/m³): 1 + the number of upper bounds it exceeds. */
    public int classOf(Pollutant pollutant, double valueUgM3) {
        double[] b = bands.get(pollutant);
        int c = 1;
        while (c <= b.length && valueUgM3 > b[c - 1]) {
            c++;
        }
        return c;
    }

    /** Hours of the pollutant's running mean; 1 = its hourly value. */
    public int averagingHours(Pollutant pollutant) {
        return averagingHours.getOrDefault(pollutant, 1);
    }

    /** Hourly values a pollutant's running mean needs: {@code ceil(minCoverage × hours)}; 1 for hourly values. */
    public int requiredHours(Pollutant pollutant) {
        int hours = averagingHours(pollutant);
        // The epsilon keeps 0.75 × 24 at 18 whatever the binary rounding of the product.
        return Math.max(1, (int) Math.ceil(minCoverage * hours - 1e-9));
    }

    /** The longest averaging period over the pollutants, in hours (1 when every pollutant is hourly). */
    public int maxAveragingHours() {
        return averagingHours.values().stream().mapToInt(Integer::intValue).max().orElse(1);
    }

    /**
     * The class of the hour at {@code index} of {@code window}: consecutive hours of one station, oldest first,
     * {@code null} where the station has no stored hour. Hourly pollutants read that hour only; a running mean reads
     * the {@link #averagingHours} hours ending with it (hours before the window's start count as missing).
     */
    AqiClass classAt(AqiHour[] window, int index) {
        int worst = 0;
        int pollutants = 0;
        AqiHour hour = window[index];
        for (Pollutant p : bands.keySet()) {
            int hours = averagingHours(p);
            double valueUgM3;
            if (hours == 1) {
                Double v = hour == null ? null : hour.values.get(p);
                if (v == null) {
                    continue;
                }
                valueUgM3 = v;
            } else {
                double sum = 0;
                int count = 0;
                for (int i = Math.max(0, index - hours + 1); i <= index; i++) { // oldest first
                    Double v = window[i] == null ? null : window[i].values.get(p);
                    if (v != null) {
                        sum += v;
                        count++;
                    }
                }
                if (count < requiredHours(p)) {
                    continue;
                }
                valueUgM3 = sum / count;
            }
            worst = Math.max(worst, classOf(p, valueUgM3));
            pollutants++;
        }
        return new AqiClass(worst, pollutants);
    }

    /** An hour's class (0 = no pollutant has a sub-index) and the number of pollutants that have one. */
    record AqiClass(int value, int pollutants) {
    }

    /** {@code iv3.aqi.class} → {@code iv3-aqi-class}. */
    public String namePrefix() {
        return indicatorId.toLowerCase(Locale.ROOT).replace('.', '-').replace('_', '-');
    }

    public String processorName() {
        return namePrefix() + "-processor";
    }

    public String sinkName() {
        return namePrefix() + "-indicator-sink";
    }

    public String storeName() {
        return namePrefix() + "-by-hour-and-station";
    }

    public String punctuatorName() {
        return namePrefix() + "-finaliser";
    }
}
