package pl.krakow.pulse.indicators.daily;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * Key of an open station-day in the daily-mean store: the day's window end (8 bytes, big-endian, sign
 * bit flipped) followed by the station code in UTF-8.
 *
 * <p>Putting the window end first makes the store's natural byte order (RocksDB and the record cache
 * both compare keys as unsigned bytes) the order in which days become due, so finalisation reads only
 * the head of the store and stops at the first day still open — no full scan per record.
 */
public final class DailyMeanStoreKey {

    private static final int END_BYTES = 8;

    private DailyMeanStoreKey() {
    }

    public static Bytes of(long windowEndMs, String stationCode) {
        byte[] station = stationCode.getBytes(StandardCharsets.UTF_8);
        byte[] key = new byte[END_BYTES + station.length];
        long sortable = windowEndMs ^ Long.MIN_VALUE;
        for (int i = 0; i < END_BYTES; i++) {
            key[i] = (byte) (sortable >>> (56 - 8 * i));
        }
        System.arraycopy(station, 0, key, END_BYTES, station.length);
        return Bytes.wrap(key);
    }

    public static long windowEndMs(Bytes key) {
        byte[] k = key.get();
        long sortable = 0;
        for (int i = 0; i < END_BYTES; i++) {
            sortable = (sortable << 8) | (k[i] & 0xFF);
        }
        return sortable ^ Long.MIN_VALUE;
    }

    public static String stationCode(Bytes key) {
        byte[] k = key.get();
        return new String(k, END_BYTES, k.length - END_BYTES, StandardCharsets.UTF_8);
    }
}
