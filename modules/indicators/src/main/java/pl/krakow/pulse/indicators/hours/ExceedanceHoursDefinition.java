package pl.krakow.pulse.indicators.hours;

import java.util.Locale;
import java.util.Objects;
import pl.krakow.pulse.events.environment.Pollutant;

/**
 * A catalog indicator of kind {@code exceedance_hours}: per station and calendar year to date, the number of
 * distinct hours whose (latest) hourly value of {@code pollutant} is strictly above {@code thresholdUgM3}, e.g.
 * NO2 hours above 200 µg/m³ (Directive 2008/50/EC Annex XI: at most 18 a year). Fed by the implemented
 * {@code hourly_value} indicator of the same pollutant.
 */
public record ExceedanceHoursDefinition(String indicatorId, String goal, String unit, Pollutant pollutant,
                                        double thresholdUgM3, double minCoverage) {

    public static final String KIND = "exceedance_hours";

    public ExceedanceHoursDefinition {
        Objects.requireNonNull(indicatorId, "indicatorId");
        Objects.requireNonNull(goal, "goal");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(pollutant, "pollutant");
        if (!Double.isFinite(thresholdUgM3)) {
            throw new IllegalArgumentException(indicatorId + ": exceedanceThreshold must be finite");
        }
        if (!(minCoverage >= 0 && minCoverage <= 1)) {
            throw new IllegalArgumentException(indicatorId + ": minCoverage must be within 0..1: " + minCoverage);
        }
    }

    /** {@code iv3.no2.hours_above_200} → {@code iv3-no2-hours-above-200}. */
    public String namePrefix() {
        return indicatorId.toLowerCase(Locale.ROOT).replace('.', '-').replace('_', '-');
    }

    public String processorName() {
        return namePrefix() + "-processor";
    }

    public String sinkName() {
        return namePrefix() + "-indicator-sink";
    }

    public String storeName() {
        return namePrefix() + "-by-station";
    }

    /** Hours with a value needed among {@code hoursElapsed}: {@code ceil(minCoverage × hoursElapsed)}. */
    public int minValidHours(int hoursElapsed) {
        return (int) Math.ceil(minCoverage * hoursElapsed - 1e-9);
    }
}
