package pl.krakow.pulse.publish;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * One page of a history answer: at most {@code limit} values, by window start ascending ({@code order=asc}, the
 * default) or descending ({@code order=desc}, newest first), after the {@code cursor} — the window start of the last
 * value of the previous page, exclusive, which the previous answer's {@code next} link carries. A cursor is a
 * position, not an offset: a page never repeats or skips a value because values were added or removed before it.
 *
 * @param limit     values per page, 1..the configured maximum
 * @param ascending window start ascending (oldest first) or descending
 * @param cursor    the window start to continue after, exclusive; null for the first page
 */
record HistoryPaging(int limit, boolean ascending, Instant cursor) {

    static final String LIMIT = "limit";
    static final String ORDER = "order";
    static final String CURSOR = "cursor";

    /**
     * Reads the query parameters ({@code null} or blank = not given).
     *
     * @throws IllegalArgumentException with a message meant for the client
     */
    static HistoryPaging parse(String limitParam, String orderParam, String cursorParam, int defaultLimit, int maxLimit) {
        int limit = defaultLimit;
        if (limitParam != null && !limitParam.isBlank()) {
            try {
                limit = Integer.parseInt(limitParam.trim());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > maxLimit) {
                throw new IllegalArgumentException("query parameter 'limit' must be a whole number from 1 to " + maxLimit
                        + " (api.history.max.page.size), not '" + limitParam + "'");
            }
        }
        boolean ascending = true;
        if (orderParam != null && !orderParam.isBlank()) {
            ascending = switch (orderParam.trim().toLowerCase(Locale.ROOT)) {
                case "asc" -> true;
                case "desc" -> false;
                default -> throw new IllegalArgumentException("query parameter 'order' must be 'asc' or 'desc', not '"
                        + orderParam + "'");
            };
        }
        Instant cursor = null;
        if (cursorParam != null && !cursorParam.isBlank()) {
            try {
                cursor = OffsetDateTime.parse(cursorParam.trim()).toInstant();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("query parameter 'cursor' must be a window start as the 'next' link "
                        + "gives it (ISO-8601 with offset, e.g. 2017-01-05T00:00:00Z), not '" + cursorParam + "'");
            }
        }
        return new HistoryPaging(limit, ascending, cursor);
    }

    /** The first window start this page may hold, within {@code [rangeFrom, rangeTo)}. */
    Instant from(Instant rangeFrom) {
        if (!ascending || cursor == null) {
            return rangeFrom;
        }
        Instant afterCursor = cursor.plusMillis(1); // window starts are whole milliseconds (Avro timestamp-millis)
        return afterCursor.isAfter(rangeFrom) ? afterCursor : rangeFrom;
    }

    /** The window start this page ends before, within {@code [rangeFrom, rangeTo)}. */
    Instant to(Instant rangeTo) {
        return ascending || cursor == null || cursor.isAfter(rangeTo) ? rangeTo : cursor;
    }

    String order() {
        return ascending ? "asc" : "desc";
    }
}
