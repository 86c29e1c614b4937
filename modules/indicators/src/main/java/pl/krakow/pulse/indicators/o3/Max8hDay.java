package pl.krakow.pulse.indicators.o3;

import java.nio.ByteBuffer;

/**
 * The hourly values one station-day's 8-hour running means need: the 7 hours before local midnight and the
 * day's own 23, 24 or 25 hours (slot {@code j} = the hour starting at {@code dayStart − 7 h + j h}).
 *
 * <p>The running mean ending at {@code dayStart + k h} (k = 1 … day length; Directive 2008/50/EC Annex VII: a
 * running mean belongs to the day in which it ends, the first one of a day covers 17:00–01:00) averages slots
 * {@code k−1 … k+6}; it is valid with at least {@code minHoursPerMean} of those 8 hours (6, 75 %). The day's value
 * is the maximum of its valid running means (null when none); observed = valid running means, expected = the
 * day's length in hours, valid iff observed ≥ {@code minMeansPerDay} (18). Not thread-safe.
 */
public final class Max8hDay {

    static final int LEAD_HOURS = Max8hDefinition.HOURS_PER_MEAN - 1;
    private static final long MILLIS_PER_HOUR = 3_600_000L;
    private static final byte FORMAT_VERSION = 1;

    /** The day's value: maximum 8-h mean, valid means, day length, validity. */
    public record Result(Double value, int observed, int expected, boolean valid) {
    }

    private final long dayStartMs;
    private final long dayEndMs;
    private final double[] values;
    private long presentMask;
    private long lastIngestedAtMs = Long.MIN_VALUE;
    private Result published;

    public Max8hDay(long dayStartMs, long dayEndMs) {
        this.dayStartMs = dayStartMs;
        this.dayEndMs = dayEndMs;
        this.values = new double[LEAD_HOURS + hours()];
    }

    public int hours() {
        return (int) ((dayEndMs - dayStartMs) / MILLIS_PER_HOUR);
    }

    /** Slot of the hour starting at {@code hourStartMs}, or −1 when it is not one this day needs. */
    public int slotOf(long hourStartMs) {
        long slot = Math.floorDiv(hourStartMs - (dayStartMs - LEAD_HOURS * MILLIS_PER_HOUR), MILLIS_PER_HOUR);
        return slot < 0 || slot >= values.length ? -1 : (int) slot;
    }

    /** Sets an hour's latest value; returns false when it equals the held one. */
    public boolean put(int slot, double valueUgM3, long ingestedAtMs) {
        if (ingestedAtMs > lastIngestedAtMs) {
            lastIngestedAtMs = ingestedAtMs;
        }
        long bit = 1L << slot;
        if ((presentMask & bit) != 0 && Double.compare(values[slot], valueUgM3) == 0) {
            return false;
        }
        presentMask |= bit;
        values[slot] = valueUgM3;
        return true;
    }

    /** True once the day has at least one hour of its own (the lead hours alone publish nothing). */
    public boolean hasOwnHour() {
        return (presentMask >>> LEAD_HOURS) != 0;
    }

    public Result result(int minHoursPerMean, int minMeansPerDay) {
        int n = hours();
        int validMeans = 0;
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 1; k <= n; k++) {
            int count = 0;
            double sum = 0;
            for (int j = k - 1; j <= k + LEAD_HOURS - 1; j++) {
                if ((presentMask & (1L << j)) != 0) {
                    count++;
                    sum += values[j];
                }
            }
            if (count >= minHoursPerMean) {
                validMeans++;
                max = Math.max(max, sum / count);
            }
        }
        return new Result(validMeans == 0 ? null : max, validMeans, n, validMeans >= minMeansPerDay);
    }

    public long dayStartMs() {
        return dayStartMs;
    }

    public long dayEndMs() {
        return dayEndMs;
    }

    public long lastIngestedAtMs() {
        return lastIngestedAtMs;
    }

    public Result published() {
        return published;
    }

    public void published(Result r) {
        this.published = r;
    }

    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(1 + 8 + 8 + 8 + 8 + 8 * values.length + 1 + 8 + 4 + 4 + 1);
        b.put(FORMAT_VERSION).putLong(dayStartMs).putLong(dayEndMs).putLong(lastIngestedAtMs).putLong(presentMask);
        for (double v : values) {
            b.putDouble(v);
        }
        b.put((byte) (published == null ? 0 : 1));
        Result p = published == null ? new Result(null, 0, 0, false) : published;
        b.putDouble(p.value() == null ? Double.NaN : p.value()).putInt(p.observed()).putInt(p.expected())
                .put((byte) (p.valid() ? 1 : 0));
        return b.array();
    }

    public static Max8hDay fromBytes(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (b.get() != FORMAT_VERSION) {
            throw new IllegalArgumentException("unknown Max8hDay format");
        }
        Max8hDay d = new Max8hDay(b.getLong(), b.getLong());
        d.lastIngestedAtMs = b.getLong();
        d.presentMask = b.getLong();
        for (int i = 0; i < d.values.length; i++) {
            d.values[i] = b.getDouble();
        }
        boolean has = b.get() == 1;
        double v = b.getDouble();
        int o = b.getInt();
        int e = b.getInt();
        boolean valid = b.get() == 1;
        if (has) {
            d.published = new Result(Double.isNaN(v) ? null : v, o, e, valid);
        }
        return d;
    }
}
