package pl.krakow.pulse.ingest.mobility;

import pl.krakow.pulse.events.mobility.TransportMode;
import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.FeedFormat;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.runtime.geo.KrakowDistricts;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * {@code gtfs-rt}: recorded GTFS-Realtime bodies (.pb) of any city, for {@code pulse replay --source gtfs-rt}.
 * No static feed is bound (routes come from the route_ids in the feed), every position on Earth is
 * plausible, modes are OTHER unless a route says. Files of one feed must be given in time order (UTC
 * stamps in file names sort so) for FULL_DATASET departures to be right.
 */
public final class GtfsRealtimeFormat implements FeedFormat {

    public static final String NAME = "gtfs-rt";
    static final PlausibleArea WORLD = new PlausibleArea(-90, -180, 90, 180);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "GTFS-Realtime VehiclePositions/TripUpdates protobuf bodies, any city (no static feed bound)";
    }

    @Override
    public TopicSpec<?> topic() {
        return Topics.VEHICLE_POSITIONS;
    }

    @Override
    public FeedParser newParser(IngestContext context) {
        RealtimeFeed feed = new RealtimeFeed("replay", null, TransportMode.OTHER);
        return new GtfsRealtimeParser(name -> feed, TransitIndex.empty(), WORLD, KrakowDistricts.bundled(),
                UnknownTripPolicy.KEEP, EventValidator.of(context, java.util.Set.of()), context.clock(), context.meters());
    }
}
