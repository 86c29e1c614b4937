package pl.krakow.pulse.indicators.iv5;

import pl.krakow.pulse.events.safety.Incident;

/** Kind {@code fatality_rate}: road deaths per 100 000 residents. */
final class FatalityRate extends RoadRate {

    static final String KIND = "fatality_rate";

    @Override
    boolean counts(Incident roadEvent) {
        return roadEvent.getKilled() > 0;
    }

    @Override
    long counted(DayBucket day) {
        return day.roadDeaths;
    }
}
