package pl.krakow.pulse.ingest.mobility;

import com.google.transit.realtime.GtfsRealtime.FeedEntity;
import com.google.transit.realtime.GtfsRealtime.FeedHeader;
import com.google.transit.realtime.GtfsRealtime.FeedMessage;
import com.google.transit.realtime.GtfsRealtime.Position;
import com.google.transit.realtime.GtfsRealtime.TripDescriptor;
import com.google.transit.realtime.GtfsRealtime.VehicleDescriptor;
import com.google.transit.realtime.GtfsRealtime.VehiclePosition;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import pl.krakow.pulse.events.mobility.TransportMode;
import pl.krakow.pulse.ingest.EventSink;
import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.runtime.geo.KrakowDistricts;

/**
 * Shared fixtures. Messages built here are constructed test inputs (not recordings) in the shape of
 * Kraków's feed: vehicle id, trip_id without route_id, position, timestamp.
 */
final class MobilityTestSupport {

    /** The wall clock of the tests: after every bundled recording. */
    static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final PlausibleArea KRAKOW_AREA = PlausibleArea.parse("49.8,19.45,50.35,20.5");
    /** Rynek Główny, Kraków (district I). */
    static final double RYNEK_LAT = 50.0617;
    static final double RYNEK_LON = 19.9373;

    private static volatile TransitIndex krakow;

    private MobilityTestSupport() {
    }

    static TransitIndex krakowIndex() {
        if (krakow == null) {
            krakow = new TransitIndex(MobilityBundledData.krakowStaticFeeds());
        }
        return krakow;
    }

    static GtfsRealtimeParser parser(RealtimeFeed feed, TransitIndex index, UnknownTripPolicy policy, IngestContext context) {
        return new GtfsRealtimeParser(n -> feed, index, KRAKOW_AREA, KrakowDistricts.bundled(), policy,
                EventValidator.of(context, Set.of()), context.clock(), context.meters());
    }

    static IngestContext context() {
        return IngestContext.defaults(CLOCK).withMeters(new SimpleMeterRegistry());
    }

    static RealtimeFeed tramFeed() {
        return new RealtimeFeed("krakow-T", "krakow-T", TransportMode.TRAM);
    }

    static FeedMessage message(Instant header, FeedEntity... entities) {
        FeedMessage.Builder m = FeedMessage.newBuilder().setHeader(FeedHeader.newBuilder().setGtfsRealtimeVersion("2.0")
                .setIncrementality(FeedHeader.Incrementality.FULL_DATASET).setTimestamp(header.getEpochSecond()));
        for (FeedEntity e : entities) {
            m.addEntity(e);
        }
        return m.build();
    }

    static FeedEntity vehicle(String id, String tripId, double lat, double lon, Instant at) {
        VehiclePosition.Builder v = VehiclePosition.newBuilder()
                .setVehicle(VehicleDescriptor.newBuilder().setId(id).setLabel(id))
                .setPosition(Position.newBuilder().setLatitude((float) lat).setLongitude((float) lon))
                .setTimestamp(at.getEpochSecond());
        if (tripId != null) {
            v.setTrip(TripDescriptor.newBuilder().setTripId(tripId));
        }
        return FeedEntity.newBuilder().setId(id).setVehicle(v).build();
    }

    static List<ParseOutcome> parse(FeedParser parser, byte[] body, String name) {
        try (Stream<ParseOutcome> s = parser.parse(body, name)) {
            return s.toList();
        }
    }

    static byte[] bundled(String resource) {
        try (InputStream in = MobilityBundledData.open(resource)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T> List<T> accepted(List<ParseOutcome> outcomes, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (ParseOutcome o : outcomes) {
            if (o instanceof ParseOutcome.Accepted<?> a && type.isInstance(a.value())) {
                out.add(type.cast(a.value()));
            }
        }
        return out;
    }

    static List<ParseOutcome.Rejected> rejected(List<ParseOutcome> outcomes) {
        return outcomes.stream().filter(ParseOutcome.Rejected.class::isInstance).map(ParseOutcome.Rejected.class::cast).toList();
    }

    /** Remembers what it is given. */
    static final class RecordingSink implements EventSink {
        final List<ParseOutcome.Accepted<?>> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<ParseOutcome.Rejected> rejected = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void accept(ParseOutcome.Accepted<?> event) {
            accepted.add(event);
        }

        @Override
        public void reject(ParseOutcome.Rejected rejection) {
            rejected.add(rejection);
        }

        @Override
        public void flush() {
        }
    }
}
