package pl.krakow.pulse.platform.catalog;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The key of an indicator table row: {@code indicatorId|scope|windowStart}, the window start as an
 * ISO-8601 local date-time with offset in the catalog's time zone, e.g.
 * {@code iv3.pm10.daily_mean|station:MpKrakAlKras|2017-01-01T00:00:00+01:00}. A plain string so the
 * bytes — and therefore compaction and partitioning — never depend on a key schema.
 */
public final class IndicatorKeys {

    private IndicatorKeys() {
    }

    public static String key(String indicatorId, String scope, Instant windowStart, ZoneId zone) {
        return indicatorId + '|' + scope + '|' + isoWithOffset(windowStart, zone);
    }

    /** An instant rendered as ISO-8601 with the zone's offset, e.g. 2017-03-26T00:00:00+01:00 (seconds always
     * printed, so key bytes never vary). */
    public static String isoWithOffset(Instant instant, ZoneId zone) {
        if (instant.getNano() != 0) {
            return OffsetDateTime.ofInstant(instant, zone).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        }
        // Whole seconds (every window start): formatted by hand, as ISO_OFFSET_DATE_TIME would. The formatter
        // was 5 % of the stream thread in the benchmark's profile (one key per emitted indicator value).
        ZoneOffset offset = zone.getRules().getOffset(instant);
        LocalDateTime local = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, offset);
        int year = local.getYear();
        if (year < 1000 || year > 9999) {
            return OffsetDateTime.ofInstant(instant, zone).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        }
        StringBuilder b = new StringBuilder(25).append(year).append('-');
        twoDigits(b, local.getMonthValue()).append('-');
        twoDigits(b, local.getDayOfMonth()).append('T');
        twoDigits(b, local.getHour()).append(':');
        twoDigits(b, local.getMinute()).append(':');
        twoDigits(b, local.getSecond());
        return b.append(offset.getId()).toString(); // "Z" or "+01:00", as the ISO formatter prints them
    }

    private static StringBuilder twoDigits(StringBuilder b, int value) {
        return b.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    /** Scope of a GIOŚ station, e.g. {@code station:MpKrakAlKras}. */
    public static String stationScope(String stationCode) {
        return "station:" + stationCode;
    }
}
