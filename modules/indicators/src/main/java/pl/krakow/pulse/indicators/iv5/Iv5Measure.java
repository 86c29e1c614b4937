package pl.krakow.pulse.indicators.iv5;

import java.util.Collection;
import java.util.Optional;
import pl.krakow.pulse.events.safety.Incident;
import pl.krakow.pulse.events.safety.IncidentCategory;

/**
 * What one IV.5 kind measures, free of Kafka: which incidents change its windows, and the value of a window from the
 * {@link DayBucket}s of its days. {@link Iv5SafetyProcessor} keeps the buckets, decides which windows are dirty and
 * when they are FINAL, and asks the measure for the value.
 */
interface Iv5Measure {

    /** Whether {@code incident} changes this measure's value in the windows that cover its day. */
    boolean changedBy(Incident incident);

    /**
     * Whether {@code incident} shows the value exists without changing it (a road event without casualties gives a
     * rate of 0.0): it may open a window, never revise a FINAL one.
     */
    default boolean opensWindow(Incident incident) {
        return false;
    }

    /** Whether values are also published per category ({@code <area>/<category>}) beside the area's own. */
    default boolean perCategory() {
        return false;
    }

    /** Whether the value is per resident: windows of an area without a population figure have none. */
    default boolean perResident() {
        return false;
    }

    /**
     * The value of a window from its days' buckets, or empty when it has nothing to say.
     *
     * @param category  the category of a {@code <area>/<category>} scope, null for the area's all-category value
     * @param residents the area's residents in the window's last year ({@link #perResident()} measures only)
     */
    Optional<Measured> measure(Collection<DayBucket> days, IncidentCategory category, long residents);

    /** A window's value and the number of observations behind it. */
    record Measured(double value, int observed) {
    }
}
