package pl.krakow.pulse.indicators.city;

import java.util.Locale;

/**
 * How the valid station values of one window combine into the {@code city} value (catalog field
 * {@code cityAggregate}).
 */
public enum CityAggregate {
    /** The worst station: INDICATORS.md "city (= max over stations)" for the PM daily means. */
    MAX,
    /** The mean over stations, e.g. data completeness. */
    MEAN;

    public static CityAggregate parse(String indicatorId, String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(indicatorId + ": unknown cityAggregate " + name + " (max or mean)", e);
        }
    }
}
