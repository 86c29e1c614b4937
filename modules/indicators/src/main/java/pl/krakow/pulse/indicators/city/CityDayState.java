package pl.krakow.pulse.indicators.city;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * One city window (e.g. a local day) of one indicator: the latest value of every station that reported it
 * ({@code station scope → {mean, valid, final}}), and what was last published for the city.
 *
 * <p>A station's value replaces its slot, so PROVISIONAL updates, corrections and the FINAL value of a
 * station never double count. Stations are kept sorted (deterministic output and bytes). Not thread-safe.
 */
public final class CityDayState {

    private static final byte FORMAT_VERSION = 1;
    private static final int FLAG_VALID = 1;
    private static final int FLAG_FINAL = 2;

    /** A station's latest value of the window; {@code mean} NaN when the station had none. */
    public record Station(double mean, boolean valid, boolean fin) {
    }

    /** The city value computed from the slots. */
    public record Snapshot(Double value, int observed, int expected, boolean valid, boolean allFinal) {
    }

    private final long windowStartMs;
    private final long windowEndMs;
    private final TreeMap<String, Station> stations = new TreeMap<>();
    private long lastIngestedAtMs = Long.MIN_VALUE;
    /** 0 while no FINAL city value was published, else the revision of the last one. */
    private int finalRevision;
    /** The last published snapshot (null: none yet). */
    private Snapshot published;

    public CityDayState(long windowStartMs, long windowEndMs) {
        this.windowStartMs = windowStartMs;
        this.windowEndMs = windowEndMs;
    }

    /** Stores a station's value; returns false when it equals the held one (nothing to do). */
    public boolean put(String stationScope, Double mean, boolean valid, boolean fin, long ingestedAtMs) {
        Station s = new Station(mean == null ? Double.NaN : mean, valid && mean != null, fin);
        if (ingestedAtMs > lastIngestedAtMs) {
            lastIngestedAtMs = ingestedAtMs;
        }
        Station old = stations.put(stationScope, s);
        return !s.equals(old);
    }

    /**
     * The city value: {@code aggregate} over the valid station means (null when none), observed = valid
     * stations, expected = stations reporting the window, valid iff ≥ 1 valid station, allFinal iff every
     * station's value is FINAL.
     */
    public Snapshot snapshot(CityAggregate aggregate) {
        int observed = 0;
        double acc = aggregate == CityAggregate.MAX ? Double.NEGATIVE_INFINITY : 0;
        boolean allFinal = true;
        for (Station s : stations.values()) {
            allFinal &= s.fin();
            if (!s.valid()) {
                continue;
            }
            observed++;
            acc = aggregate == CityAggregate.MAX ? Math.max(acc, s.mean()) : acc + s.mean();
        }
        Double value = observed == 0 ? null : aggregate == CityAggregate.MAX ? acc : acc / observed;
        return new Snapshot(value, observed, stations.size(), observed >= 1, allFinal && !stations.isEmpty());
    }

    public long windowStartMs() {
        return windowStartMs;
    }

    public long windowEndMs() {
        return windowEndMs;
    }

    public long lastIngestedAtMs() {
        return lastIngestedAtMs;
    }

    public int finalRevision() {
        return finalRevision;
    }

    public void finalRevision(int revision) {
        this.finalRevision = revision;
    }

    public Snapshot published() {
        return published;
    }

    public void published(Snapshot snapshot) {
        this.published = snapshot;
    }

    public Map<String, Station> stations() {
        return java.util.Collections.unmodifiableMap(stations);
    }

    public byte[] toBytes() {
        byte[][] names = new byte[stations.size()][];
        int size = 1 + 8 + 8 + 8 + 4 + 1 + 8 + 4 + 4 + 1 + 4;
        int i = 0;
        for (String name : stations.keySet()) {
            names[i] = name.getBytes(StandardCharsets.UTF_8);
            size += 2 + names[i].length + 8 + 1;
            i++;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(FORMAT_VERSION).putLong(windowStartMs).putLong(windowEndMs).putLong(lastIngestedAtMs).putInt(finalRevision);
        b.put((byte) (published == null ? 0 : 1));
        Snapshot p = published == null ? new Snapshot(null, 0, 0, false, false) : published;
        b.putDouble(p.value() == null ? Double.NaN : p.value()).putInt(p.observed()).putInt(p.expected())
                .put((byte) ((p.valid() ? FLAG_VALID : 0) | (p.allFinal() ? FLAG_FINAL : 0)));
        b.putInt(stations.size());
        i = 0;
        for (Station s : stations.values()) {
            b.putShort((short) names[i].length).put(names[i]).putDouble(s.mean())
                    .put((byte) ((s.valid() ? FLAG_VALID : 0) | (s.fin() ? FLAG_FINAL : 0)));
            i++;
        }
        return b.array();
    }

    public static CityDayState fromBytes(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte version = b.get();
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("unknown CityDayState format " + version);
        }
        CityDayState s = new CityDayState(b.getLong(), b.getLong());
        s.lastIngestedAtMs = b.getLong();
        s.finalRevision = b.getInt();
        boolean hasPublished = b.get() == 1;
        double pv = b.getDouble();
        int po = b.getInt();
        int pe = b.getInt();
        int pf = b.get();
        if (hasPublished) {
            s.published = new Snapshot(Double.isNaN(pv) ? null : pv, po, pe, (pf & FLAG_VALID) != 0, (pf & FLAG_FINAL) != 0);
        }
        int n = b.getInt();
        for (int i = 0; i < n; i++) {
            byte[] name = new byte[b.getShort()];
            b.get(name);
            double mean = b.getDouble();
            int flags = b.get();
            s.stations.put(new String(name, StandardCharsets.UTF_8),
                    new Station(mean, (flags & FLAG_VALID) != 0, (flags & FLAG_FINAL) != 0));
        }
        return s;
    }
}
