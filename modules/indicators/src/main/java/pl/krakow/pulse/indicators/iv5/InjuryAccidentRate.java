package pl.krakow.pulse.indicators.iv5;

import pl.krakow.pulse.events.safety.Incident;

/** Kind {@code injury_accident_rate}: road events with at least one injured or killed, per 100 000 residents. */
final class InjuryAccidentRate extends RoadRate {

    static final String KIND = "injury_accident_rate";

    @Override
    boolean counts(Incident roadEvent) {
        return roadEvent.getInjured() + roadEvent.getKilled() > 0;
    }

    @Override
    long counted(DayBucket day) {
        return day.injuryAccidents;
    }
}
