package pl.krakow.pulse.indicators.iv5;

import com.tdunning.math.stats.MergingDigest;
import com.tdunning.math.stats.TDigest;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import pl.krakow.pulse.events.safety.Incident;
import pl.krakow.pulse.events.safety.IncidentCategory;

/**
 * What one area scope ({@code district:<n>}, {@code city:<id>}, {@code region:<id>}) saw on one local day: incidents per
 * category, injury road accidents, road deaths, and t-digest sketches (compression {@value #COMPRESSION}) of
 * response minutes (arrival − report) and handling minutes (closing − registration). Every IV.5 window is a
 * sum or a digest merge of its days' buckets, so a late incident changes one bucket and every window that
 * covers it is recomputed exactly — nothing is double counted. Mutable, not thread-safe.
 */
final class DayBucket {

    static final double COMPRESSION = 100;
    /** 2 added {@link #simulatedIncidents}; format 1 buckets read with none. */
    private static final int FORMAT = 2;
    /** Feed name that marks generated demo incidents (the Kraków simulator). */
    static final String SIMULATED_FEED = "simulated";

    final int[] countsByCategory = new int[IncidentCategory.values().length];
    int injuryAccidents;
    int roadDeaths;
    long lastIngestedAtMs = Long.MIN_VALUE;
    /** Incidents from a simulated feed: a window with any is published marked simulated. */
    int simulatedIncidents;
    TDigest responseMinutes;
    TDigest handlingMinutes;

    static boolean isRoad(IncidentCategory c) {
        return c == IncidentCategory.ROAD_ACCIDENT || c == IncidentCategory.ROAD_COLLISION;
    }

    void add(Incident i) {
        countsByCategory[i.getCategory().ordinal()]++;
        if (SIMULATED_FEED.equals(i.getFeed())) {
            simulatedIncidents++;
        }
        if (isRoad(i.getCategory())) {
            if (i.getInjured() + i.getKilled() > 0) {
                injuryAccidents++;
            }
            roadDeaths += i.getKilled();
        }
        if (i.getArrivedAt() != null) {
            responseMinutes = addTo(responseMinutes, minutes(i.getReportedAt().toEpochMilli(), i.getArrivedAt().toEpochMilli()));
        }
        if (i.getClosedAt() != null) {
            handlingMinutes = addTo(handlingMinutes, minutes(i.getReportedAt().toEpochMilli(), i.getClosedAt().toEpochMilli()));
        }
        if (i.getIngestedAt() != null) {
            lastIngestedAtMs = Math.max(lastIngestedAtMs, i.getIngestedAt().toEpochMilli());
        }
    }

    int total() {
        int n = 0;
        for (int c : countsByCategory) {
            n += c;
        }
        return n;
    }

    private static double minutes(long fromMs, long toMs) {
        return (toMs - fromMs) / 60_000.0;
    }

    private static TDigest addTo(TDigest d, double x) {
        TDigest out = d == null ? new MergingDigest(COMPRESSION) : d;
        out.add(x);
        return out;
    }

    static final class BucketSerde implements Serde<DayBucket> {
        @Override
        public Serializer<DayBucket> serializer() {
            return (topic, b) -> b == null ? null : write(b);
        }

        @Override
        public Deserializer<DayBucket> deserializer() {
            return (topic, bytes) -> bytes == null ? null : read(bytes);
        }
    }

    static Serde<DayBucket> serde() {
        return Serdes.serdeFrom(new BucketSerde().serializer(), new BucketSerde().deserializer());
    }

    static byte[] write(DayBucket b) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT);
            out.writeByte(b.countsByCategory.length);
            for (int c : b.countsByCategory) {
                out.writeInt(c);
            }
            out.writeInt(b.injuryAccidents);
            out.writeInt(b.roadDeaths);
            out.writeLong(b.lastIngestedAtMs);
            writeDigest(out, b.responseMinutes);
            writeDigest(out, b.handlingMinutes);
            out.writeInt(b.simulatedIncidents);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static DayBucket read(byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
            int format = in.readByte();
            if (format != FORMAT && format != 1) {
                throw new IllegalStateException("unknown IV.5 day bucket format " + format);
            }
            DayBucket b = new DayBucket();
            int n = in.readByte();
            // Categories appended to the enum later read as 0; the schema only ever adds symbols.
            for (int i = 0; i < n; i++) {
                int c = in.readInt();
                if (i < b.countsByCategory.length) {
                    b.countsByCategory[i] = c;
                }
            }
            b.injuryAccidents = in.readInt();
            b.roadDeaths = in.readInt();
            b.lastIngestedAtMs = in.readLong();
            b.responseMinutes = readDigest(in);
            b.handlingMinutes = readDigest(in);
            if (format >= 2) {
                b.simulatedIncidents = in.readInt();
            }
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeDigest(DataOutputStream out, TDigest d) throws IOException {
        if (d == null) {
            out.writeInt(-1);
            return;
        }
        ByteBuffer buf = ByteBuffer.allocate(d.byteSize());
        d.asBytes(buf);
        out.writeInt(buf.position());
        out.write(buf.array(), 0, buf.position());
    }

    private static TDigest readDigest(DataInputStream in) throws IOException {
        int len = in.readInt();
        if (len < 0) {
            return null;
        }
        byte[] b = in.readNBytes(len);
        return MergingDigest.fromBytes(ByteBuffer.wrap(b));
    }
}
