package pl.krakow.pulse.indicators.daily;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import pl.krakow.pulse.events.environment.Pollutant;

/**
 * What the daily-mean processor needs to know about one catalog indicator of kind {@code daily_mean}
 * (local-day windows) or {@code hourly_value} (one-hour windows: the "mean" of the hour's single value,
 * i.e. the latest value sent for that hour), and the names of the topology nodes and stores built for it.
 *
 * @param indicatorId   catalog id, e.g. {@code iv3.pm10.daily_mean}
 * @param goal          operational goal, e.g. {@code IV.3}
 * @param unit          unit of the value, e.g. µg/m³
 * @param pollutant     the pollutant whose hourly values are averaged
 * @param grace         how long after the day's end late values are still accepted
 * @param minValidHours hourly values needed for a valid mean (18 for the EU 75 % rule; 1 for an hourly value)
 * @param hourly        true for one-hour windows (kind {@code hourly_value}), false for local days
 */
public record DailyMeanDefinition(String indicatorId, String goal, String unit, Pollutant pollutant, Duration grace,
                                  int minValidHours, boolean hourly) {

    public static final String KIND = "daily_mean";
    public static final String HOURLY_KIND = "hourly_value";

    /** A daily-mean (local-day) definition. */
    public DailyMeanDefinition(String indicatorId, String goal, String unit, Pollutant pollutant, Duration grace,
                               int minValidHours) {
        this(indicatorId, goal, unit, pollutant, grace, minValidHours, false);
    }

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

    /**
     * Prefix of every node name built for this indicator: the id with dots and underscores as dashes,
     * {@code iv3.pm10.daily_mean} → {@code iv3-pm10-daily-mean}.
     */
    public String namePrefix() {
        return indicatorId.toLowerCase(Locale.ROOT).replace('.', '-').replace('_', '-');
    }

    /** The series processor, e.g. {@code iv3-pm10-daily-mean-processor}. */
    public String processorName() {
        return namePrefix() + "-processor";
    }

    /** The sink of its values into the IV.3 table. */
    public String valuesSinkName() {
        return namePrefix() + "-indicator-sink";
    }

    /** The sink of its late measurements. */
    public String lateSinkName() {
        return namePrefix() + "-late-sink";
    }

    /** The subject part of the id as a name prefix, {@code iv3.pm10.daily_mean} → {@code iv3-pm10}. */
    public String subjectPrefix() {
        return subject();
    }

    private String subject() {
        int lastDot = indicatorId.lastIndexOf('.');
        String head = lastDot > 0 ? indicatorId.substring(0, lastDot) : indicatorId;
        return head.toLowerCase(Locale.ROOT).replace('.', '-').replace('_', '-');
    }

    /** The store of open station-windows, e.g. {@code iv3-pm10-daily-by-station}, {@code iv3-pm10-hourly-by-station}. */
    public String storeName() {
        return subject() + windowPart() + "-by-station";
    }

    /** The one-entry store of the wall-clock closing time, e.g. {@code iv3-pm10-daily-closing-time}. */
    public String closingTimeStoreName() {
        return subject() + windowPart() + "-closing-time";
    }

    private String windowPart() {
        return hourly ? "-hourly" : "-daily";
    }
}
