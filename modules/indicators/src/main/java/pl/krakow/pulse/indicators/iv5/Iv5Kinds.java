package pl.krakow.pulse.indicators.iv5;

import java.util.List;
import java.util.Set;
import java.util.function.Function;
import pl.krakow.pulse.indicators.kind.IndicatorKind;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;

/**
 * The IV.5 kinds: each pairs a catalog kind name with its {@link Iv5Measure}; the window ({@code PnD}, {@code PnM},
 * {@code P1Y}) and grace are read alike for all ({@link Iv5Indicator#of}). None has parameters of its own.
 */
public final class Iv5Kinds {

    private Iv5Kinds() {
    }

    /** Every IV.5 kind, in registration order. */
    public static List<IndicatorKind<Iv5Indicator>> all() {
        return List.of(
                new Kind(IncidentCount.KIND, entry -> new IncidentCount()),
                new Kind(InjuryAccidentRate.KIND, entry -> new InjuryAccidentRate()),
                new Kind(FatalityRate.KIND, entry -> new FatalityRate()),
                new Kind(TimePercentile.RESPONSE_TIME, TimePercentile::responseTime),
                new Kind(TimePercentile.HANDLING_TIME, TimePercentile::handlingTime));
    }

    private record Kind(String name, Function<IndicatorCatalog.Indicator, Iv5Measure> measure)
            implements IndicatorKind<Iv5Indicator> {

        @Override
        public String goal() {
            return Iv5SafetyTopology.GOAL;
        }

        @Override
        public Set<String> parameterKeys() {
            return Set.of();
        }

        @Override
        public Iv5Indicator parse(IndicatorCatalog.Indicator entry) {
            return Iv5Indicator.of(entry, measure.apply(entry));
        }
    }
}
