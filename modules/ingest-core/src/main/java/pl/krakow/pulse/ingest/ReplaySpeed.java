package pl.krakow.pulse.ingest;

import java.util.Locale;

/**
 * How fast a replay plays: {@link #MAX} (as fast as the broker takes it) or {@code factor}× real
 * time, i.e. the wall-clock gap between two events is their event-time gap divided by the factor
 * (3600 plays one hour of data per second). Same syntax as the {@code replay.speed} setting and the
 * CLI's {@code --speed}: {@code max}, {@code 60}, {@code 60x}.
 *
 * @param factor the speed-up, {@link Double#POSITIVE_INFINITY} for {@link #MAX}
 */
public record ReplaySpeed(double factor) {

    public static final ReplaySpeed MAX = new ReplaySpeed(Double.POSITIVE_INFINITY);

    public ReplaySpeed {
        if (!(factor > 0)) {
            throw new IllegalArgumentException("replay speed must be > 0: " + factor);
        }
    }

    /** {@code factor}× real time. */
    public static ReplaySpeed times(double factor) {
        return new ReplaySpeed(factor);
    }

    /** Parses {@code max}, {@code N} or {@code Nx} (N > 0, decimal point allowed). */
    public static ReplaySpeed parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("max")) {
            return MAX;
        }
        if (t.endsWith("x") || t.endsWith("×")) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            double f = Double.parseDouble(t);
            if (!(f > 0) || Double.isInfinite(f)) {
                throw new IllegalArgumentException("replay speed must be max or a positive number: '" + text + "'");
            }
            return new ReplaySpeed(f);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("replay speed must be max or a positive number: '" + text + "'", e);
        }
    }

    public boolean isMax() {
        return Double.isInfinite(factor);
    }

    @Override
    public String toString() {
        if (isMax()) {
            return "max";
        }
        return (factor == Math.rint(factor) ? Long.toString((long) factor) : Double.toString(factor)) + "x";
    }
}
