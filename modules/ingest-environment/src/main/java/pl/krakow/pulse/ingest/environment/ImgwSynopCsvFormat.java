package pl.krakow.pulse.ingest.environment;

import java.util.Set;
import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.FeedFormat;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * The {@code imgw-synop-csv} format (see {@link ImgwSynopCsvParser}), registered for
 * {@link java.util.ServiceLoader}. Replay the bundled file with {@link BundledData#weatherCsv()}.
 */
public final class ImgwSynopCsvFormat implements FeedFormat {

    @Override
    public String name() {
        return ImgwSynopCsvParser.FEED;
    }

    @Override
    public String description() {
        return "IMGW-PIB hourly synop table (s_t layout): no header, Windows-1250, quoted, UTC terms";
    }

    @Override
    public TopicSpec<?> topic() {
        return Topics.WEATHER;
    }

    @Override
    public FeedParser newParser(IngestContext context) {
        // No station check: the feed accepts every IMGW station, so the known-station set is unused.
        return new ImgwSynopCsvParser(EventValidator.of(context, Set.of()), context.clock());
    }

    @Override
    public String toString() {
        return name();
    }
}
