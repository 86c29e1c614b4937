package pl.krakow.pulse.ingest.mobility;

import static org.assertj.core.api.Assertions.assertThat;
import static pl.krakow.pulse.ingest.mobility.MobilityTestSupport.RYNEK_LAT;
import static pl.krakow.pulse.ingest.mobility.MobilityTestSupport.RYNEK_LON;
import static pl.krakow.pulse.ingest.mobility.MobilityTestSupport.accepted;
import static pl.krakow.pulse.ingest.mobility.MobilityTestSupport.context;
import static pl.krakow.pulse.ingest.mobility.MobilityTestSupport.krakowIndex;
import static pl.krakow.pulse.ingest.mobility.MobilityTestSupport.message;
import static pl.krakow.pulse.ingest.mobility.MobilityTestSupport.parse;
import static pl.krakow.pulse.ingest.mobility.MobilityTestSupport.parser;
import static pl.krakow.pulse.ingest.mobility.MobilityTestSupport.rejected;
import static pl.krakow.pulse.ingest.mobility.MobilityTestSupport.tramFeed;
import static pl.krakow.pulse.ingest.mobility.ServiceCalendarTest.warsaw;

import com.google.transit.realtime.GtfsRealtime.FeedEntity;
import com.google.transit.realtime.GtfsRealtime.Position;
import com.google.transit.realtime.GtfsRealtime.TripDescriptor;
import com.google.transit.realtime.GtfsRealtime.TripUpdate;
import com.google.transit.realtime.GtfsRealtime.VehicleDescriptor;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.mobility.StopEvent;
import pl.krakow.pulse.events.mobility.TransportMode;
import pl.krakow.pulse.events.mobility.VehiclePosition;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReasonCode;

/**
 * A realtime trip resolves to its route in the bundled Kraków tram feed (June 2026) only on a service date its
 * service runs on. Kraków reuses trip ids across timetable versions: {@code block_706_trip_17_service_3} is a trip of
 * line 9 in the 2026 feed and was, under the same id, a different run in October 2024 (issue 13: 20 of 108 tram trip
 * ids of an October 2024 snapshot were found in the 2026 feed and got its lines).
 *
 * <p>Hand-checked in the bundled GTFS_KRK_T.zip: trips.txt {@code block_706_trip_17_service_3,route_58,service_3},
 * {@code block_185_trip_2_service_2,route_31,service_2}, {@code block_784_trip_5_service_3,route_53,service_3};
 * routes.txt route_58 = "9", route_31 = "1", route_53 = "62" (a night tram); calendar.txt day flags all 0 between
 * 2026-06-27 and 2026-09-25; calendar_dates.txt adds service_3 on the Sundays 2026-06-28 … 2026-09-20 and on Saturday
 * 2026-08-15 (Assumption, a public holiday), and service_2 on the Saturdays 2026-06-27 … 2026-09-19 except
 * 2026-08-15. The realtime messages are constructed test inputs in the shape of Kraków's feed.
 */
class TripServiceDateTest {

    static final String LINE_9_SUNDAY = "block_706_trip_17_service_3";
    static final String LINE_1_SATURDAY = "block_185_trip_2_service_2";
    static final String NIGHT_LINE_62_SUNDAY = "block_784_trip_5_service_3";

    private final IngestContext context = context();

    private double metric(String name) {
        return context.meters().find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static FeedEntity position(String vehicle, String tripId, String startDate, Instant at) {
        TripDescriptor.Builder trip = TripDescriptor.newBuilder().setTripId(tripId);
        if (startDate != null) {
            trip.setStartDate(startDate);
        }
        return FeedEntity.newBuilder().setId(vehicle).setVehicle(com.google.transit.realtime.GtfsRealtime.VehiclePosition.newBuilder()
                .setVehicle(VehicleDescriptor.newBuilder().setId(vehicle))
                .setPosition(Position.newBuilder().setLatitude((float) RYNEK_LAT).setLongitude((float) RYNEK_LON))
                .setTimestamp(at.getEpochSecond()).setTrip(trip)).build();
    }

    private List<ParseOutcome> parsed(UnknownTripPolicy policy, String tripId, String startDate, Instant at) {
        return parse(parser(tramFeed(), krakowIndex(), policy, context),
                message(at, position("RY" + at.getEpochSecond(), tripId, startDate, at)).toByteArray(), "t.pb");
    }

    /** The position as published with the default policy (unknown trips kept without route). */
    private VehiclePosition kept(String tripId, Instant at) {
        return kept(tripId, null, at);
    }

    private VehiclePosition kept(String tripId, String startDate, Instant at) {
        List<VehiclePosition> out = accepted(parsed(UnknownTripPolicy.KEEP, tripId, startDate, at), VehiclePosition.class);
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    @Test
    void aTripResolvesOnAServiceDateItsServiceRuns() {
        VehiclePosition v = kept(LINE_9_SUNDAY, warsaw("2026-07-12T10:00"));
        assertThat(v.getRouteId()).isEqualTo("route_58");
        assertThat(v.getLineName()).isEqualTo("9");
        assertThat(v.getMode()).isEqualTo(TransportMode.TRAM);
        assertThat(metric(GtfsRealtimeParser.UNKNOWN_TRIPS_METRIC)).isZero();
    }

    @Test
    void theSameTripIdDatedOctober2024IsAnUnknownTripCountedAndKeptWithoutLine() {
        VehiclePosition v = kept(LINE_9_SUNDAY, warsaw("2024-10-13T10:00")); // a Sunday, two years before the feed
        assertThat(v.getRouteId()).isNull();
        assertThat(v.getLineName()).isNull();
        assertThat(v.getMode()).as("the feed's mode still counts it as a tram").isEqualTo(TransportMode.TRAM);
        assertThat(v.getTripId()).isEqualTo(LINE_9_SUNDAY);
        assertThat(metric(GtfsRealtimeParser.UNKNOWN_TRIPS_METRIC)).isEqualTo(1.0);
        assertThat(metric(GtfsRealtimeParser.NOT_RUNNING_TRIPS_METRIC)).isEqualTo(1.0);
    }

    @Test
    void theSameTripIdDatedOctober2024IsRejectedWhenThePolicySaysSo() {
        List<ParseOutcome> out = parsed(UnknownTripPolicy.REJECT, LINE_9_SUNDAY, null, warsaw("2024-10-13T10:00"));
        assertThat(rejected(out)).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(ReasonCode.UNKNOWN_TRIP);
            assertThat(r.message()).isEqualTo("trip_id 'block_706_trip_17_service_3' of static GTFS feed krakow-T has service "
                    + "service_3 (2026-06-27..2026-09-25), which does not run on service date 2024-10-13 or 2024-10-12");
        });
        assertThat(metric(GtfsRealtimeParser.UNKNOWN_TRIPS_METRIC)).isEqualTo(1.0);
    }

    @Test
    void calendarDatesDecideAHolidayRunsTheSundayService() {
        Instant assumptionDay = warsaw("2026-08-15T10:00"); // a Saturday with the Sunday timetable
        assertThat(kept(LINE_9_SUNDAY, assumptionDay).getLineName()).isEqualTo("9");
        assertThat(kept(LINE_1_SATURDAY, assumptionDay).getLineName()).isNull();
        Instant ordinarySaturday = warsaw("2026-08-08T10:00");
        assertThat(kept(LINE_9_SUNDAY, ordinarySaturday).getLineName()).isNull();
        assertThat(kept(LINE_1_SATURDAY, ordinarySaturday).getLineName()).isEqualTo("1");
        assertThat(metric(GtfsRealtimeParser.NOT_RUNNING_TRIPS_METRIC)).isEqualTo(2.0);
    }

    @Test
    void aNightTramAfterMidnightBelongsToThePreviousServiceDate() {
        // Sunday 2026-07-12's service, 00:30 on Monday: 24:30 of the Sunday service day.
        assertThat(kept(NIGHT_LINE_62_SUNDAY, warsaw("2026-07-13T00:30")).getLineName()).isEqualTo("62");
        // Monday afternoon is past what a Sunday trip can reach; Tuesday's small hours belong to Monday, not Sunday.
        assertThat(kept(NIGHT_LINE_62_SUNDAY, warsaw("2026-07-13T15:00")).getLineName()).isNull();
        assertThat(kept(NIGHT_LINE_62_SUNDAY, warsaw("2026-07-14T00:30")).getLineName()).isNull();
        // The feed's last service day, then nothing: 2026-09-20 is the last Sunday of service_3.
        assertThat(kept(NIGHT_LINE_62_SUNDAY, warsaw("2026-09-21T01:00")).getLineName()).isEqualTo("62");
        assertThat(kept(NIGHT_LINE_62_SUNDAY, warsaw("2026-09-27T10:00")).getLineName()).isNull();
    }

    @Test
    void theDescriptorsStartDateIsTheServiceDate() {
        // start_date names the service date: a Sunday trip reported late on Monday afternoon is still Sunday's.
        assertThat(kept(LINE_9_SUNDAY, "20260712", warsaw("2026-07-13T15:00")).getLineName()).isEqualTo("9");
        // ... and a start_date outside the calendar makes it unknown whatever the time.
        assertThat(kept(LINE_9_SUNDAY, "20241013", warsaw("2026-07-12T10:00")).getLineName()).isNull();
        // An unreadable start_date is ignored: the time decides.
        assertThat(kept(LINE_9_SUNDAY, "13.10.2024", warsaw("2026-07-12T10:00")).getLineName()).isEqualTo("9");
    }

    @Test
    void tripUpdatesResolveOnTheirServiceDateToo() {
        for (Instant at : List.of(warsaw("2026-07-12T10:00"), warsaw("2024-10-13T10:00"))) {
            FeedEntity update = FeedEntity.newBuilder().setId("tu-" + at.getEpochSecond()).setTripUpdate(TripUpdate.newBuilder()
                    .setTrip(TripDescriptor.newBuilder().setTripId(LINE_9_SUNDAY))
                    .addStopTimeUpdate(TripUpdate.StopTimeUpdate.newBuilder().setStopSequence(3).setStopId("stop_1_1")
                            .setDeparture(TripUpdate.StopTimeEvent.newBuilder().setDelay(60).setTime(at.getEpochSecond()))))
                    .build();
            List<StopEvent> events = accepted(parse(parser(tramFeed(), krakowIndex(), UnknownTripPolicy.KEEP, context),
                    message(at, update).toByteArray(), "tu.pb"), StopEvent.class);
            assertThat(events).singleElement().satisfies(e -> {
                assertThat(e.getDepartureDelaySeconds()).isEqualTo(60);
                assertThat(e.getLineName()).as(at.toString()).isEqualTo(at.toString().startsWith("2026") ? "9" : null);
            });
        }
        assertThat(metric(GtfsRealtimeParser.UNKNOWN_TRIPS_METRIC)).isEqualTo(1.0);
    }
}
