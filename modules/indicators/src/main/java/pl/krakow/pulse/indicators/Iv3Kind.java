package pl.krakow.pulse.indicators;

import pl.krakow.pulse.indicators.kind.IndicatorKind;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;

/**
 * An indicator kind of goal IV.3: it adds each of its implemented entries to the IV.3 topology under construction,
 * as an hourly or daily series of its own, as a stage fed in process by a pollutant's series, or as a stage fed by
 * the station-keyed measurements ({@link Iv3Stages}).
 */
public interface Iv3Kind<D> extends IndicatorKind<D> {

    @Override
    default String goal() {
        return Iv3EnvironmentTopology.GOAL;
    }

    /** Adds one implemented entry (already parsed to {@code definition}) to {@code stages}; no I/O, no Kafka yet. */
    void contribute(IndicatorCatalog.Indicator entry, D definition, Iv3Stages stages);
}
