package pl.krakow.pulse.indicators.iv4;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import pl.krakow.pulse.indicators.kind.IndicatorKind;
import pl.krakow.pulse.platform.catalog.CatalogException;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;

/**
 * The IV.4 kinds. Each is computed by one of the goal's three shared processors (one task per input: vehicle
 * positions, stop events, bike stations), which compute fixed indicator ids; an entry of a kind therefore claims one of
 * those ids, and an entry with another id fails at start-up rather than be silently left uncomputed. What an entry
 * adds is its grace. None has parameters of its own.
 */
public final class Iv4Kinds {

    private Iv4Kinds() {
    }

    /** The shared processor (and its input) that computes a kind. */
    public enum Group { VEHICLES, DELAYS, BIKES }

    /** One implemented IV.4 entry: the processor group computing it and how long its windows wait for late records. */
    public record Iv4Indicator(String id, Group group, Duration grace) {
    }

    /** Every IV.4 kind, in registration order. */
    public static List<IndicatorKind<Iv4Indicator>> all() {
        return List.of(
                new Kind("vehicles_in_service", Group.VEHICLES, Set.of(VehiclesProcessor.IN_SERVICE)),
                new Kind("commercial_speed", Group.VEHICLES, Set.of(VehiclesProcessor.SPEED)),
                new Kind("on_time_share", Group.DELAYS, Set.of(DelayProcessor.ON_TIME)),
                new Kind("delay_percentiles", Group.DELAYS, Set.of(DelayProcessor.DELAY_P50, DelayProcessor.DELAY_P90)),
                new Kind("bike_availability", Group.BIKES, Set.of(BikeAvailabilityProcessor.AVAILABILITY)));
    }

    private record Kind(String name, Group group, Set<String> ids) implements IndicatorKind<Iv4Indicator> {

        @Override
        public String goal() {
            return "IV.4";
        }

        @Override
        public Set<String> parameterKeys() {
            return Set.of();
        }

        @Override
        public Iv4Indicator parse(IndicatorCatalog.Indicator entry) {
            if (!ids.contains(entry.id())) {
                throw new CatalogException(entry.location("id"), entry.id(), "id", "kind " + name
                        + " is computed for " + ids.stream().sorted().toList() + " only");
            }
            return new Iv4Indicator(entry.id(), group, entry.graceDuration());
        }
    }
}
