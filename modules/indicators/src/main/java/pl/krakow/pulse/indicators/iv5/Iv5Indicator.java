package pl.krakow.pulse.indicators.iv5;

import java.time.Duration;
import java.time.LocalDate;
import java.time.Period;
import java.util.Locale;
import java.time.format.DateTimeParseException;
import pl.krakow.pulse.platform.catalog.CatalogException;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;

/**
 * One implemented IV.5 catalog entry as the topology computes it: what it measures ({@link Iv5Measure}, from its
 * kind, {@link Iv5Kinds}) over which window.
 *
 * <p>Windows ({@code window} in the catalog, local calendar in the topology's zone): {@code P1D} a day;
 * {@code PnD} (n &gt; 1) the n days ending on a day (rolling); {@code P1M} a calendar month; {@code PnM}
 * (n &gt; 1) the n calendar months ending with a month (rolling); {@code P1Y} the calendar year to date.
 * {@code grace} is how long after the window's end values stay PROVISIONAL; a later event still revises the
 * FINAL value (revision + 1).
 */
public record Iv5Indicator(String id, String goal, String unit, Iv5Measure measure, WindowKind window, int length,
                           long graceMs) {

    public enum WindowKind { DAY, ROLLING_DAYS, MONTH, ROLLING_MONTHS, YEAR_TO_DATE }

    /** The entry's window and grace with what its kind measures. */
    static Iv5Indicator of(IndicatorCatalog.Indicator entry, Iv5Measure measure) {
        if (entry.window() == null) {
            throw new CatalogException(entry.location("window"), entry.id(), "window",
                    "an IV.5 indicator needs a window (P1D, P30D, P1M, P12M, P1Y)");
        }
        Period p;
        try {
            p = Period.parse(entry.window());
        } catch (DateTimeParseException e) {
            throw new CatalogException(entry.location("window"), entry.id(), "window", "not an ISO-8601 period: " + entry.window(), e);
        }
        WindowKind w;
        int length;
        if (p.getYears() == 1 && p.getMonths() == 0 && p.getDays() == 0) {
            w = WindowKind.YEAR_TO_DATE;
            length = 1;
        } else if (p.getYears() == 0 && p.getMonths() > 0 && p.getDays() == 0) {
            w = p.getMonths() == 1 ? WindowKind.MONTH : WindowKind.ROLLING_MONTHS;
            length = p.getMonths();
        } else if (p.getYears() == 0 && p.getMonths() == 0 && p.getDays() > 0) {
            w = p.getDays() == 1 ? WindowKind.DAY : WindowKind.ROLLING_DAYS;
            length = p.getDays();
        } else {
            throw new CatalogException(entry.location("window"), entry.id(), "window",
                    entry.window() + " is not one of PnD, PnM, P1Y");
        }
        Duration grace = entry.graceDuration();
        return new Iv5Indicator(entry.id(), entry.goal(), entry.unit(), measure, w, length, grace.toMillis());
    }

    /** Start of the window that ends with the day {@code day} (rolling kinds) or contains it (calendar kinds). */
    LocalDate windowStartFor(LocalDate day) {
        return switch (window) {
            case DAY -> day;
            case ROLLING_DAYS -> day.minusDays(length - 1L);
            case MONTH -> day.withDayOfMonth(1);
            case ROLLING_MONTHS -> day.withDayOfMonth(1).minusMonths(length - 1L);
            case YEAR_TO_DATE -> day.withDayOfYear(1);
        };
    }

    /** End (exclusive) of the window starting on {@code start}. */
    LocalDate windowEnd(LocalDate start) {
        return switch (window) {
            case DAY -> start.plusDays(1);
            case ROLLING_DAYS -> start.plusDays(length);
            case MONTH -> start.plusMonths(1);
            case ROLLING_MONTHS -> start.plusMonths(length);
            case YEAR_TO_DATE -> start.plusYears(1);
        };
    }

    /** Name fragment for operators, e.g. {@code iv5-response-time-p90}. */
    String namePrefix() {
        return id.replace('.', '-').replace('_', '-').toLowerCase(Locale.ROOT);
    }
}
