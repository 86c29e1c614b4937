package pl.krakow.pulse.indicators.completeness;

import java.util.Locale;
import java.util.Objects;
import pl.krakow.pulse.events.environment.Pollutant;

/**
 * A catalog indicator of kind {@code completeness}: per station and local day, the share of the day's expected
 * station-hours for which an hourly value of {@code pollutant} was received, in %. Computed from that
 * pollutant's {@code daily_mean} (its observed and expected hours), which must be implemented.
 */
public record CompletenessDefinition(String indicatorId, String goal, String unit, Pollutant pollutant) {

    public static final String KIND = "completeness";

    public CompletenessDefinition {
        Objects.requireNonNull(indicatorId, "indicatorId");
        Objects.requireNonNull(goal, "goal");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(pollutant, "pollutant");
    }

    /** {@code iv3.data.completeness} → {@code iv3-data-completeness}. */
    public String namePrefix() {
        return indicatorId.toLowerCase(Locale.ROOT).replace('.', '-').replace('_', '-');
    }

    public String processorName() {
        return namePrefix() + "-processor";
    }

    public String sinkName() {
        return namePrefix() + "-indicator-sink";
    }
}
