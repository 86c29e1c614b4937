package pl.krakow.pulse.indicators.ytd;

import java.nio.ByteBuffer;

/**
 * The daily means of one station's calendar year so far, one slot per local day: {@code day → {mean, valid}}.
 * Year-to-date values are always recomputed from these slots (never counted up), so a PROVISIONAL update
 * of a day, a correction or the day's FINAL value replaces that day's slot and cannot double count.
 *
 * <p>Not thread-safe. Stored in the compact form of {@link #toBytes()}: a header, two 366-bit masks (days
 * present, days valid) and the present days' means in day order (at most 131 + 8 × 366 bytes).
 */
public final class YearState {

    public static final int MAX_DAYS = 366;

    private static final byte FORMAT_VERSION = 1;
    private static final int WORDS = (MAX_DAYS + 63) / 64;

    private final long yearStartMs;
    private final long yearEndMs;
    private final int daysInYear;
    private final long[] present = new long[WORDS];
    private final long[] valid = new long[WORDS];
    private final double[] means;
    private long lastIngestedAtMs = Long.MIN_VALUE;

    public YearState(long yearStartMs, long yearEndMs, int daysInYear) {
        if (daysInYear < 1 || daysInYear > MAX_DAYS) {
            throw new IllegalArgumentException("a year of " + daysInYear + " days");
        }
        this.yearStartMs = yearStartMs;
        this.yearEndMs = yearEndMs;
        this.daysInYear = daysInYear;
        this.means = new double[daysInYear];
    }

    /**
     * Sets day {@code dayIndex} (0 = 1 January) to a daily mean; returns true when the day's mean or validity
     * changed (a new day, a revised mean, a day becoming valid or invalid).
     */
    public boolean put(int dayIndex, double meanUgM3, boolean dayValid, long ingestedAtMs) {
        if (dayIndex < 0 || dayIndex >= daysInYear) {
            throw new IllegalArgumentException("day " + dayIndex + " outside a year of " + daysInYear + " days");
        }
        if (ingestedAtMs > lastIngestedAtMs) {
            lastIngestedAtMs = ingestedAtMs;
        }
        int w = dayIndex >>> 6;
        long bit = 1L << dayIndex;
        boolean wasPresent = (present[w] & bit) != 0;
        boolean wasValid = (valid[w] & bit) != 0;
        if (wasPresent && wasValid == dayValid
                && Double.doubleToLongBits(means[dayIndex]) == Double.doubleToLongBits(meanUgM3)) {
            return false;
        }
        present[w] |= bit;
        valid[w] = dayValid ? valid[w] | bit : valid[w] & ~bit;
        means[dayIndex] = meanUgM3;
        return true;
    }

    /** Days from 1 January through the latest day with a daily mean (0 when there is none). */
    public int daysElapsed() {
        for (int w = WORDS - 1; w >= 0; w--) {
            if (present[w] != 0) {
                return w * 64 + 64 - Long.numberOfLeadingZeros(present[w]);
            }
        }
        return 0;
    }

    public int validDays() {
        int n = 0;
        for (long word : valid) {
            n += Long.bitCount(word);
        }
        return n;
    }

    /** Sum of the valid daily means, added in day order (deterministic). */
    public double validMeanSum() {
        double sum = 0;
        for (int d = 0; d < daysInYear; d++) {
            if ((valid[d >>> 6] & (1L << d)) != 0) {
                sum += means[d];
            }
        }
        return sum;
    }

    /** Valid days whose mean is strictly above the threshold. */
    public int validDaysAbove(double thresholdUgM3) {
        int n = 0;
        for (int d = 0; d < daysInYear; d++) {
            if ((valid[d >>> 6] & (1L << d)) != 0 && means[d] > thresholdUgM3) {
                n++;
            }
        }
        return n;
    }

    public long yearStartMs() {
        return yearStartMs;
    }

    public long yearEndMs() {
        return yearEndMs;
    }

    public int daysInYear() {
        return daysInYear;
    }

    /** Newest ingestion time among the daily values applied, epoch ms; {@link Long#MIN_VALUE} when none. */
    public long lastIngestedAtMs() {
        return lastIngestedAtMs;
    }

    public byte[] toBytes() {
        int n = 0;
        for (long word : present) {
            n += Long.bitCount(word);
        }
        ByteBuffer buf = ByteBuffer.allocate(1 + 8 + 8 + 2 + 8 + 16 * WORDS + 8 * n);
        buf.put(FORMAT_VERSION).putLong(yearStartMs).putLong(yearEndMs).putShort((short) daysInYear).putLong(lastIngestedAtMs);
        for (int w = 0; w < WORDS; w++) {
            buf.putLong(present[w]).putLong(valid[w]);
        }
        for (int d = 0; d < daysInYear; d++) {
            if ((present[d >>> 6] & (1L << d)) != 0) {
                buf.putDouble(means[d]);
            }
        }
        return buf.array();
    }

    public static YearState fromBytes(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        byte version = buf.get();
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("unknown year-to-date state format " + version);
        }
        YearState s = new YearState(buf.getLong(), buf.getLong(), buf.getShort());
        s.lastIngestedAtMs = buf.getLong();
        for (int w = 0; w < WORDS; w++) {
            s.present[w] = buf.getLong();
            s.valid[w] = buf.getLong();
        }
        for (int d = 0; d < s.daysInYear; d++) {
            if ((s.present[d >>> 6] & (1L << d)) != 0) {
                s.means[d] = buf.getDouble();
            }
        }
        return s;
    }
}
