package pl.krakow.pulse.indicators.iv5;

import java.time.Duration;
import java.time.LocalDate;
import java.time.Period;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;

/**
 * One implemented IV.5 catalog entry as the topology computes it.
 *
 * <p>Kinds ({@code kind} in the catalog): {@code incident_count} (incidents, all categories and per category),
 * {@code injury_accident_rate} (road events with ≥ 1 injured or killed ÷ residents × 100 000),
 * {@code fatality_rate} (road deaths ÷ residents × 100 000), {@code response_time} (arrival − report, minutes)
 * and {@code handling_time} (closing − registration of registers, minutes); the two time kinds take their
 * quantile from the id's {@code _pNN} suffix (e.g. {@code iv5.response.time_p90} → 0.90).
 *
 * <p>Windows ({@code window} in the catalog, local calendar in the topology's zone): {@code P1D} a day;
 * {@code PnD} (n &gt; 1) the n days ending on a day (rolling); {@code P1M} a calendar month; {@code PnM}
 * (n &gt; 1) the n calendar months ending with a month (rolling); {@code P1Y} the calendar year to date.
 * {@code grace} is how long after the window's end values stay PROVISIONAL; a later event still revises the
 * FINAL value (revision + 1).
 */
public record Iv5Indicator(String id, String goal, String unit, Kind kind, WindowKind window, int length, long graceMs,
                           double quantile) {

    public enum Kind {
        COUNT("incident_count"), INJURY_RATE("injury_accident_rate"), FATALITY_RATE("fatality_rate"),
        RESPONSE_TIME("response_time"), HANDLING_TIME("handling_time");

        private final String catalogKind;

        Kind(String catalogKind) {
            this.catalogKind = catalogKind;
        }

        public String catalogKind() {
            return catalogKind;
        }

        boolean rate() {
            return this == INJURY_RATE || this == FATALITY_RATE;
        }

        boolean duration() {
            return this == RESPONSE_TIME || this == HANDLING_TIME;
        }
    }

    public enum WindowKind { DAY, ROLLING_DAYS, MONTH, ROLLING_MONTHS, YEAR_TO_DATE }

    private static final Pattern QUANTILE = Pattern.compile("_p(\\d{2})$");

    public static Iv5Indicator of(IndicatorCatalog.Indicator entry) {
        Kind kind = null;
        for (Kind k : Kind.values()) {
            if (k.catalogKind.equals(entry.kind())) {
                kind = k;
            }
        }
        if (kind == null) {
            throw new IllegalArgumentException(entry.id() + ": kind " + entry.kind() + " is not an IV.5 kind");
        }
        if (entry.window() == null) {
            throw new IllegalArgumentException(entry.id() + ": an IV.5 indicator needs a window (P1D, P30D, P1M, P12M, P1Y)");
        }
        Period p = Period.parse(entry.window());
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
            throw new IllegalArgumentException(entry.id() + ": window " + entry.window() + " is not one of PnD, PnM, P1Y");
        }
        double q = Double.NaN;
        if (kind.duration()) {
            Matcher m = QUANTILE.matcher(entry.id());
            if (!m.find()) {
                throw new IllegalArgumentException(entry.id() + ": a time indicator's id ends with its quantile, e.g. _p50");
            }
            q = Integer.parseInt(m.group(1)) / 100.0;
        }
        Duration grace = entry.graceDuration();
        return new Iv5Indicator(entry.id(), entry.goal(), entry.unit(), kind, w, length, grace.toMillis(), q);
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
