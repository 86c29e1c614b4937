package pl.krakow.pulse.publish;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * The local calendar dates a history request covers, both inclusive, and the instants they stand for
 * in the catalog's time zone: {@code [from 00:00, to + 1 day 00:00)}. Local midnights come from the
 * zone's rules, so a range over a DST change is 23 or 25 hours longer or shorter than whole UTC days.
 *
 * <p>Defaults ({@value #DEFAULT_DAYS} days, both ends inclusive): neither date given → the
 * {@value #DEFAULT_DAYS} days ending on the day of the latest value; only {@code to} → the
 * {@value #DEFAULT_DAYS} days ending on {@code to}; only {@code from} → the {@value #DEFAULT_DAYS} days
 * starting on {@code from}.
 */
record DateRange(LocalDate from, LocalDate to) {

    static final int DEFAULT_DAYS = 31;

    /**
     * Resolves the query parameters.
     *
     * @param fromParam    {@code from} as given (ISO-8601 date), or null/blank
     * @param toParam      {@code to} as given, or null/blank
     * @param latestDate   local date of the latest value's window start (used when both are missing)
     * @param maxRangeDays the longest range allowed, in days
     * @throws IllegalArgumentException with a message meant for the client
     */
    static DateRange resolve(String fromParam, String toParam, LocalDate latestDate, int maxRangeDays) {
        LocalDate from = parse("from", fromParam);
        LocalDate to = parse("to", toParam);
        if (from == null && to == null) {
            to = latestDate;
            from = to.minusDays(DEFAULT_DAYS - 1);
        } else if (from == null) {
            from = to.minusDays(DEFAULT_DAYS - 1);
        } else if (to == null) {
            to = from.plusDays(DEFAULT_DAYS - 1);
        }
        if (from.isAfter(to)) {
            throw new IllegalArgumentException("'from' (" + from + ") is after 'to' (" + to + ")");
        }
        long days = ChronoUnit.DAYS.between(from, to) + 1;
        if (days > maxRangeDays) {
            throw new IllegalArgumentException("the range " + from + ".." + to + " spans " + days
                    + " days; at most " + maxRangeDays + " days per request (api.max.range.days)");
        }
        return new DateRange(from, to);
    }

    /** Local midnight at the start of {@code from}. */
    Instant startInclusive(ZoneId zone) {
        return from.atStartOfDay(zone).toInstant();
    }

    /** Local midnight at the end of {@code to}. */
    Instant endExclusive(ZoneId zone) {
        return to.plusDays(1).atStartOfDay(zone).toInstant();
    }

    private static LocalDate parse(String name, String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        LocalDate date;
        try {
            date = LocalDate.parse(raw.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("query parameter '" + name + "' must be an ISO-8601 date (yyyy-MM-dd), got '"
                    + raw + "'");
        }
        if (date.getYear() < 1 || date.getYear() > 9999) {
            throw new IllegalArgumentException("query parameter '" + name + "' must be a date between 0001-01-01 and 9999-12-31, got '"
                    + raw + "'");
        }
        return date;
    }
}
