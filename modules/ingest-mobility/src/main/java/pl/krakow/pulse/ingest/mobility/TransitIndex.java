package pl.krakow.pulse.ingest.mobility;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import pl.krakow.pulse.events.mobility.TransportMode;

/**
 * The loaded static GTFS feeds by feed id, for resolving a realtime record's trip to its route. Trip
 * ids are only unique within one feed (Kraków's tram and bus feeds reuse the same id pattern), so a
 * lookup always names the static feed the realtime feed belongs to. Immutable, thread-safe.
 */
public final class TransitIndex {

    /** A route as a realtime record needs it. */
    public record ResolvedRoute(String routeId, String lineName, TransportMode mode) {
    }

    private static final TransitIndex EMPTY = new TransitIndex(List.of());

    private final Map<String, GtfsFeed> feeds = new LinkedHashMap<>();

    public TransitIndex(Collection<GtfsFeed> feeds) {
        feeds.forEach(f -> this.feeds.put(f.feedId(), f));
    }

    /** No static feed: realtime records keep only the route_id they carry. */
    public static TransitIndex empty() {
        return EMPTY;
    }

    public Optional<GtfsFeed> feed(String feedId) {
        return Optional.ofNullable(feedId == null ? null : feeds.get(feedId));
    }

    public Collection<GtfsFeed> feeds() {
        return feeds.values();
    }

    /** The route of a trip of static feed {@code feedId}; empty when the feed or the trip is unknown. */
    public Optional<ResolvedRoute> routeOfTrip(String feedId, String tripId) {
        GtfsFeed feed = feedId == null ? null : feeds.get(feedId);
        if (feed == null || tripId == null) {
            return Optional.empty();
        }
        GtfsFeed.Trip trip = feed.trips().get(tripId);
        return trip == null ? Optional.empty() : route(feedId, trip.routeId());
    }

    /** A route of static feed {@code feedId}; empty when unknown. */
    public Optional<ResolvedRoute> route(String feedId, String routeId) {
        GtfsFeed feed = feedId == null ? null : feeds.get(feedId);
        GtfsFeed.Route r = feed == null || routeId == null ? null : feed.routes().get(routeId);
        return r == null ? Optional.empty()
                : Optional.of(new ResolvedRoute(r.routeId(), r.lineName(), TransportModes.of(r.routeType())));
    }
}
