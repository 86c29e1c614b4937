package pl.krakow.pulse.ingest;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import pl.krakow.pulse.events.environment.Pollutant;

/**
 * The validation rules of DESIGN §8 as small pure checks a parser calls while it builds events:
 * time sanity ({@link TimeSanity}), physical ranges ({@link PhysicalRanges}), known stations (a set
 * of codes) and duplicates within the session ({@link DuplicateFilter}).
 *
 * <p>One instance per session (it holds the duplicate window); not thread-safe. Every check returns
 * the {@link Violation} or empty. {@link #checkDuplicate} records the id, so call it last, once the
 * event passed every other check: a rejected event does not make its corrected re-delivery a duplicate.
 */
public final class EventValidator {

    private final TimeSanity time;
    private final PhysicalRanges ranges;
    private final Set<String> knownStations;
    private final DuplicateFilter duplicates;

    /**
     * @param knownStations the station codes accepted; a code not in the set is {@link ReasonCode#UNKNOWN_STATION}
     */
    public EventValidator(TimeSanity time, PhysicalRanges ranges, Set<String> knownStations, DuplicateFilter duplicates) {
        this.time = Objects.requireNonNull(time, "time");
        this.ranges = Objects.requireNonNull(ranges, "ranges");
        this.knownStations = Set.copyOf(knownStations);
        this.duplicates = Objects.requireNonNull(duplicates, "duplicates");
    }

    /** The context's limits and clock, default physical ranges, and the given known stations. */
    public static EventValidator of(IngestContext context, Set<String> knownStations) {
        return new EventValidator(new TimeSanity(context.clock(), context.maxFuture(), context.maxAge()),
                PhysicalRanges.defaults(), knownStations, new DuplicateFilter(context.duplicateWindow()));
    }

    public Optional<Violation> checkTime(Instant eventTime) {
        return time.check(eventTime);
    }

    public Optional<Violation> checkConcentration(Pollutant pollutant, double concentrationUgM3) {
        return ranges.check(pollutant, concentrationUgM3);
    }

    public Optional<Violation> checkStation(String stationCode) {
        if (stationCode == null || !knownStations.contains(stationCode)) {
            return Optional.of(new Violation(ReasonCode.UNKNOWN_STATION,
                    "station '" + stationCode + "' is not in the list of known stations"));
        }
        return Optional.empty();
    }

    /** {@link ReasonCode#DUPLICATE} if the id was already accepted in this session; otherwise records it. */
    public Optional<Violation> checkDuplicate(String eventId) {
        if (!duplicates.firstSighting(eventId)) {
            return Optional.of(new Violation(ReasonCode.DUPLICATE, "event " + eventId + " was already accepted in this session"));
        }
        return Optional.empty();
    }

    /** Forgets an accepted id whose event was not stored, so its re-delivery is accepted ({@link DuplicateFilter#forget}). */
    public void forgetDuplicate(String eventId) {
        duplicates.forget(eventId);
    }

    /**
     * Every check for one air-quality measurement, in order: time, value, station, duplicate. The
     * first violation wins.
     */
    public Optional<Violation> checkMeasurement(String eventId, Instant eventTime, String stationCode,
                                                Pollutant pollutant, double concentrationUgM3) {
        Optional<Violation> v = checkTime(eventTime);
        if (v.isEmpty()) {
            v = checkConcentration(pollutant, concentrationUgM3);
        }
        if (v.isEmpty()) {
            v = checkStation(stationCode);
        }
        if (v.isEmpty()) {
            v = checkDuplicate(eventId);
        }
        return v;
    }

    public Set<String> knownStations() {
        return knownStations;
    }
}
