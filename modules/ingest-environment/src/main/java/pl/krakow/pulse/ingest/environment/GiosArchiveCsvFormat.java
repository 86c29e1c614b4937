package pl.krakow.pulse.ingest.environment;

import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.FeedFormat;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * The {@code gios-archive-csv} format (see {@link GiosArchiveCsvParser}), registered for
 * {@link java.util.ServiceLoader}: known stations are the bundled GIOŚ station list.
 */
public final class GiosArchiveCsvFormat implements FeedFormat {

    @Override
    public String name() {
        return GiosArchiveCsvParser.FEED;
    }

    @Override
    public String description() {
        return "GIOŚ yearly archive table as CSV: header rows (Kod stacji, Wskaźnik, Czas uśredniania, Jednostka, "
                + "Kod stanowiska), one column per station, hourly rows (Warsaw time, end of hour), ; or , and decimal comma";
    }

    @Override
    public TopicSpec<?> topic() {
        return Topics.AIR_QUALITY;
    }

    @Override
    public FeedParser newParser(IngestContext context) {
        return new GiosArchiveCsvParser(EventValidator.of(context, BundledData.stationCodes()), context.clock());
    }

    @Override
    public String toString() {
        return name();
    }
}
