package pl.krakow.pulse.indicators.o3;

import java.util.Locale;
import java.util.Objects;
import pl.krakow.pulse.events.environment.Pollutant;

/**
 * A catalog indicator of kind {@code max_8h_mean} (e.g. {@code iv3.o3.max_8h}): per station and local day, the
 * maximum of the 8-hour running means that end in that day. Fed by the implemented {@code hourly_value}
 * indicator of the same pollutant.
 *
 * @param minHoursPerMean hours needed for a valid 8-h mean (6 of 8, 75 %, Directive 2008/50/EC Annex VII)
 * @param minMeansPerDay  valid 8-h means needed for a valid daily maximum (18, Annex VII)
 */
public record Max8hDefinition(String indicatorId, String goal, String unit, Pollutant pollutant, int minHoursPerMean,
                              int minMeansPerDay) {

    public static final String KIND = "max_8h_mean";
    public static final int HOURS_PER_MEAN = 8;

    public Max8hDefinition {
        Objects.requireNonNull(indicatorId, "indicatorId");
        Objects.requireNonNull(goal, "goal");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(pollutant, "pollutant");
    }

    /** {@code iv3.o3.max_8h} → {@code iv3-o3-max-8h}. */
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
}
