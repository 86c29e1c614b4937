package pl.krakow.pulse.ingest.mobility;

import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.FeedFormat;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.runtime.geo.KrakowDistricts;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.platform.topics.Topics;

/** {@code gbfs}: recorded GBFS station_information + station_status files (see {@link GbfsParser}). */
public final class GbfsFormat implements FeedFormat {

    public static final String NAME = "gbfs";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "GBFS station_information (.json/.csv) and station_status (.json) snapshots";
    }

    @Override
    public TopicSpec<?> topic() {
        return Topics.BIKE_STATIONS;
    }

    @Override
    public FeedParser newParser(IngestContext context) {
        return new GbfsParser(NAME, KrakowDistricts.bundled(), EventValidator.of(context, java.util.Set.of()),
                context.clock(), context.meters());
    }
}
