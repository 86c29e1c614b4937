package pl.krakow.pulse.indicators.aqi;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;

/**
 * A catalog indicator of kind {@code aqi_class}: per station and hour, the air-quality index class = the worst
 * (highest) class over the pollutants with bands that have an hourly value for that hour. Per pollutant the bands
 * are the ascending upper bounds (µg/m³, inclusive) of classes 1..n; a value above the last bound is class n+1.
 */
public record AqiClassDefinition(String indicatorId, String goal, String unit, Map<Pollutant, double[]> bands, Duration grace) {

    public static final String KIND = "aqi_class";

    public AqiClassDefinition {
        Objects.requireNonNull(indicatorId, "indicatorId");
        Objects.requireNonNull(goal, "goal");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(grace, "grace");
        if (bands == null || bands.isEmpty()) {
            throw new IllegalArgumentException(indicatorId + ": an " + KIND + " indicator needs bands");
        }
        for (Map.Entry<Pollutant, double[]> e : bands.entrySet()) {
            double[] b = e.getValue();
            for (int i = 0; i < b.length; i++) {
                if (!Double.isFinite(b[i]) || (i > 0 && b[i] <= b[i - 1])) {
                    throw new IllegalArgumentException(indicatorId + ": bands of " + e.getKey()
                            + " must be finite and strictly ascending");
                }
            }
        }
    }

    public static AqiClassDefinition of(IndicatorCatalog.Indicator indicator) {
        if (!KIND.equals(indicator.kind())) {
            throw new IllegalArgumentException(indicator.id() + " is of kind " + indicator.kind() + ", not " + KIND);
        }
        Map<Pollutant, double[]> bands = new EnumMap<>(Pollutant.class);
        for (Map.Entry<String, List<Double>> e : indicator.bandsOrEmpty().entrySet()) {
            Pollutant p;
            try {
                p = Pollutant.valueOf(e.getKey().toUpperCase(Locale.ROOT).replace(".", ""));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(indicator.id() + ": unknown pollutant in bands: " + e.getKey(), ex);
            }
            if (e.getValue() == null || e.getValue().isEmpty()) {
                throw new IllegalArgumentException(indicator.id() + ": no bands for " + e.getKey());
            }
            bands.put(p, e.getValue().stream().mapToDouble(Double::doubleValue).toArray());
        }
        return new AqiClassDefinition(indicator.id(), indicator.goal(), indicator.unit(), bands, indicator.graceDuration());
    }

    /** The class of one pollutant's value: 1 + the number of upper bounds it exceeds. */
    public int classOf(Pollutant pollutant, double valueUgM3) {
        double[] b = bands.get(pollutant);
        int c = 1;
        while (c <= b.length && valueUgM3 > b[c - 1]) {
            c++;
        }
        return c;
    }

    /** {@code iv3.aqi.class} → {@code iv3-aqi-class}. */
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
        return namePrefix() + "-by-hour-and-station";
    }

    public String punctuatorName() {
        return namePrefix() + "-finaliser";
    }
}
