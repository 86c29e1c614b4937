package pl.krakow.pulse.ingest;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import pl.krakow.pulse.events.environment.Pollutant;

/**
 * Physically plausible concentration ranges per pollutant, in µg/m³ (the schema's unit), both
 * bounds inclusive. A value outside is an instrument or transmission fault, not a smog episode:
 * Kraków's worst recorded hourly PM10 means are a few hundred µg/m³, so the 2000 µg/m³ ceiling
 * (DESIGN §8) leaves a wide margin. NaN and infinities are {@link ReasonCode#NOT_A_NUMBER}, values
 * below the lower bound (negative) or above the upper bound {@link ReasonCode#OUT_OF_RANGE}.
 * Immutable and thread-safe.
 */
public final class PhysicalRanges {

    /** Inclusive bounds in µg/m³. */
    public record Range(double minUgM3, double maxUgM3) {
        public Range {
            if (!(minUgM3 <= maxUgM3)) {
                throw new IllegalArgumentException("min must be <= max: " + minUgM3 + " > " + maxUgM3);
            }
        }

        public boolean contains(double ugM3) {
            return ugM3 >= minUgM3 && ugM3 <= maxUgM3;
        }
    }

    private static final PhysicalRanges DEFAULTS;

    static {
        Map<Pollutant, Range> m = new EnumMap<>(Pollutant.class);
        m.put(Pollutant.PM10, new Range(0, 2000));
        m.put(Pollutant.PM25, new Range(0, 2000));
        m.put(Pollutant.NO2, new Range(0, 2000));
        m.put(Pollutant.O3, new Range(0, 1000));
        // Not given in DESIGN; ceilings an order of magnitude above the EU alert thresholds
        // (SO2 500 µg/m³, CO 10 mg/m³ as an 8-h mean, benzene 5 µg/m³ as a yearly mean).
        m.put(Pollutant.SO2, new Range(0, 5000));
        m.put(Pollutant.CO, new Range(0, 100_000));
        m.put(Pollutant.C6H6, new Range(0, 1000));
        m.put(Pollutant.OTHER, new Range(0, Double.MAX_VALUE));
        DEFAULTS = new PhysicalRanges(m);
    }

    private final Map<Pollutant, Range> ranges;

    private PhysicalRanges(Map<Pollutant, Range> ranges) {
        this.ranges = ranges;
    }

    /** PM10, PM2.5, NO2 0–2000; O3 0–1000; SO2 0–5000; CO 0–100 000; C6H6 0–1000; OTHER ≥ 0. */
    public static PhysicalRanges defaults() {
        return DEFAULTS;
    }

    /** A copy with {@code pollutant}'s range replaced. */
    public PhysicalRanges with(Pollutant pollutant, double minUgM3, double maxUgM3) {
        Map<Pollutant, Range> m = new EnumMap<>(ranges);
        m.put(pollutant, new Range(minUgM3, maxUgM3));
        return new PhysicalRanges(m);
    }

    public Range rangeOf(Pollutant pollutant) {
        return ranges.get(pollutant);
    }

    public Optional<Violation> check(Pollutant pollutant, double concentrationUgM3) {
        if (Double.isNaN(concentrationUgM3) || Double.isInfinite(concentrationUgM3)) {
            return Optional.of(new Violation(ReasonCode.NOT_A_NUMBER,
                    pollutant + " concentration is " + concentrationUgM3 + ", not a finite number"));
        }
        Range r = ranges.get(pollutant);
        if (!r.contains(concentrationUgM3)) {
            return Optional.of(new Violation(ReasonCode.OUT_OF_RANGE, String.format(Locale.ROOT,
                    "%s concentration %s µg/m³ is outside the plausible range %s–%s µg/m³", pollutant,
                    plain(concentrationUgM3), plain(r.minUgM3()), plain(r.maxUgM3()))));
        }
        return Optional.empty();
    }

    private static String plain(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
