package pl.krakow.pulse.ingest.mobility;

import java.util.Objects;
import pl.krakow.pulse.events.mobility.TransportMode;

/**
 * One GTFS-Realtime feed as Kraków Pulse knows it: its id (the records' {@code feed} is
 * {@code gtfs-rt:<id>}), the static feed its trip and route ids belong to (null: none loaded), and
 * the mode of its vehicles when no route tells (a city that publishes trams and buses separately,
 * as Kraków does, knows each feed's mode).
 */
public record RealtimeFeed(String feedId, String staticFeedId, TransportMode defaultMode) {

    public RealtimeFeed {
        Objects.requireNonNull(feedId, "feedId");
        Objects.requireNonNull(defaultMode, "defaultMode");
    }

    /** The {@code feed} field of its records and the {@code feed} tag of its metrics. */
    public String feedName() {
        return "gtfs-rt:" + feedId;
    }
}
