package pl.krakow.pulse.indicators.window;

import java.time.ZoneId;

/**
 * Assigns an instant to the calendar window that contains it: a local day ({@link LocalDayWindows}) or a
 * clock hour ({@link HourWindows}). Windows are half-open {@code [start, end)} intervals, returned as
 * {@link LocalDay} (for an hour window: the hour's interval, dated by its local date).
 */
public interface CalendarWindows {

    ZoneId zone();

    /** The window whose {@code [start, end)} contains the instant (epoch ms). */
    LocalDay windowContaining(long epochMs);
}
