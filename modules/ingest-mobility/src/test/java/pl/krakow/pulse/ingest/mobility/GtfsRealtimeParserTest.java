package pl.krakow.pulse.ingest.mobility;

import static org.assertj.core.api.Assertions.assertThat;
import static pl.krakow.pulse.ingest.mobility.MobilityTestSupport.*;

import com.google.transit.realtime.GtfsRealtime.FeedEntity;
import com.google.transit.realtime.GtfsRealtime.FeedMessage;
import com.google.transit.realtime.GtfsRealtime.TripUpdate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.mobility.StopEvent;
import pl.krakow.pulse.events.mobility.TransportMode;
import pl.krakow.pulse.events.mobility.VehiclePosition;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReasonCode;

class GtfsRealtimeParserTest {

    private static final String T_SNAPSHOT = MobilityBundledData.RT_KRAKOW_DIR + "VehiclePositions_T_20240820T105636Z.pb";
    private static final Instant H1 = Instant.parse("2026-10-31T10:00:00Z");
    private static final Instant H2 = Instant.parse("2026-10-31T10:00:10Z");

    private final IngestContext context = context();

    private double metric(String name) {
        return context.meters().find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void truncatedBodyIsRejectedAndNothingIsUsed() {
        byte[] full = bundled(T_SNAPSHOT);
        byte[] cut = Arrays.copyOf(full, full.length / 2);
        List<ParseOutcome> out = parse(parser(tramFeed(), krakowIndex(), UnknownTripPolicy.KEEP, context), cut, "cut.pb");
        assertThat(out).hasSize(1);
        assertThat(rejected(out).get(0).reason()).isEqualTo(ReasonCode.TRUNCATED);
        assertThat(rejected(out).get(0).rawPayload()).isEqualTo(cut);
    }

    @Test
    void nonProtobufBodyIsRejectedAsMalformed() {
        byte[] html = "<html><body>502 Bad Gateway</body></html>".getBytes(StandardCharsets.UTF_8);
        List<ParseOutcome> out = parse(parser(tramFeed(), krakowIndex(), UnknownTripPolicy.KEEP, context), html, "x.pb");
        assertThat(rejected(out)).singleElement().satisfies(r -> {
            assertThat(r.reason()).isIn(ReasonCode.MALFORMED, ReasonCode.TRUNCATED);
            assertThat(r.message()).contains("not a complete GTFS-Realtime FeedMessage");
        });
    }

    @Test
    void emptyBodyAndFeedWithoutEntitiesAreEmptyInput() {
        var p = parser(tramFeed(), krakowIndex(), UnknownTripPolicy.KEEP, context);
        assertThat(rejected(parse(p, new byte[0], "e.pb"))).singleElement()
                .extracting(ParseOutcome.Rejected::reason).isEqualTo(ReasonCode.EMPTY_INPUT);
        assertThat(rejected(parse(p, message(H1).toByteArray(), "e.pb"))).singleElement()
                .extracting(ParseOutcome.Rejected::reason).isEqualTo(ReasonCode.EMPTY_INPUT);
    }

    @Test
    void positionOutsideThePlausibleAreaIsRejectedAndTheOthersAccepted() {
        FeedMessage m = message(H1, vehicle("1", null, RYNEK_LAT, RYNEK_LON, H1), vehicle("2", null, 0, 0, H1),
                vehicle("3", null, 52.2297, 21.0122, H1)); // 0/0 lost fix; Warsaw
        List<ParseOutcome> out = parse(parser(tramFeed(), krakowIndex(), UnknownTripPolicy.KEEP, context), m.toByteArray(), "m.pb");
        assertThat(accepted(out, VehiclePosition.class)).extracting(VehiclePosition::getVehicleId).containsExactly("1");
        assertThat(rejected(out)).extracting(ParseOutcome.Rejected::reason)
                .containsExactly(ReasonCode.OUT_OF_RANGE, ReasonCode.OUT_OF_RANGE);
        assertThat(accepted(out, VehiclePosition.class).get(0).getDistrict()).isEqualTo("I");
    }

    @Test
    void timestampsFarInTheFutureOrPastAreRejected() {
        IngestContext strict = context.withMaxAge(Duration.ofDays(1));
        FeedMessage m = message(NOW, vehicle("future", null, RYNEK_LAT, RYNEK_LON, NOW.plus(Duration.ofHours(1))),
                vehicle("old", null, RYNEK_LAT, RYNEK_LON, NOW.minus(Duration.ofDays(2))),
                vehicle("ok", null, RYNEK_LAT, RYNEK_LON, NOW.minusSeconds(5)));
        List<ParseOutcome> out = parse(parser(tramFeed(), krakowIndex(), UnknownTripPolicy.KEEP, strict), m.toByteArray(), "m.pb");
        assertThat(accepted(out, VehiclePosition.class)).extracting(VehiclePosition::getVehicleId).containsExactly("ok");
        assertThat(rejected(out)).extracting(ParseOutcome.Rejected::reason).containsExactly(ReasonCode.IN_FUTURE, ReasonCode.TOO_OLD);
    }

    @Test
    void unknownTripIsCountedAndKeptWithoutRouteByDefault() {
        FeedMessage m = message(H1, vehicle("1", "no-such-trip", RYNEK_LAT, RYNEK_LON, H1));
        List<ParseOutcome> out = parse(parser(tramFeed(), krakowIndex(), UnknownTripPolicy.KEEP, context), m.toByteArray(), "m.pb");
        VehiclePosition v = accepted(out, VehiclePosition.class).get(0);
        assertThat(v.getRouteId()).isNull();
        assertThat(v.getLineName()).isNull();
        assertThat(v.getMode()).isEqualTo(TransportMode.TRAM);
        assertThat(metric(GtfsRealtimeParser.UNKNOWN_TRIPS_METRIC)).isEqualTo(1.0);
    }

    @Test
    void unknownTripIsRejectedWhenThePolicySaysSo() {
        FeedMessage m = message(H1, vehicle("1", "no-such-trip", RYNEK_LAT, RYNEK_LON, H1));
        List<ParseOutcome> out = parse(parser(tramFeed(), krakowIndex(), UnknownTripPolicy.REJECT, context), m.toByteArray(), "m.pb");
        assertThat(rejected(out)).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(ReasonCode.UNKNOWN_TRIP);
            assertThat(r.message()).contains("no-such-trip").contains("krakow-T");
        });
        assertThat(metric(GtfsRealtimeParser.UNKNOWN_TRIPS_METRIC)).isEqualTo(1.0);
    }

    /**
     * Hand-checked in the bundled files: T trips.txt line 2 "block_2_trip_2_service_1,route_31,…" and T routes.txt
     * "route_31,agency_1,"1","1",,900" (tram line 1); A trips.txt line 2 ""102",20260629_1,20260629_1_125919888_2,…" and
     * A routes.txt ""102",MPK,"102","102",,3" (bus line 102). Both services run on Wednesday 2026-07-01 (calendar_dates:
     * "service_1,20260701,1", "20260629_1,20260701,1"); a trip resolves only on a date its service runs
     * ({@link TripServiceDateTest}).
     */
    @Test
    void routeIsAttributedThroughTheStaticTripsWhenTheFeedOmitsIt() {
        Instant inService = Instant.parse("2026-07-01T08:00:00Z");
        Instant inServiceLater = inService.plusSeconds(10);
        FeedMessage trams = message(inService, vehicle("RF304", "block_2_trip_2_service_1", RYNEK_LAT, RYNEK_LON, inService));
        VehiclePosition tram = accepted(parse(parser(tramFeed(), krakowIndex(), UnknownTripPolicy.KEEP, context),
                trams.toByteArray(), "t.pb"), VehiclePosition.class).get(0);
        assertThat(tram.getRouteId()).isEqualTo("route_31");
        assertThat(tram.getLineName()).isEqualTo("1");
        assertThat(tram.getMode()).isEqualTo(TransportMode.TRAM);

        RealtimeFeed busFeed = new RealtimeFeed("krakow-A", "krakow-A", TransportMode.OTHER);
        FeedMessage buses = message(inService, vehicle("DN008", "20260629_1_125919888_2", RYNEK_LAT, RYNEK_LON, inService));
        VehiclePosition bus = accepted(parse(parser(busFeed, krakowIndex(), UnknownTripPolicy.KEEP, context),
                buses.toByteArray(), "a.pb"), VehiclePosition.class).get(0);
        assertThat(bus.getRouteId()).isEqualTo("102");
        assertThat(bus.getLineName()).isEqualTo("102");
        assertThat(bus.getMode()).isEqualTo(TransportMode.BUS);

        // trip ids belong to their feed: the tram trip is unknown to the bus feed
        FeedMessage crossed = message(inServiceLater, vehicle("X", "block_2_trip_2_service_1", RYNEK_LAT, RYNEK_LON, inServiceLater));
        VehiclePosition x = accepted(parse(parser(busFeed, krakowIndex(), UnknownTripPolicy.KEEP, context),
                crossed.toByteArray(), "a.pb"), VehiclePosition.class).get(0);
        assertThat(x.getRouteId()).isNull();
    }

    @Test
    void realKrakowSnapshotDecodesToOneEventPerVehicleAndCountsUnknownTrips() throws Exception {
        byte[] body = bundled(T_SNAPSHOT);
        FeedMessage direct = FeedMessage.parseFrom(body);
        Set<String> vehicles = new HashSet<>();
        long unknown = 0;
        GtfsFeed t = MobilityBundledData.krakowStaticFeed("krakow-T");
        for (FeedEntity e : direct.getEntityList()) {
            vehicles.add(e.getVehicle().getVehicle().getId());
            if (!t.trips().containsKey(e.getVehicle().getTrip().getTripId())) {
                unknown++;
            }
        }
        List<ParseOutcome> out = parse(parser(tramFeed(), krakowIndex(), UnknownTripPolicy.KEEP, context), body, "t.pb");
        assertThat(accepted(out, VehiclePosition.class)).hasSize(vehicles.size());
        assertThat(rejected(out)).isEmpty();
        assertThat(metric(GtfsRealtimeParser.UNKNOWN_TRIPS_METRIC)).isEqualTo((double) unknown);
        assertThat(accepted(out, VehiclePosition.class)).allMatch(v -> v.getFeedTimestamp().getEpochSecond()
                == direct.getHeader().getTimestamp());
    }

    @Test
    void unchangedPositionReservedIsNotANewEvent() {
        byte[] body = bundled(T_SNAPSHOT);
        var p = parser(tramFeed(), krakowIndex(), UnknownTripPolicy.KEEP, context);
        int first = accepted(parse(p, body, "t.pb"), VehiclePosition.class).size();
        List<ParseOutcome> again = parse(p, body, "t.pb");
        assertThat(again).isEmpty();
        assertThat(metric(GtfsRealtimeParser.UNCHANGED_METRIC)).isEqualTo((double) first);
    }

    @Test
    void vehicleAbsentFromTheNextFullDatasetSnapshotLeavesService() {
        var p = parser(tramFeed(), krakowIndex(), UnknownTripPolicy.KEEP, context);
        parse(p, message(H1, vehicle("1", null, RYNEK_LAT, RYNEK_LON, H1), vehicle("2", null, RYNEK_LAT, RYNEK_LON, H1))
                .toByteArray(), "s1.pb");
        List<VehiclePosition> second = accepted(parse(p, message(H2, vehicle("1", null, RYNEK_LAT + 0.001, RYNEK_LON, H2))
                .toByteArray(), "s2.pb"), VehiclePosition.class);
        assertThat(second).extracting(VehiclePosition::getVehicleId, VehiclePosition::getInService)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("1", true), org.assertj.core.groups.Tuple.tuple("2", false));
        VehiclePosition gone = second.stream().filter(v -> !v.getInService()).findFirst().orElseThrow();
        assertThat(gone.getEventTime()).isEqualTo(H2);
        assertThat(metric(GtfsRealtimeParser.LEFT_SERVICE_METRIC)).isEqualTo(1.0);
    }

    @Test
    void poznanTripUpdatesBecomeStopEventsWithTheirDelays() throws Exception {
        byte[] body = bundled(MobilityBundledData.RT_POZNAN_DIR + MobilityBundledData.POZNAN_TRIP_UPDATES);
        FeedMessage direct = FeedMessage.parseFrom(body);
        long withDelay = 0;
        for (FeedEntity e : direct.getEntityList()) {
            for (TripUpdate.StopTimeUpdate s : e.getTripUpdate().getStopTimeUpdateList()) {
                if ((s.hasArrival() && s.getArrival().hasDelay()) || (s.hasDeparture() && s.getDeparture().hasDelay())) {
                    withDelay++;
                }
            }
        }
        var p = parser(MobilityBundledData.poznanFeed(), TransitIndex.empty(), UnknownTripPolicy.KEEP, context);
        List<StopEvent> events = accepted(parse(p, body, "tu.pb"), StopEvent.class);
        assertThat(events).hasSize((int) withDelay);
        StopEvent first = events.get(0);
        var e0 = direct.getEntity(0).getTripUpdate();
        assertThat(first.getTripId()).isEqualTo(e0.getTrip().getTripId());
        assertThat(first.getRouteId()).isEqualTo(e0.getTrip().getRouteId());
        assertThat(first.getArrivalDelaySeconds()).isEqualTo(e0.getStopTimeUpdate(0).getArrival().getDelay());
    }
}
