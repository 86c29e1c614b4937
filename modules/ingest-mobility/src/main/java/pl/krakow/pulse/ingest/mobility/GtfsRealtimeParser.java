package pl.krakow.pulse.ingest.mobility;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.transit.realtime.GtfsRealtime.FeedEntity;
import com.google.transit.realtime.GtfsRealtime.FeedHeader;
import com.google.transit.realtime.GtfsRealtime.FeedMessage;
import com.google.transit.realtime.GtfsRealtime.TripDescriptor;
import com.google.transit.realtime.GtfsRealtime.TripUpdate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import pl.krakow.pulse.events.common.GeoPoint;
import pl.krakow.pulse.events.mobility.StopEvent;
import pl.krakow.pulse.events.mobility.TransportMode;
import pl.krakow.pulse.events.mobility.VehiclePosition;
import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReasonCode;
import pl.krakow.pulse.ingest.Violation;
import pl.krakow.pulse.runtime.geo.District;
import pl.krakow.pulse.runtime.geo.KrakowDistricts;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * Decodes GTFS-Realtime {@code FeedMessage}s (protobuf; classes generated from gtfs-realtime.proto at build time): VehiclePositions →
 * {@link VehiclePosition} on {@code mobility.vehicle-positions.v1}, TripUpdates → one {@link StopEvent} per
 * stop_time_update with a delay on {@code mobility.stop-events.v1}. One body may carry both. The Kafka key is
 * the feed's transit system ({@link RealtimeFeed#system()}), not the vehicle or trip: a city's snapshots must
 * reach the city-wide aggregation in time order, which only one partition guarantees.
 *
 * <p><b>Session semantics</b> (one instance = one replay or poll loop, inputs of a feed in time order):
 * <ul>
 *   <li><b>FULL_DATASET</b>: a vehicle that was in service in the feed's previous snapshot and is absent
 *       from this one has left service: it gets a record with {@code inService=false}, its last known
 *       position, and the new snapshot's header time. A DIFFERENTIAL feed never implies departures.</li>
 *   <li><b>Unchanged records re-served</b> (same vehicle, same timestamp and position; same trip, stop and
 *       delays) are not new events: skipped and counted in {@code pulse.ingest.unchanged} — not dead-lettered,
 *       since a poller sees them every cycle by design.</li>
 *   <li><b>Time</b>: a position's time is its own timestamp, else the header's; a stop event's is the
 *       predicted/actual departure (else arrival) time, else the trip update's timestamp, else the header's.</li>
 *   <li><b>Route</b>: the trip descriptor's route_id, else the route of trip_id in the static feed this realtime
 *       feed is bound to ({@link RealtimeFeed#staticFeedId()}); ids are opaque. A trip_id resolves only on a service
 *       date its service runs on ({@link TransitIndex#trip}): the descriptor's start_date, else the service dates
 *       the record's time may belong to (a position's time; a trip update's timestamp, else the header's, else its
 *       first stop time) — trip ids are reused across timetable versions. A trip the static feed does not know, or
 *       whose service does not run then, is counted in {@code pulse.ingest.unknown.trips} (the second kind also in
 *       {@code pulse.ingest.unknown.trips.not.running}) and kept without route or rejected as
 *       {@code UNKNOWN_TRIP}, per {@link UnknownTripPolicy}.</li>
 * </ul>
 *
 * <p><b>Rejections</b> (raw bytes, reason): a body that is empty or holds no entity → {@code EMPTY_INPUT};
 * that ends early → {@code TRUNCATED}; that is not a FeedMessage → {@code MALFORMED} (nothing of such a body is
 * used, and no vehicle is taken to have left service); per entity: no position → {@code MALFORMED}, position
 * outside the {@link PlausibleArea} or a delay beyond ±1 day → {@code OUT_OF_RANGE}, time beyond
 * {@code ingest.max.future}/{@code ingest.max.age} → {@code IN_FUTURE}/{@code TOO_OLD}. An entity's raw payload
 * is its own protobuf encoding.
 */
public final class GtfsRealtimeParser implements FeedParser {

    public static final String CONTENT_TYPE = "application/x-protobuf";
    public static final String UNCHANGED_METRIC = "pulse.ingest.unchanged";
    public static final String UNKNOWN_TRIPS_METRIC = "pulse.ingest.unknown.trips";
    /** Of the unknown trips, those the static feed has but whose service does not run on the record's date. */
    public static final String NOT_RUNNING_TRIPS_METRIC = "pulse.ingest.unknown.trips.not.running";
    public static final String LEFT_SERVICE_METRIC = "pulse.ingest.vehicles.left.service";
    /** Delays beyond a day are feed errors (e.g. a wrong service date), not late vehicles. */
    static final int MAX_ABS_DELAY_SECONDS = 86_400;

    private final Function<String, RealtimeFeed> feedOfInput;
    private final TransitIndex index;
    private final PlausibleArea area;
    private final KrakowDistricts districts;
    private final UnknownTripPolicy unknownTrips;
    private final EventValidator validator;
    private final Clock clock;
    private final MeterRegistry meters;

    /** vehicle key → last accepted position (to skip re-served ones and to announce departures). */
    private final Map<String, VehiclePosition> lastPosition = new HashMap<>();
    /** realtime feed id → vehicle keys in service after its latest snapshot. */
    private final Map<String, Set<String>> inService = new HashMap<>();
    /**
     * trip|start date|stop → "arrivalDelay/departureDelay" last accepted; bounded (least recently updated entries
     * go first) because a poller runs for weeks and a city serves ~10⁵ trip-stops a day.
     */
    private final Map<String, String> lastStopDelay = new java.util.LinkedHashMap<>(1024, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_REMEMBERED_STOPS;
        }
    };
    static final int MAX_REMEMBERED_STOPS = 200_000;

    /**
     * @param feedOfInput the realtime feed an input belongs to, by input name (a poller passes a constant)
     */
    public GtfsRealtimeParser(Function<String, RealtimeFeed> feedOfInput, TransitIndex index, PlausibleArea area,
                              KrakowDistricts districts, UnknownTripPolicy unknownTrips, EventValidator validator,
                              Clock clock, MeterRegistry meters) {
        this.feedOfInput = Objects.requireNonNull(feedOfInput, "feedOfInput");
        this.index = Objects.requireNonNull(index, "index");
        this.area = Objects.requireNonNull(area, "area");
        this.districts = Objects.requireNonNull(districts, "districts");
        this.unknownTrips = Objects.requireNonNull(unknownTrips, "unknownTrips");
        this.validator = Objects.requireNonNull(validator, "validator");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.meters = Objects.requireNonNull(meters, "meters");
    }

    @Override
    public Stream<ParseOutcome> parse(InputStream in, String sourceName) {
        byte[] body;
        try (in) {
            body = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parse(body, sourceName);
    }

    @Override
    public Stream<ParseOutcome> parse(byte[] body, String sourceName) {
        RealtimeFeed feed = feedOfInput.apply(sourceName);
        return decode(feed, body, sourceName).stream();
    }

    private List<ParseOutcome> decode(RealtimeFeed feed, byte[] body, String source) {
        List<ParseOutcome> out = new ArrayList<>();
        if (body.length == 0) {
            out.add(reject(feed, ReasonCode.EMPTY_INPUT, "empty GTFS-Realtime body", body, source, null));
            return out;
        }
        FeedMessage message;
        try {
            message = FeedMessage.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            boolean truncated = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("ended unexpectedly")
                    || String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("truncated");
            out.add(reject(feed, truncated ? ReasonCode.TRUNCATED : ReasonCode.MALFORMED,
                    "not a complete GTFS-Realtime FeedMessage (" + body.length + " bytes): " + e.getMessage(), body, source, null));
            return out;
        }
        if (message.getEntityCount() == 0) {
            // An empty FULL_DATASET would mean "every vehicle left"; far likelier a feed outage, so nothing is inferred.
            out.add(reject(feed, ReasonCode.EMPTY_INPUT, "GTFS-Realtime feed holds no entity (header timestamp "
                    + message.getHeader().getTimestamp() + ")", body, source, null));
            return out;
        }
        FeedHeader header = message.getHeader();
        Instant headerTime = header.hasTimestamp() && header.getTimestamp() > 0 ? Instant.ofEpochSecond(header.getTimestamp()) : null;
        boolean full = header.getIncrementality() == FeedHeader.Incrementality.FULL_DATASET;
        Set<String> present = new HashSet<>();
        Instant newest = headerTime;
        for (FeedEntity entity : message.getEntityList()) {
            if (entity.getIsDeleted()) {
                continue;
            }
            if (entity.hasVehicle()) {
                Instant t = vehicle(feed, entity, headerTime, source, present, out);
                if (t != null && (newest == null || t.isAfter(newest))) {
                    newest = t;
                }
            }
            if (entity.hasTripUpdate()) {
                tripUpdate(feed, entity, headerTime, source, out);
            }
        }
        if (full && message.getEntityList().stream().anyMatch(FeedEntity::hasVehicle)) {
            leftService(feed, present, newest, source, out);
        }
        return out;
    }

    /** @return the position's time when accepted, else null */
    private Instant vehicle(RealtimeFeed feed, FeedEntity entity, Instant headerTime, String source, Set<String> present,
                            List<ParseOutcome> out) {
        var v = entity.getVehicle();
        String vehicleId = v.hasVehicle() && !v.getVehicle().getId().isEmpty() ? v.getVehicle().getId() : entity.getId();
        String key = feed.feedId() + '|' + vehicleId;
        present.add(key);
        String sourceId = source + '#' + entity.getId();
        byte[] raw = entity.toByteArray();
        if (!v.hasPosition()) {
            out.add(reject(feed, ReasonCode.MALFORMED, "vehicle " + vehicleId + " has no position", raw, sourceId,
                    Topics.VEHICLE_POSITIONS));
            return null;
        }
        double lat = v.getPosition().getLatitude();
        double lon = v.getPosition().getLongitude();
        if (!Double.isFinite(lat) || !Double.isFinite(lon) || !area.contains(lat, lon)) {
            out.add(reject(feed, ReasonCode.OUT_OF_RANGE, "vehicle " + vehicleId + " at " + lat + "," + lon
                    + " is outside the plausible area " + area + " (mobility.area.bbox)", raw, sourceId, Topics.VEHICLE_POSITIONS));
            return null;
        }
        Instant time = v.hasTimestamp() && v.getTimestamp() > 0 ? Instant.ofEpochSecond(v.getTimestamp()) : headerTime;
        if (time == null) {
            out.add(reject(feed, ReasonCode.MALFORMED, "vehicle " + vehicleId + " has no timestamp and the header none either",
                    raw, sourceId, Topics.VEHICLE_POSITIONS));
            return null;
        }
        Optional<Violation> bad = validator.checkTime(time);
        if (bad.isPresent()) {
            out.add(reject(feed, bad.get().reason(), "vehicle " + vehicleId + ": " + bad.get().message(), raw, sourceId,
                    Topics.VEHICLE_POSITIONS));
            return null;
        }
        TripDescriptor trip = v.hasTrip() ? v.getTrip() : null;
        Resolution resolution = resolve(feed, trip, time);
        if (resolution.unknown() != null) {
            return unknownTrip(feed, trip, resolution.unknown(), raw, sourceId, Topics.VEHICLE_POSITIONS, out) ? null
                    : acceptVehicle(feed, v.toBuilder(), vehicleId, key, time, headerTime, Optional.empty(), lat, lon,
                    sourceId, out);
        }
        return acceptVehicle(feed, v.toBuilder(), vehicleId, key, time, headerTime, resolution.route(), lat, lon,
                sourceId, out);
    }

    private Instant acceptVehicle(RealtimeFeed feed, com.google.transit.realtime.GtfsRealtime.VehiclePosition.Builder v, String vehicleId, String key, Instant time,
                                  Instant headerTime, Optional<TransitIndex.ResolvedRoute> route, double lat, double lon,
                                  String sourceId, List<ParseOutcome> out) {
        VehiclePosition previous = lastPosition.get(key);
        if (previous != null && previous.getInService() && previous.getEventTime().equals(time)
                && previous.getPosition().getLatitude() == lat && previous.getPosition().getLongitude() == lon) {
            counter(UNCHANGED_METRIC, feed).increment();
            return null;
        }
        String eventId = feed.feedName() + ':' + vehicleId + ':' + time.getEpochSecond() + ':' + lat + ':' + lon;
        Optional<Violation> dup = validator.checkDuplicate(eventId);
        if (dup.isPresent()) {
            counter(UNCHANGED_METRIC, feed).increment();
            return null;
        }
        String tripId = v.hasTrip() && !v.getTrip().getTripId().isEmpty() ? v.getTrip().getTripId() : null;
        String routeId = route.map(TransitIndex.ResolvedRoute::routeId)
                .orElse(v.hasTrip() && !v.getTrip().getRouteId().isEmpty() ? v.getTrip().getRouteId() : null);
        TransportMode mode = route.map(TransitIndex.ResolvedRoute::mode).orElse(feed.defaultMode());
        Float bearing = v.getPosition().hasBearing() ? v.getPosition().getBearing() : null;
        Float speedKmh = v.getPosition().hasSpeed() ? (float) (v.getPosition().getSpeed() * 3.6) : null; // m/s → km/h
        String district = districts.districtOf(lat, lon).map(District::roman).orElse(null);
        VehiclePosition record = VehiclePosition.newBuilder()
                .setEventId(eventId).setEventTime(time).setFeed(feed.feedName()).setSourceId(sourceId)
                .setVehicleId(vehicleId).setTripId(tripId).setRouteId(routeId).setMode(mode)
                .setPosition(new GeoPoint(lat, lon)).setBearingDeg(bearing).setSpeedKmh(speedKmh)
                .setFeedTimestamp(headerTime != null ? headerTime : time)
                .setLineName(route.map(TransitIndex.ResolvedRoute::lineName).orElse(null))
                .setDistrict(district).setInService(true).setIngestedAt(clock.instant())
                .build();
        lastPosition.put(key, record);
        out.add(new ParseOutcome.Accepted<>(feed.feedName(), Topics.VEHICLE_POSITIONS, feed.system(), record, time, eventId, sourceId));
        return time;
    }

    private void leftService(RealtimeFeed feed, Set<String> present, Instant snapshotTime, String source,
                             List<ParseOutcome> out) {
        Set<String> before = inService.getOrDefault(feed.feedId(), Set.of());
        Set<String> now = new HashSet<>(present);
        if (snapshotTime != null) {
            for (String key : before) {
                if (present.contains(key)) {
                    continue;
                }
                VehiclePosition last = lastPosition.get(key);
                if (last == null || !last.getInService() || !snapshotTime.isAfter(last.getEventTime())) {
                    continue;
                }
                String eventId = feed.feedName() + ':' + last.getVehicleId() + ":left:" + snapshotTime.getEpochSecond();
                VehiclePosition gone = VehiclePosition.newBuilder(last)
                        .setEventId(eventId).setEventTime(snapshotTime).setFeedTimestamp(snapshotTime)
                        .setSourceId(source + "#absent:" + last.getVehicleId())
                        .setSpeedKmh(null).setInService(false).setIngestedAt(clock.instant()).build();
                lastPosition.put(key, gone);
                counter(LEFT_SERVICE_METRIC, feed).increment();
                out.add(new ParseOutcome.Accepted<>(feed.feedName(), Topics.VEHICLE_POSITIONS, feed.system(), gone, snapshotTime,
                        eventId, gone.getSourceId()));
            }
        }
        inService.put(feed.feedId(), now);
    }

    private void tripUpdate(RealtimeFeed feed, FeedEntity entity, Instant headerTime, String source, List<ParseOutcome> out) {
        TripUpdate tu = entity.getTripUpdate();
        TripDescriptor trip = tu.getTrip();
        String sourceId = source + '#' + entity.getId();
        byte[] raw = entity.toByteArray();
        if (trip.getTripId().isEmpty()) {
            out.add(reject(feed, ReasonCode.MALFORMED, "trip update without trip_id", raw, sourceId, Topics.STOP_EVENTS));
            return;
        }
        Instant updateTime = tu.hasTimestamp() && tu.getTimestamp() > 0 ? Instant.ofEpochSecond(tu.getTimestamp()) : headerTime;
        Resolution resolution = resolve(feed, trip, updateTime != null ? updateTime : firstStopTime(tu));
        Optional<TransitIndex.ResolvedRoute> route = resolution.route();
        if (resolution.unknown() != null) {
            if (unknownTrip(feed, trip, resolution.unknown(), raw, sourceId, Topics.STOP_EVENTS, out)) {
                return;
            }
            route = Optional.empty();
        }
        for (TripUpdate.StopTimeUpdate stu : tu.getStopTimeUpdateList()) {
            if (stu.getScheduleRelationship() != TripUpdate.StopTimeUpdate.ScheduleRelationship.SCHEDULED) {
                continue; // SKIPPED / NO_DATA / UNSCHEDULED carry no delay against a schedule
            }
            Integer arrival = stu.hasArrival() && stu.getArrival().hasDelay() ? stu.getArrival().getDelay() : null;
            Integer departure = stu.hasDeparture() && stu.getDeparture().hasDelay() ? stu.getDeparture().getDelay() : null;
            if (arrival == null && departure == null && tu.hasDelay()) {
                arrival = tu.getDelay(); // trip-level delay applies to stops without their own
            }
            if (arrival == null && departure == null) {
                continue;
            }
            String stop = stu.hasStopSequence() ? "seq" + stu.getStopSequence() : "stop" + stu.getStopId();
            String stopSource = sourceId + '/' + stop;
            byte[] stopRaw = stu.toByteArray();
            if ((arrival != null && Math.abs(arrival) > MAX_ABS_DELAY_SECONDS)
                    || (departure != null && Math.abs(departure) > MAX_ABS_DELAY_SECONDS)) {
                out.add(reject(feed, ReasonCode.OUT_OF_RANGE, "trip " + trip.getTripId() + " " + stop + ": delay "
                        + (departure != null ? departure : arrival) + " s is beyond ±1 day", stopRaw, stopSource, Topics.STOP_EVENTS));
                continue;
            }
            Instant time = null;
            if (stu.hasDeparture() && stu.getDeparture().hasTime() && stu.getDeparture().getTime() > 0) {
                time = Instant.ofEpochSecond(stu.getDeparture().getTime());
            } else if (stu.hasArrival() && stu.getArrival().hasTime() && stu.getArrival().getTime() > 0) {
                time = Instant.ofEpochSecond(stu.getArrival().getTime());
            }
            if (time == null) {
                time = updateTime;
            }
            if (time == null) {
                out.add(reject(feed, ReasonCode.MALFORMED, "trip " + trip.getTripId() + " " + stop
                        + ": no time in the stop, the update or the header", stopRaw, stopSource, Topics.STOP_EVENTS));
                continue;
            }
            Optional<Violation> bad = validator.checkTime(time);
            if (bad.isPresent()) {
                out.add(reject(feed, bad.get().reason(), "trip " + trip.getTripId() + " " + stop + ": " + bad.get().message(),
                        stopRaw, stopSource, Topics.STOP_EVENTS));
                continue;
            }
            String stateKey = feed.feedId() + '|' + trip.getTripId() + '|' + trip.getStartDate() + '|' + stop;
            String delays = arrival + "/" + departure;
            if (delays.equals(lastStopDelay.get(stateKey))) {
                counter(UNCHANGED_METRIC, feed).increment();
                continue;
            }
            String eventId = feed.feedName() + ':' + trip.getTripId() + ':' + trip.getStartDate() + ':' + stop + ':' + delays;
            if (validator.checkDuplicate(eventId).isPresent()) {
                counter(UNCHANGED_METRIC, feed).increment();
                continue;
            }
            lastStopDelay.put(stateKey, delays);
            String routeId = route.map(TransitIndex.ResolvedRoute::routeId)
                    .orElse(trip.getRouteId().isEmpty() ? null : trip.getRouteId());
            StopEvent event = StopEvent.newBuilder()
                    .setEventId(eventId).setEventTime(time).setFeed(feed.feedName()).setSourceId(stopSource)
                    .setTripId(trip.getTripId()).setRouteId(routeId)
                    .setStopId(stu.getStopId().isEmpty() ? null : stu.getStopId())
                    .setStopSequence(stu.hasStopSequence() ? stu.getStopSequence() : null)
                    .setArrivalDelaySeconds(arrival).setDepartureDelaySeconds(departure)
                    .setLineName(route.map(TransitIndex.ResolvedRoute::lineName).orElse(null))
                    .setFeedTimestamp(headerTime).setIngestedAt(clock.instant())
                    .build();
            out.add(new ParseOutcome.Accepted<>(feed.feedName(), Topics.STOP_EVENTS, feed.system(), event, time, eventId,
                    stopSource));
        }
    }

    /**
     * What a realtime trip resolves to: {@code route} empty when none can be known (no static feed bound and no
     * route_id); {@code unknown} non-null — why — when the bound static feed cannot place the trip (an unknown trip).
     */
    private record Resolution(Optional<TransitIndex.ResolvedRoute> route, String unknown) {
        static final Resolution NONE = new Resolution(Optional.empty(), null);
    }

    /**
     * The route of a trip: the descriptor's route_id (resolved in the static feed when it has it), else the route of
     * trip_id in the bound static feed on the trip's service date ({@link TransitIndex#trip}).
     *
     * @param time when the record was true (for the service date when the descriptor has no start_date); may be null
     *             only when nothing of the record can be timed, and then the record is rejected anyway
     */
    private Resolution resolve(RealtimeFeed feed, TripDescriptor trip, Instant time) {
        if (trip == null) {
            return Resolution.NONE;
        }
        boolean bound = index.feed(feed.staticFeedId()).isPresent();
        if (!trip.getRouteId().isEmpty()) {
            Optional<TransitIndex.ResolvedRoute> r = bound ? index.route(feed.staticFeedId(), trip.getRouteId()) : Optional.empty();
            // route_id given: use it even when the static feed lacks it
            return new Resolution(r.isPresent() ? r
                    : Optional.of(new TransitIndex.ResolvedRoute(trip.getRouteId(), null, feed.defaultMode())), null);
        }
        if (!bound || trip.getTripId().isEmpty()) {
            return Resolution.NONE;
        }
        LocalDate startDate = startDate(trip);
        if (startDate == null && time == null) {
            return Resolution.NONE;
        }
        TransitIndex.TripMatch match = index.trip(feed.staticFeedId(), trip.getTripId(), startDate, time);
        if (match instanceof TransitIndex.Running running) {
            return new Resolution(Optional.of(running.route()), null);
        }
        if (match instanceof TransitIndex.NotRunning notRunning) {
            counter(NOT_RUNNING_TRIPS_METRIC, feed).increment();
            return new Resolution(Optional.empty(), "of static GTFS feed " + feed.staticFeedId() + " has service "
                    + notRunning.serviceId() + " (" + notRunning.serviceRange() + "), which does not run on service date "
                    + notRunning.serviceDates().stream().map(LocalDate::toString).collect(Collectors.joining(" or ")));
        }
        return new Resolution(Optional.empty(), "is not in static GTFS feed " + feed.staticFeedId());
    }

    /** The descriptor's start_date (the trip's service date, YYYYMMDD), or null when absent or unreadable. */
    private static LocalDate startDate(TripDescriptor trip) {
        if (!trip.hasStartDate() || trip.getStartDate().isEmpty()) {
            return null;
        }
        try {
            return LocalDate.parse(trip.getStartDate(), DateTimeFormatter.BASIC_ISO_DATE);
        } catch (DateTimeParseException e) {
            return null; // then the record's time decides, as for a descriptor without one
        }
    }

    /** The first stop time of a trip update, for a trip update stamped neither itself nor by its header. */
    private static Instant firstStopTime(TripUpdate tu) {
        for (TripUpdate.StopTimeUpdate stu : tu.getStopTimeUpdateList()) {
            if (stu.hasDeparture() && stu.getDeparture().getTime() > 0) {
                return Instant.ofEpochSecond(stu.getDeparture().getTime());
            }
            if (stu.hasArrival() && stu.getArrival().getTime() > 0) {
                return Instant.ofEpochSecond(stu.getArrival().getTime());
            }
        }
        return null;
    }

    /** Counts an unknown trip; true when the policy rejected it (the caller stops there). */
    private boolean unknownTrip(RealtimeFeed feed, TripDescriptor trip, String why, byte[] raw, String sourceId,
                                pl.krakow.pulse.platform.topics.TopicSpec<?> topic, List<ParseOutcome> out) {
        counter(UNKNOWN_TRIPS_METRIC, feed).increment();
        if (unknownTrips == UnknownTripPolicy.REJECT) {
            out.add(reject(feed, ReasonCode.UNKNOWN_TRIP, "trip_id '" + trip.getTripId() + "' " + why, raw, sourceId, topic));
            return true;
        }
        return false;
    }

    private ParseOutcome.Rejected reject(RealtimeFeed feed, ReasonCode reason, String message, byte[] raw, String sourceId,
                                         pl.krakow.pulse.platform.topics.TopicSpec<?> topic) {
        return new ParseOutcome.Rejected(feed.feedName(), reason, message, raw, sourceId, CONTENT_TYPE, topic, clock.instant());
    }

    private Counter counter(String name, RealtimeFeed feed) {
        return Counter.builder(name).tag("feed", feed.feedName()).register(meters);
    }
}
