package pl.krakow.pulse.indicators.hours;

import java.util.Set;
import pl.krakow.pulse.indicators.Iv3Kind;
import pl.krakow.pulse.indicators.Iv3Stages;
import pl.krakow.pulse.indicators.kind.KindParameters;
import pl.krakow.pulse.indicators.kind.ProcessorWithStores;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;

/**
 * Kind {@code exceedance_hours}: per station and calendar year to date, the hours whose value of the entry's pollutant
 * is above {@code exceedanceThreshold} ({@link ExceedanceHoursProcessor}, store {@code <id>-by-station}), a child of that
 * pollutant's hourly series, with the series' grace.
 *
 * <p>Parameters: {@code pollutant}, {@code exceedanceThreshold} (µg/m³), both required.
 */
public final class ExceedanceHoursKind implements Iv3Kind<ExceedanceHoursDefinition> {

    public static final ExceedanceHoursKind INSTANCE = new ExceedanceHoursKind();

    private ExceedanceHoursKind() {
    }

    @Override
    public String name() {
        return ExceedanceHoursDefinition.KIND;
    }

    @Override
    public Set<String> parameterKeys() {
        return Set.of("pollutant", "exceedanceThreshold");
    }

    @Override
    public ExceedanceHoursDefinition parse(IndicatorCatalog.Indicator entry) {
        KindParameters p = new KindParameters(entry);
        return new ExceedanceHoursDefinition(entry.id(), entry.goal(), entry.unit(), p.pollutant("pollutant"),
                p.requiredNumber("exceedanceThreshold"), entry.minCoverageOrDefault());
    }

    @Override
    public void contribute(IndicatorCatalog.Indicator entry, ExceedanceHoursDefinition e, Iv3Stages stages) {
        // Fed in process by the hourly-value processor (child by name), like the daily year-to-date values.
        stages.addChild(entry, e.pollutant(), true, entry.id() + " counts hourly values of " + e.pollutant(), hourly ->
                Iv3Stages.SeriesChild.toTable(e.processorName(), e.storeName(), e.sinkName(), wiring -> new ProcessorWithStores<>(
                        () -> new ExceedanceHoursProcessor(e, stages.zone(), hourly.grace().toMillis(), wiring.options().clock(),
                                wiring.options().meters()),
                        // Cached: a station-year changes with every hourly value; one changelog record per commit.
                        Set.of(ProcessorWithStores.cachedStore(e.storeName(), new HourYearStateSerde())))));
    }
}
