package pl.krakow.pulse.indicators.hours;

import java.nio.ByteBuffer;
import java.util.BitSet;

/**
 * One station's calendar year of hourly values, reduced to two bit sets over the year's hours (index = elapsed
 * hours since local 1 January 00:00, so DST days need no special case): hours with a value, and hours whose
 * latest value is above the threshold. A corrected hour overwrites its bit, so it is recounted, never double
 * counted. At most ~2.2 kB stored (8 784 hours × 2 bits).
 */
public final class HourYearState {

    private static final byte FORMAT_VERSION = 1;

    private final long yearStartMs;
    private final long yearEndMs;
    private final BitSet observed;
    private final BitSet above;
    private long lastIngestedAtMs = Long.MIN_VALUE;

    public HourYearState(long yearStartMs, long yearEndMs) {
        this(yearStartMs, yearEndMs, new BitSet(), new BitSet());
    }

    private HourYearState(long yearStartMs, long yearEndMs, BitSet observed, BitSet above) {
        this.yearStartMs = yearStartMs;
        this.yearEndMs = yearEndMs;
        this.observed = observed;
        this.above = above;
    }

    /** Records hour {@code index}'s latest value; returns true when the counts changed. */
    public boolean put(int hourIndex, boolean isAbove, long ingestedAtMs) {
        if (ingestedAtMs > lastIngestedAtMs) {
            lastIngestedAtMs = ingestedAtMs;
        }
        boolean changed = !observed.get(hourIndex) || above.get(hourIndex) != isAbove;
        observed.set(hourIndex);
        above.set(hourIndex, isAbove);
        return changed;
    }

    public int hoursAbove() {
        return above.cardinality();
    }

    public int hoursObserved() {
        return observed.cardinality();
    }

    /** Hours from 1 January 00:00 through the latest hour with a value. */
    public int hoursElapsed() {
        return observed.length();
    }

    public long yearStartMs() {
        return yearStartMs;
    }

    public long yearEndMs() {
        return yearEndMs;
    }

    public long lastIngestedAtMs() {
        return lastIngestedAtMs;
    }

    public byte[] toBytes() {
        byte[] o = observed.toByteArray();
        byte[] a = above.toByteArray();
        return ByteBuffer.allocate(1 + 8 + 8 + 8 + 4 + o.length + 4 + a.length).put(FORMAT_VERSION).putLong(yearStartMs)
                .putLong(yearEndMs).putLong(lastIngestedAtMs).putInt(o.length).put(o).putInt(a.length).put(a).array();
    }

    public static HourYearState fromBytes(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (b.get() != FORMAT_VERSION) {
            throw new IllegalArgumentException("unknown HourYearState format");
        }
        long start = b.getLong();
        long end = b.getLong();
        long ingested = b.getLong();
        byte[] o = new byte[b.getInt()];
        b.get(o);
        byte[] a = new byte[b.getInt()];
        b.get(a);
        HourYearState s = new HourYearState(start, end, BitSet.valueOf(o), BitSet.valueOf(a));
        s.lastIngestedAtMs = ingested;
        return s;
    }
}
