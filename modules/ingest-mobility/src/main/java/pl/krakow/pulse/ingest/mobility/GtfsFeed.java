package pl.krakow.pulse.ingest.mobility;

import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;

/**
 * One static GTFS feed as loaded by {@link GtfsStaticLoader}: what the realtime feeds and the
 * reference topics need (stops, routes, trips with their route and service, the service calendar in the
 * agency's time zone) plus row counts of the other files.
 * Ids are opaque strings: nothing here assumes any operator's id format.
 *
 * @param feedId          the name the feed is known by in Kraków Pulse, e.g. {@code krakow-T}
 * @param agencyCount     rows of agency.txt
 * @param stops           stop_id → stop, in file order
 * @param routes          route_id → route, in file order
 * @param trips           trip_id → trip, in file order
 * @param calendarRows    rows of calendar.txt (0 when absent: calendar_dates.txt alone is valid GTFS)
 * @param calendarDateRows rows of calendar_dates.txt (0 when absent)
 * @param stopTimeRows    rows of stop_times.txt, -1 when the feed has none (Kraków's published copy has none)
 * @param shapePointRows  rows of shapes.txt, -1 when the feed has none
 * @param timeZone        the agency time zone (agency.txt {@code agency_timezone}), in which service dates are counted
 * @param calendar        on which service dates each service_id runs (calendar.txt and calendar_dates.txt)
 */
public record GtfsFeed(String feedId, int agencyCount, Map<String, Stop> stops, Map<String, Route> routes,
                       Map<String, Trip> trips, int calendarRows, int calendarDateRows, long stopTimeRows,
                       long shapePointRows, ZoneId timeZone, ServiceCalendar calendar) {

    /** A stop; coordinates WGS84 degrees. */
    public record Stop(String stopId, String code, String name, double latitude, double longitude) {
    }

    /** A route; {@code routeType} as in routes.txt (basic or extended). */
    public record Route(String routeId, String shortName, String longName, int routeType) {
        /** The line riders know: the short name, else the long name, else the id. */
        public String lineName() {
            if (shortName != null && !shortName.isBlank()) {
                return shortName;
            }
            return longName != null && !longName.isBlank() ? longName : routeId;
        }
    }

    /** A trip and the route it runs on. */
    public record Trip(String tripId, String routeId, String serviceId) {
    }

    public GtfsFeed {
        Objects.requireNonNull(feedId, "feedId");
        Objects.requireNonNull(timeZone, "timeZone");
        Objects.requireNonNull(calendar, "calendar");
        stops = Map.copyOf(stops);
        routes = Map.copyOf(routes);
        trips = Map.copyOf(trips);
    }
}
