package pl.krakow.pulse.ingest.mobility;

import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.FeedFormat;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.runtime.geo.KrakowDistricts;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * {@code gtfs-rt-krakow}: Kraków (ZTP) GTFS-Realtime files resolved against the bundled Kraków static
 * feeds — {@code *_T_*} files against the tram feed, others against the bus feed — inside the default
 * plausible area ({@code mobility.area.bbox}).
 */
public final class KrakowGtfsRealtimeFormat implements FeedFormat {

    public static final String NAME = "gtfs-rt-krakow";

    private static volatile TransitIndex index;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Kraków ZTP GTFS-Realtime files, trips resolved through the bundled Kraków static GTFS";
    }

    @Override
    public TopicSpec<?> topic() {
        return Topics.VEHICLE_POSITIONS;
    }

    @Override
    public FeedParser newParser(IngestContext context) {
        return new GtfsRealtimeParser(MobilityBundledData.krakowFeedOfFile(), bundledIndex(),
                MobilityConfig.AREA_BBOX.defaultValue(), KrakowDistricts.bundled(),
                UnknownTripPolicy.KEEP, EventValidator.of(context, java.util.Set.of()), context.clock(), context.meters());
    }

    /** The bundled Kraków static feeds, loaded once. */
    static TransitIndex bundledIndex() {
        TransitIndex i = index;
        if (i == null) {
            i = new TransitIndex(MobilityBundledData.krakowStaticFeeds());
            index = i;
        }
        return i;
    }
}
