package pl.krakow.pulse.indicators.window;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Objects;

/**
 * Local calendar-day windows in one time zone (Europe/Warsaw by default in Kraków Pulse), DST-correct.
 *
 * <p><b>Hour-to-day rule</b> (INDICATORS.md, conventions): a source stamps an averaged value with the
 * END of its averaging period (GIOŚ: "01:00" = 00:00–01:00). The value belongs to the local day in
 * which its averaging period <em>lies</em>, i.e. the day containing the period's start instant
 * {@code eventTime − averagingPeriod}. So the hour stamped 01:00 local belongs to that day, and the hour
 * stamped 00:00 (GIOŚ "24:00") belongs to the day that is ending.
 *
 * <p><b>Day boundaries</b> are the zone's local midnights taken from its rules, so a day is 23, 24 or
 * 25 hours long. In zones where a transition happens at midnight (none in Europe today) the day starts
 * at the first valid local instant of the date ({@link LocalDate#atStartOfDay(ZoneId)}).
 *
 * <p>Thread-safety: safe to share. A single-entry cache of the last day looked up makes the common case
 * (consecutive values of the same day) allocation-free; the cached object is immutable and published
 * through a volatile field, so a race only costs a recomputation.
 */
public final class LocalDayWindows implements CalendarWindows {

    private final ZoneId zone;
    private volatile LocalDay last;

    public LocalDayWindows(ZoneId zone) {
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    @Override
    public ZoneId zone() {
        return zone;
    }

    /** Same as {@link #dayContaining(long)}. */
    @Override
    public LocalDay windowContaining(long epochMs) {
        return dayContaining(epochMs);
    }

    /** The day with the given local date. */
    public LocalDay day(LocalDate date) {
        long start = date.atStartOfDay(zone).toInstant().toEpochMilli();
        long end = date.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        return new LocalDay(date, zone, start, end);
    }

    /** The day whose {@code [start, end)} contains the instant. */
    public LocalDay dayContaining(Instant instant) {
        return dayContaining(instant.toEpochMilli());
    }

    /** The day whose {@code [start, end)} contains the instant given in epoch milliseconds. */
    public LocalDay dayContaining(long epochMs) {
        LocalDay cached = last;
        if (cached != null && cached.contains(epochMs)) {
            return cached;
        }
        LocalDate date = Instant.ofEpochMilli(epochMs).atZone(zone).toLocalDate();
        LocalDay day = day(date);
        last = day;
        return day;
    }

    /**
     * The hour-to-day rule: the day in which a value averaged over {@code averagingPeriod} and stamped
     * with the period's END lies.
     *
     * @param periodEnd       the value's time stamp, the end of its averaging period
     * @param averagingPeriod the averaging period (one hour for hourly means); must be positive
     */
    public LocalDay dayOfPeriodEndingAt(Instant periodEnd, Duration averagingPeriod) {
        if (averagingPeriod.isNegative() || averagingPeriod.isZero()) {
            throw new IllegalArgumentException("averaging period must be positive: " + averagingPeriod);
        }
        return dayContaining(periodEnd.toEpochMilli() - averagingPeriod.toMillis());
    }
}
