package pl.krakow.pulse.indicators.iv5;

import java.util.Collection;
import java.util.Optional;
import pl.krakow.pulse.events.safety.Incident;
import pl.krakow.pulse.events.safety.IncidentCategory;

/**
 * A road-safety rate per 100 000 residents ({@link Rates}): the road events counted by {@link #counted} over the
 * window, divided by the area's residents. Any road event opens the window (a rate of 0.0 is a value); only an
 * event that counts revises it. Areas without a population figure (a region, another city) have no value.
 */
abstract class RoadRate implements Iv5Measure {

    /** Whether the road event counts towards the rate. */
    abstract boolean counts(Incident roadEvent);

    /** What one day's bucket adds to the rate's numerator. */
    abstract long counted(DayBucket day);

    @Override
    public final boolean changedBy(Incident incident) {
        return DayBucket.isRoad(incident.getCategory()) && counts(incident);
    }

    @Override
    public final boolean opensWindow(Incident incident) {
        return DayBucket.isRoad(incident.getCategory());
    }

    @Override
    public final boolean perResident() {
        return true;
    }

    @Override
    public final Optional<Measured> measure(Collection<DayBucket> days, IncidentCategory category, long residents) {
        long sum = 0;
        for (DayBucket b : days) {
            sum += counted(b);
        }
        return Optional.of(new Measured(Rates.per100k(sum, residents), (int) sum));
    }
}
