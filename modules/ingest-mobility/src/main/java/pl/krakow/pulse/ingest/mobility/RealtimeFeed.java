package pl.krakow.pulse.ingest.mobility;

import java.util.Objects;
import pl.krakow.pulse.events.mobility.TransportMode;

/**
 * One GTFS-Realtime feed as Kraków Pulse knows it: its id (the records' {@code feed} is
 * {@code gtfs-rt:<id>}), the static feed its trip and route ids belong to (null: none loaded), and
 * the mode of its vehicles when no route tells (a city that publishes trams and buses separately,
 * as Kraków does, knows each feed's mode), and the transit system it belongs to: the Kafka key of its records,
 * so every snapshot of one system (Kraków's tram and bus feeds together) lands in one partition in time order and
 * the city-wide aggregation downstream sees it in that order. The vehicle, trip and stop ids are in the values.
 */
public record RealtimeFeed(String feedId, String staticFeedId, TransportMode defaultMode, String system) {

    public RealtimeFeed {
        Objects.requireNonNull(feedId, "feedId");
        Objects.requireNonNull(defaultMode, "defaultMode");
        Objects.requireNonNull(system, "system");
    }

    /** A feed that is its own transit system (Kafka key = its id). */
    public RealtimeFeed(String feedId, String staticFeedId, TransportMode defaultMode) {
        this(feedId, staticFeedId, defaultMode, feedId);
    }

    /** The {@code feed} field of its records and the {@code feed} tag of its metrics. */
    public String feedName() {
        return "gtfs-rt:" + feedId;
    }
}
