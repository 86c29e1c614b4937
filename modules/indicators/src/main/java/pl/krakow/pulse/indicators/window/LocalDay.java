package pl.krakow.pulse.indicators.window;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Objects;

/**
 * One local calendar day as a half-open UTC interval {@code [start, end)}: local midnight to the next
 * local midnight in {@link #zone()}. Because the interval is computed from the zone's rules, a day
 * on which clocks go forward is 23 hours long and one on which they go back is 25 hours long
 * (Europe/Warsaw: 2017-03-26 and 2017-10-29).
 *
 * <p>Immutable. Instants are kept as epoch milliseconds as well so the hot path of a topology can
 * compare them without allocating.
 */
public final class LocalDay {

    private static final long MILLIS_PER_HOUR = 3_600_000L;

    private final LocalDate date;
    private final ZoneId zone;
    private final long startMs;
    private final long endMs;

    LocalDay(LocalDate date, ZoneId zone, long startMs, long endMs) {
        this.date = Objects.requireNonNull(date);
        this.zone = Objects.requireNonNull(zone);
        if (endMs <= startMs) {
            throw new IllegalArgumentException("day " + date + " ends before it starts");
        }
        this.startMs = startMs;
        this.endMs = endMs;
    }

    /** The local calendar date. */
    public LocalDate date() {
        return date;
    }

    /** The zone the day is aligned in. */
    public ZoneId zone() {
        return zone;
    }

    /** Local midnight at the start of the day (inclusive), as a UTC instant. */
    public Instant start() {
        return Instant.ofEpochMilli(startMs);
    }

    /** Local midnight at the end of the day (exclusive), as a UTC instant. */
    public Instant end() {
        return Instant.ofEpochMilli(endMs);
    }

    public long startMs() {
        return startMs;
    }

    public long endMs() {
        return endMs;
    }

    /**
     * How many whole hours the day lasts: 24, or 23 / 25 on DST transition days. This is the number
     * of hourly values the day is expected to have.
     */
    public int expectedHours() {
        return (int) ((endMs - startMs) / MILLIS_PER_HOUR);
    }

    /** True when the instant (epoch ms) lies in {@code [start, end)}. */
    public boolean contains(long epochMs) {
        return epochMs >= startMs && epochMs < endMs;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LocalDay d && d.startMs == startMs && d.endMs == endMs && d.date.equals(date)
                && d.zone.equals(zone);
    }

    @Override
    public int hashCode() {
        return Objects.hash(date, zone, startMs, endMs);
    }

    @Override
    public String toString() {
        return date + " " + zone + " [" + start() + ", " + end() + ") " + expectedHours() + "h";
    }
}
