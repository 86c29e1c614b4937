package pl.krakow.pulse.ingest.mobility;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import pl.krakow.pulse.events.common.GeoPoint;
import pl.krakow.pulse.events.reference.TransitRoute;
import pl.krakow.pulse.events.reference.TransitStop;
import pl.krakow.pulse.ingest.EventSink;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReasonCode;
import pl.krakow.pulse.runtime.geo.District;
import pl.krakow.pulse.runtime.geo.KrakowDistricts;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * Static GTFS as reference data: every stop to {@code reference.stops.v1} (key {@code <feed id>|<stop id>},
 * with its district by point-in-polygon, null outside the city) and every route to
 * {@code reference.routes.v1} (key {@code <feed id>|<route id>}, with its mode). Both topics are
 * compacted, so publishing a feed again is harmless. A feed that cannot be loaded becomes one
 * {@code MALFORMED} rejection naming the file and the missing columns; the other feeds go on.
 */
public final class GtfsReference {

    public static final String FEED = "gtfs-static";

    private final KrakowDistricts districts;
    private final Clock clock;

    public GtfsReference(KrakowDistricts districts, Clock clock) {
        this.districts = Objects.requireNonNull(districts, "districts");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Stops then routes of one loaded feed, stamped now. */
    public List<ParseOutcome> outcomes(GtfsFeed feed) {
        Instant now = clock.instant();
        List<ParseOutcome> out = new ArrayList<>();
        for (GtfsFeed.Stop s : feed.stops().values()) {
            String district = districts.districtOf(s.latitude(), s.longitude()).map(District::roman).orElse(null);
            TransitStop stop = TransitStop.newBuilder().setFeedId(feed.feedId()).setStopId(s.stopId())
                    .setName(s.name() == null ? s.stopId() : s.name()).setLocation(new GeoPoint(s.latitude(), s.longitude()))
                    .setDistrict(district).setCode(s.code()).setUpdatedAt(now).build();
            String key = feed.feedId() + '|' + s.stopId();
            out.add(new ParseOutcome.Accepted<>(FEED, Topics.REFERENCE_STOPS, key, stop, now, FEED + ':' + key,
                    feed.feedId() + "/stops.txt#" + s.stopId()));
        }
        for (GtfsFeed.Route r : feed.routes().values()) {
            TransitRoute route = TransitRoute.newBuilder().setFeedId(feed.feedId()).setRouteId(r.routeId())
                    .setShortName(r.shortName()).setLongName(r.longName()).setRouteType(r.routeType())
                    .setMode(TransportModes.of(r.routeType()).name()).setUpdatedAt(now).build();
            String key = feed.feedId() + '|' + r.routeId();
            out.add(new ParseOutcome.Accepted<>(FEED, Topics.REFERENCE_ROUTES, key, route, now, FEED + ':' + key,
                    feed.feedId() + "/routes.txt#" + r.routeId()));
        }
        return out;
    }

    /** The dead-letter record for a feed that could not be loaded. */
    public ParseOutcome.Rejected rejection(String feedId, GtfsFormatException e) {
        return new ParseOutcome.Rejected(FEED, ReasonCode.MALFORMED, e.getMessage(),
                e.getMessage().getBytes(StandardCharsets.UTF_8), feedId + '/' + e.file(), "text/plain",
                Topics.REFERENCE_STOPS, clock.instant());
    }

    /** Publishes one feed's stops and routes and flushes; returns the number of records. */
    public int publish(GtfsFeed feed, EventSink sink) {
        List<ParseOutcome> all = outcomes(feed);
        all.forEach(sink::publish);
        sink.flush();
        return all.size();
    }
}
