package pl.krakow.pulse.ingest.mobility;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The service calendar of one static GTFS feed: on which service dates each {@code service_id} runs, from
 * calendar.txt (weekdays between start_date and end_date, both inclusive) and calendar_dates.txt (exception_type
 * 1 adds a date, 2 removes it; an exception wins over the weekly pattern). A feed may have either file or both;
 * a service_id in neither runs on no date. Immutable, thread-safe.
 *
 * <p><b>Service dates and time.</b> GTFS counts a service day's times from "noon minus 12 h" in the agency's time
 * zone (local midnight, except on the two DST days) and lets trips run past 24:00, so a vehicle at 00:30 may be on
 * a trip of the previous service date. {@link #serviceDatesOf} gives the dates an instant may belong to: the
 * service date whose day it falls in, and the one before while the event lies within
 * {@link #PREVIOUS_DAY_REACH} of that earlier day's start.
 */
public final class ServiceCalendar {

    /**
     * How long after its start a service day may still have vehicles out: 36 h, i.e. until noon of the next day.
     * Trips past midnight are written 24:00:00+ and end in the early morning (night lines, the last runs of the
     * day, plus any delay); without stop_times.txt — Kraków's published copy has none — a feed does not say how far
     * its trips reach, and noon leaves a wide margin while an afternoon vehicle is not taken for yesterday's trip.
     */
    public static final Duration PREVIOUS_DAY_REACH = Duration.ofHours(36);

    /** One calendar.txt row. */
    record Weekly(Set<DayOfWeek> days, LocalDate startDate, LocalDate endDate) {
        boolean runsOn(LocalDate date) {
            return !date.isBefore(startDate) && !date.isAfter(endDate) && days.contains(date.getDayOfWeek());
        }
    }

    private static final ServiceCalendar EMPTY = new ServiceCalendar(Map.of(), Map.of());

    private final Map<String, Weekly> weekly;
    /** service_id → date → true (added, exception_type 1) or false (removed, 2). */
    private final Map<String, Map<LocalDate, Boolean>> exceptions;

    ServiceCalendar(Map<String, Weekly> weekly, Map<String, Map<LocalDate, Boolean>> exceptions) {
        this.weekly = Map.copyOf(weekly);
        Map<String, Map<LocalDate, Boolean>> copy = new HashMap<>();
        exceptions.forEach((service, dates) -> copy.put(service, Map.copyOf(dates)));
        this.exceptions = Map.copyOf(copy);
    }

    /** A calendar with no service: nothing runs. */
    public static ServiceCalendar empty() {
        return EMPTY;
    }

    /** Whether {@code serviceId} runs on service date {@code date}. */
    public boolean runsOn(String serviceId, LocalDate date) {
        Map<LocalDate, Boolean> ex = exceptions.get(serviceId);
        Boolean exception = ex == null ? null : ex.get(date);
        if (exception != null) {
            return exception;
        }
        Weekly w = weekly.get(serviceId);
        return w != null && w.runsOn(date);
    }

    /** Whether {@code serviceId} runs on any of {@code dates}. */
    public boolean runsOnAny(String serviceId, List<LocalDate> dates) {
        return dates.stream().anyMatch(d -> runsOn(serviceId, d));
    }

    /**
     * The first and last date the feed names for {@code serviceId} (calendar.txt's range and the dates
     * calendar_dates.txt adds), for messages; empty when the feed does not know it.
     */
    public Optional<String> describe(String serviceId) {
        LocalDate first = null;
        LocalDate last = null;
        Weekly w = weekly.get(serviceId);
        if (w != null) {
            first = w.startDate();
            last = w.endDate();
        }
        for (Map.Entry<LocalDate, Boolean> e : exceptions.getOrDefault(serviceId, Map.of()).entrySet()) {
            if (e.getValue()) {
                first = first == null || e.getKey().isBefore(first) ? e.getKey() : first;
                last = last == null || e.getKey().isAfter(last) ? e.getKey() : last;
            }
        }
        return first == null ? Optional.empty() : Optional.of(first + ".." + last);
    }

    /** Start of service date {@code date}'s day: noon minus 12 h in {@code zone} (GTFS reference, stop_times.txt). */
    public static Instant serviceDayStart(LocalDate date, ZoneId zone) {
        return date.atTime(LocalTime.NOON).atZone(zone).toInstant().minus(Duration.ofHours(12));
    }

    /**
     * The service dates {@code time} may belong to, latest first: the date whose service day it falls in, and the
     * previous one while {@code time} is within {@link #PREVIOUS_DAY_REACH} of that day's start.
     */
    public static List<LocalDate> serviceDatesOf(Instant time, ZoneId zone) {
        LocalDate date = time.atZone(zone).toLocalDate().plusDays(1);
        while (serviceDayStart(date, zone).isAfter(time)) {
            date = date.minusDays(1);
        }
        LocalDate previous = date.minusDays(1);
        return time.isBefore(serviceDayStart(previous, zone).plus(PREVIOUS_DAY_REACH)) ? List.of(date, previous) : List.of(date);
    }

    /** Builds a calendar from parsed rows; see {@link GtfsStaticLoader}. */
    static final class Builder {
        private final Map<String, Weekly> weekly = new HashMap<>();
        private final Map<String, Map<LocalDate, Boolean>> exceptions = new HashMap<>();

        Builder weekly(String serviceId, Set<DayOfWeek> days, LocalDate start, LocalDate end) {
            weekly.put(serviceId, new Weekly(Set.copyOf(days), start, end));
            return this;
        }

        Builder exception(String serviceId, LocalDate date, boolean added) {
            exceptions.computeIfAbsent(serviceId, s -> new HashMap<>()).put(date, added);
            return this;
        }

        ServiceCalendar build() {
            return new ServiceCalendar(weekly, exceptions);
        }
    }
}
