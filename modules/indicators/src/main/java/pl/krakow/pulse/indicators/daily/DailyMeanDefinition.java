package pl.krakow.pulse.indicators.daily;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;

/**
 * What the daily-mean processor needs to know about one catalog indicator of kind {@code daily_mean},
 * and the names of the topology nodes and stores built for it.
 *
 * @param indicatorId   catalog id, e.g. {@code iv3.pm10.daily_mean}
 * @param goal          operational goal, e.g. {@code IV.3}
 * @param unit          unit of the value, e.g. µg/m³
 * @param pollutant     the pollutant whose hourly values are averaged
 * @param grace         how long after the day's end late values are still accepted
 * @param minValidHours hourly values needed for a valid mean (18 for the EU 75 % rule)
 */
public record DailyMeanDefinition(String indicatorId, String goal, String unit, Pollutant pollutant, Duration grace,
                                  int minValidHours) {

    public static final String KIND = "daily_mean";

    public DailyMeanDefinition {
        Objects.requireNonNull(indicatorId, "indicatorId");
        Objects.requireNonNull(goal, "goal");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(pollutant, "pollutant");
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException(indicatorId + ": grace must not be negative");
        }
    }

    /** Reads a catalog entry; fails fast on an entry a daily mean cannot be computed from. */
    public static DailyMeanDefinition of(IndicatorCatalog.Indicator indicator) {
        if (!KIND.equals(indicator.kind())) {
            throw new IllegalArgumentException(indicator.id() + " is of kind " + indicator.kind() + ", not " + KIND);
        }
        if (indicator.pollutant() == null) {
            throw new IllegalArgumentException(indicator.id() + ": a daily_mean indicator needs a pollutant");
        }
        Pollutant pollutant;
        try {
            pollutant = Pollutant.valueOf(indicator.pollutant().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(indicator.id() + ": unknown pollutant " + indicator.pollutant(), e);
        }
        return new DailyMeanDefinition(indicator.id(), indicator.goal(), indicator.unit(), pollutant,
                indicator.graceDuration(), DailyMeanAccumulator.minValidHours(indicator.minCoverageOrDefault()));
    }

    /**
     * Prefix of every node name built for this indicator: the id with dots and underscores as dashes,
     * {@code iv3.pm10.daily_mean} → {@code iv3-pm10-daily-mean}.
     */
    public String namePrefix() {
        return indicatorId.toLowerCase(Locale.ROOT).replace('.', '-').replace('_', '-');
    }

    /** The subject part of the id, {@code iv3.pm10.daily_mean} → {@code iv3-pm10}. */
    private String subject() {
        int lastDot = indicatorId.lastIndexOf('.');
        String head = lastDot > 0 ? indicatorId.substring(0, lastDot) : indicatorId;
        return head.toLowerCase(Locale.ROOT).replace('.', '-').replace('_', '-');
    }

    /** The store of open station-days, e.g. {@code iv3-pm10-daily-by-station}. */
    public String storeName() {
        return subject() + "-daily-by-station";
    }

    /** The one-entry store of the wall-clock closing time, e.g. {@code iv3-pm10-daily-closing-time}. */
    public String closingTimeStoreName() {
        return subject() + "-daily-closing-time";
    }
}
