package pl.krakow.pulse.indicators.iv5;

import java.util.Collection;
import java.util.Optional;
import pl.krakow.pulse.events.safety.Incident;
import pl.krakow.pulse.events.safety.IncidentCategory;

/**
 * Kind {@code incident_count}: the incidents of the window, all categories ({@code <area>}) and per category
 * ({@code <area>/<category>}); a window without incidents has no value (counts of zero are not published).
 */
final class IncidentCount implements Iv5Measure {

    static final String KIND = "incident_count";

    @Override
    public boolean changedBy(Incident incident) {
        return true;
    }

    @Override
    public boolean perCategory() {
        return true;
    }

    @Override
    public Optional<Measured> measure(Collection<DayBucket> days, IncidentCategory category, long residents) {
        long sum = 0;
        for (DayBucket b : days) {
            sum += category == null ? b.total() : b.countsByCategory[category.ordinal()];
        }
        return sum == 0 ? Optional.empty() : Optional.of(new Measured((double) sum, (int) sum));
    }
}
