package pl.krakow.pulse.platform.catalog;

import java.time.Instant;
import java.time.OffsetDateTime;
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
        return OffsetDateTime.ofInstant(instant, zone).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    /** Scope of a GIOŚ station, e.g. {@code station:MpKrakAlKras}. */
    public static String stationScope(String stationCode) {
        return "station:" + stationCode;
    }
}
