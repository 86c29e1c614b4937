package pl.krakow.pulse.indicators.daily;

import java.nio.ByteBuffer;
import pl.krakow.pulse.indicators.window.LocalDay;

/**
 * The hourly values of one station's local day and their daily mean (e.g. PM10 24-h mean, µg/m³).
 *
 * <p><b>Duplicates and corrections.</b> Values are keyed by the start instant of their averaging hour,
 * so the same hour is counted once however often it is delivered: a value equal to the stored one is a
 * {@link Outcome#DUPLICATE} and changes nothing; a different value for an hour already held is a
 * {@link Outcome#CORRECTED correction} and replaces it (the operator re-sent, e.g. verified, data).
 * An hour start that is not on the hour is attributed to the hour slot it falls in.
 *
 * <p><b>Validity</b> (EU 2024/2881 Annex V, 2008/50/EC Annex VII: a daily mean needs 75 % of the hourly
 * values, i.e. 18 of 24). The rule is applied as an absolute count on every day: the mean is
 * {@linkplain #valid() valid} iff at least {@code minValidHours} (18 for a minimum coverage of 0.75)
 * hourly values were observed, whether the local day has 23, 24 or 25 hours. Coverage is reported
 * against the day's real length, {@code observed / expected} with expected = 23, 24 or 25, so a
 * complete DST day shows coverage 1.0. (Taking 75 % of 23 or 25 instead would give 18 or 19 hours;
 * the legal text speaks of "18 of 24 hours", hence the absolute count.)
 *
 * <p><b>Mean.</b> Arithmetic mean of the observed hourly values, summed in hour order so the result is
 * deterministic. A value computed from too few hours is still reported, flagged invalid.
 *
 * <p>Not thread-safe; one instance per station-day, held in a state store in the compact binary form of
 * {@link #toBytes()} (at most 231 bytes).
 */
public final class DailyMeanAccumulator {

    /** EU rule: 18 hourly values (75 % of 24) make a valid daily mean. */
    public static final int EU_MIN_VALID_HOURS = 18;
    /** The longest local day (DST end) has 25 hours. */
    public static final int MAX_HOURS = 25;

    private static final long MILLIS_PER_HOUR = 3_600_000L;
    private static final byte FORMAT_VERSION = 1;
    private static final int HEADER_BYTES = 1 + 8 + 8 + 1 + 1 + 4 + 8;
    private static final int FLAG_PENDING = 1;

    /** What {@link #add} did with a value. */
    public enum Outcome {
        /** A value for an hour not seen before. */
        ADDED,
        /** A different value for an hour already held: replaced. */
        CORRECTED,
        /** The same value for an hour already held: ignored. */
        DUPLICATE
    }

    private final long dayStartMs;
    private final long dayEndMs;
    private final int expectedHours;
    private final int minValidHours;
    private final double[] valuesByHour;
    private int presentMask;
    private long lastIngestedAtMs;
    private boolean pendingEmission;

    /**
     * An empty accumulator for the day {@code [dayStartMs, dayEndMs)}.
     *
     * @param minValidHours hourly values needed for a valid mean (see {@link #minValidHours(double)})
     */
    public DailyMeanAccumulator(long dayStartMs, long dayEndMs, int minValidHours) {
        long hours = (dayEndMs - dayStartMs) / MILLIS_PER_HOUR;
        if (hours < 1 || hours > MAX_HOURS) {
            throw new IllegalArgumentException("a day of " + hours + " hours is not a local calendar day");
        }
        if (minValidHours < 0 || minValidHours > MAX_HOURS) {
            throw new IllegalArgumentException("minValidHours out of range: " + minValidHours);
        }
        this.dayStartMs = dayStartMs;
        this.dayEndMs = dayEndMs;
        this.expectedHours = (int) hours;
        this.minValidHours = minValidHours;
        this.valuesByHour = new double[expectedHours];
        this.lastIngestedAtMs = Long.MIN_VALUE;
    }

    public static DailyMeanAccumulator forDay(LocalDay day, int minValidHours) {
        return new DailyMeanAccumulator(day.startMs(), day.endMs(), minValidHours);
    }

    /**
     * Hourly values required for validity from a minimum coverage fraction, counted against a 24-hour
     * day: {@code ceil(minCoverage × 24)}, so 0.75 → 18.
     */
    public static int minValidHours(double minCoverage) {
        if (!(minCoverage >= 0 && minCoverage <= 1)) {
            throw new IllegalArgumentException("minCoverage must be within 0..1: " + minCoverage);
        }
        // The epsilon keeps 0.75 × 24 = 18.000000000000004-style float noise from rounding up to 19.
        return (int) Math.ceil(minCoverage * 24 - 1e-9);
    }

    /**
     * Adds the value of the hour starting at {@code hourStartMs}.
     *
     * @param hourStartMs  start of the averaging hour (epoch ms); must lie within the day
     * @param valueUgM3    the hourly mean
     * @param ingestedAtMs when the event carrying the value was ingested (epoch ms)
     * @throws IllegalArgumentException when the hour lies outside the day
     */
    public Outcome add(long hourStartMs, double valueUgM3, long ingestedAtMs) {
        if (hourStartMs < dayStartMs || hourStartMs >= dayEndMs) {
            throw new IllegalArgumentException("hour starting at " + hourStartMs + " ms is outside the day ["
                    + dayStartMs + ", " + dayEndMs + ")");
        }
        int hour = (int) ((hourStartMs - dayStartMs) / MILLIS_PER_HOUR);
        int bit = 1 << hour;
        Outcome outcome;
        if ((presentMask & bit) == 0) {
            outcome = Outcome.ADDED;
        } else if (Double.doubleToLongBits(valuesByHour[hour]) == Double.doubleToLongBits(valueUgM3)) {
            return Outcome.DUPLICATE;
        } else {
            outcome = Outcome.CORRECTED;
        }
        presentMask |= bit;
        valuesByHour[hour] = valueUgM3;
        if (ingestedAtMs > lastIngestedAtMs) {
            lastIngestedAtMs = ingestedAtMs;
        }
        return outcome;
    }

    public long dayStartMs() {
        return dayStartMs;
    }

    public long dayEndMs() {
        return dayEndMs;
    }

    /** Hourly values observed (each hour counted once). */
    public int observedCount() {
        return Integer.bitCount(presentMask);
    }

    /** Hours the local day has: 23, 24 or 25. */
    public int expectedCount() {
        return expectedHours;
    }

    public int minValidHours() {
        return minValidHours;
    }

    /** {@code observedCount / expectedCount}, 0..1. */
    public double coverage() {
        return (double) observedCount() / expectedHours;
    }

    /** True when at least {@link #minValidHours()} hourly values were observed. */
    public boolean valid() {
        return observedCount() >= minValidHours;
    }

    /** True when the hour starting at {@code hourStartMs} has a value. */
    public boolean hasHour(long hourStartMs) {
        if (hourStartMs < dayStartMs || hourStartMs >= dayEndMs) {
            return false;
        }
        return (presentMask & (1 << (int) ((hourStartMs - dayStartMs) / MILLIS_PER_HOUR))) != 0;
    }

    /** Mean of the observed hourly values, or {@code null} when there are none. */
    public Double mean() {
        int mask = presentMask;
        if (mask == 0) {
            return null;
        }
        double sum = 0;
        for (int h = 0; h < expectedHours; h++) {
            if ((mask & (1 << h)) != 0) {
                sum += valuesByHour[h];
            }
        }
        return sum / Integer.bitCount(mask);
    }

    /** End of the latest hour that has a value (epoch ms), or the day start when there is none. */
    public long latestHourEndMs() {
        return dayStartMs + (32 - Integer.numberOfLeadingZeros(presentMask)) * MILLIS_PER_HOUR;
    }

    /**
     * True when the mean changed since it was last published. Only used when emissions are coalesced;
     * kept in the stored form so a change committed but not yet published survives a restart.
     */
    public boolean pendingEmission() {
        return pendingEmission;
    }

    public void pendingEmission(boolean pending) {
        this.pendingEmission = pending;
    }

    /** Newest ingestion time of the values added or corrected, epoch ms; {@link Long#MIN_VALUE} when none. */
    public long lastIngestedAtMs() {
        return lastIngestedAtMs;
    }

    /**
     * Compact binary form: version, day start/end, min valid hours, flags, presence bit mask, last
     * ingestion time, then the present values in hour order (31 + 8 × observed bytes, big-endian).
     */
    public byte[] toBytes() {
        int n = observedCount();
        ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES + 8 * n);
        buf.put(FORMAT_VERSION).putLong(dayStartMs).putLong(dayEndMs).put((byte) minValidHours)
                .put((byte) (pendingEmission ? FLAG_PENDING : 0)).putInt(presentMask).putLong(lastIngestedAtMs);
        for (int h = 0; h < expectedHours; h++) {
            if ((presentMask & (1 << h)) != 0) {
                buf.putDouble(valuesByHour[h]);
            }
        }
        return buf.array();
    }

    /** Reads the form written by {@link #toBytes()}. */
    public static DailyMeanAccumulator fromBytes(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        byte version = buf.get();
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("unknown daily-mean state format " + version);
        }
        long start = buf.getLong();
        long end = buf.getLong();
        int minValid = buf.get();
        DailyMeanAccumulator acc = new DailyMeanAccumulator(start, end, minValid);
        acc.pendingEmission = (buf.get() & FLAG_PENDING) != 0;
        int mask = buf.getInt();
        if ((mask >>> acc.expectedHours) != 0) {
            throw new IllegalArgumentException("daily-mean state has hours beyond the day's " + acc.expectedHours);
        }
        acc.presentMask = mask;
        acc.lastIngestedAtMs = buf.getLong();
        for (int h = 0; h < acc.expectedHours; h++) {
            if ((mask & (1 << h)) != 0) {
                acc.valuesByHour[h] = buf.getDouble();
            }
        }
        return acc;
    }

    @Override
    public String toString() {
        return "DailyMeanAccumulator[" + observedCount() + "/" + expectedHours + " h, mean " + mean() + "]";
    }
}
