package pl.krakow.pulse.indicators.iv5;

/** Rates per 100 000 residents (ISO 37120 convention for city safety indicators). */
public final class Rates {

    private Rates() {
    }

    /** {@code count ÷ residents × 100 000}. */
    public static double per100k(long count, long residents) {
        if (residents <= 0) {
            throw new IllegalArgumentException("residents must be positive: " + residents);
        }
        return count * 100_000.0 / residents;
    }
}
