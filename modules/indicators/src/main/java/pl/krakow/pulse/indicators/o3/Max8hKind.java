package pl.krakow.pulse.indicators.o3;

import java.util.Set;
import pl.krakow.pulse.indicators.Iv3Kind;
import pl.krakow.pulse.indicators.Iv3Stages;
import pl.krakow.pulse.indicators.kind.KindParameters;
import pl.krakow.pulse.indicators.kind.ProcessorWithStores;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;

/**
 * Kind {@code max_8h_mean}: per station and local day, the maximum 8-hour running mean of the entry's pollutant
 * ({@link Max8hProcessor}, store {@code <id>-by-station}), a child of that pollutant's hourly series.
 * {@code minCoverage} (default 0.75) gives the hours a mean needs (6 of 8) and the means a day needs (18).
 *
 * <p>Parameters: {@code pollutant} (required).
 */
public final class Max8hKind implements Iv3Kind<Max8hDefinition> {

    public static final Max8hKind INSTANCE = new Max8hKind();

    private Max8hKind() {
    }

    @Override
    public String name() {
        return Max8hDefinition.KIND;
    }

    @Override
    public Set<String> parameterKeys() {
        return Set.of("pollutant");
    }

    @Override
    public Max8hDefinition parse(IndicatorCatalog.Indicator entry) {
        KindParameters p = new KindParameters(entry);
        double coverage = entry.minCoverageOrDefault();
        // 0.75 → 6 of 8 hours and 18 of 24 means; the epsilon keeps float noise from rounding up.
        return new Max8hDefinition(entry.id(), entry.goal(), entry.unit(), p.pollutant("pollutant"),
                (int) Math.ceil(coverage * Max8hDefinition.HOURS_PER_MEAN - 1e-9), (int) Math.ceil(coverage * 24 - 1e-9));
    }

    @Override
    public void contribute(IndicatorCatalog.Indicator entry, Max8hDefinition e, Iv3Stages stages) {
        stages.addChild(entry, e.pollutant(), true, entry.id() + " needs hourly values of " + e.pollutant(), hourly ->
                Iv3Stages.SeriesChild.toTable(e.processorName(), e.storeName(), e.sinkName(), wiring -> new ProcessorWithStores<>(
                        () -> new Max8hProcessor(e, stages.zone(), wiring.options().clock(), wiring.options().meters()),
                        Set.of(ProcessorWithStores.cachedStore(e.storeName(), new Max8hDaySerde())))));
    }
}
