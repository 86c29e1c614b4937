package pl.krakow.pulse.ingest.environment;

import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.FeedFormat;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * The {@code gios-wide-csv} format (see {@link GiosWideCsvParser}), registered for
 * {@link java.util.ServiceLoader}: known stations are the bundled GIOŚ station list
 * ({@link BundledData#stationCodes()}).
 */
public final class GiosWideCsvFormat implements FeedFormat {

    @Override
    public String name() {
        return GiosWideCsvParser.FEED;
    }

    @Override
    public String description() {
        return "GIOŚ/WIOŚ hourly means as a wide CSV: epoch (end of hour, UTC) + one <pollutant>_<station> column per series";
    }

    @Override
    public TopicSpec<?> topic() {
        return Topics.AIR_QUALITY;
    }

    @Override
    public FeedParser newParser(IngestContext context) {
        return new GiosWideCsvParser(EventValidator.of(context, BundledData.stationCodes()), context.clock(), context.meters());
    }

    @Override
    public String toString() {
        return name();
    }
}
