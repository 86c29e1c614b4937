package pl.krakow.pulse.ingest.mobility;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import pl.krakow.pulse.events.mobility.TransportMode;

/**
 * The loaded static GTFS feeds by feed id, for resolving a realtime record's trip to its route. Trip
 * ids are only unique within one feed (Kraków's tram and bus feeds reuse the same id pattern), so a
 * lookup always names the static feed the realtime feed belongs to.
 *
 * <p>Nor are they unique across versions of one feed: Kraków reuses {@code block_706_trip_17_service_3} from one
 * timetable to the next for another run, so a trip id found in the feed is taken for that trip only on a service
 * date its service runs on ({@link #trip}); a realtime record from before or after the feed's calendar is an
 * unknown trip, not a trip of this timetable. Immutable, thread-safe.
 */
public final class TransitIndex {

    /** A route as a realtime record needs it. */
    public record ResolvedRoute(String routeId, String lineName, TransportMode mode) {
    }

    /** What a realtime trip is in its static feed at the time of the record. */
    public sealed interface TripMatch {
    }

    /** The trip runs on one of the candidate service dates: this is its route. */
    public record Running(ResolvedRoute route) implements TripMatch {
    }

    /** The feed (or the trip's route) does not know the trip id. */
    public record NotInFeed() implements TripMatch {
    }

    /**
     * The feed knows the trip id, but its service runs on none of {@code serviceDates}: another timetable's trip
     * under a reused id, or a static feed not (yet, or no longer) in force.
     */
    public record NotRunning(String serviceId, List<LocalDate> serviceDates, String serviceRange) implements TripMatch {
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

    /**
     * Trip {@code tripId} of static feed {@code feedId} as a realtime record sees it: running when its service runs
     * on the realtime trip's service date {@code startDate} (the TripDescriptor's start_date), or, when the record
     * names none, on a service date {@code time} may belong to in the feed's agency time zone
     * ({@link ServiceCalendar#serviceDatesOf}: its own and, in the small hours, the previous one).
     *
     * @param startDate the realtime trip's service date, or null
     * @param time      when the record was true; used when {@code startDate} is null
     */
    public TripMatch trip(String feedId, String tripId, LocalDate startDate, Instant time) {
        GtfsFeed feed = feedId == null ? null : feeds.get(feedId);
        GtfsFeed.Trip trip = feed == null || tripId == null ? null : feed.trips().get(tripId);
        Optional<ResolvedRoute> route = trip == null ? Optional.empty() : route(feedId, trip.routeId());
        if (route.isEmpty()) {
            return new NotInFeed();
        }
        List<LocalDate> dates = startDate != null ? List.of(startDate)
                : ServiceCalendar.serviceDatesOf(Objects.requireNonNull(time, "time"), feed.timeZone());
        if (!feed.calendar().runsOnAny(trip.serviceId(), dates)) {
            return new NotRunning(trip.serviceId(), dates, feed.calendar().describe(trip.serviceId()).orElse("no date"));
        }
        return new Running(route.get());
    }

    /** A route of static feed {@code feedId}; empty when unknown. */
    public Optional<ResolvedRoute> route(String feedId, String routeId) {
        GtfsFeed feed = feedId == null ? null : feeds.get(feedId);
        GtfsFeed.Route r = feed == null || routeId == null ? null : feed.routes().get(routeId);
        return r == null ? Optional.empty()
                : Optional.of(new ResolvedRoute(r.routeId(), r.lineName(), TransportModes.of(r.routeType())));
    }
}
