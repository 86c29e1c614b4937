package pl.krakow.pulse.ingest;

import pl.krakow.pulse.platform.topics.TopicSpec;

/**
 * A named input format, e.g. {@code gios-wide-csv}: what the CLI's {@code --source NAME} refers to.
 *
 * <p>Implementations are stateless and register themselves for {@link java.util.ServiceLoader} in
 * {@code META-INF/services/pl.krakow.pulse.ingest.FeedFormat} (so they need a public no-argument
 * constructor); {@link FeedFormats#discover()} finds every format on the class path.
 */
public interface FeedFormat {

    /** The name used on the command line and as the {@code feed} of every record, e.g. {@code gios-wide-csv}. */
    String name();

    /** One line for {@code --list-sources}. */
    String description();

    /** The topic its accepted events go to. */
    TopicSpec<?> topic();

    /**
     * A parser for one session (one replay or poll loop): its duplicate detection spans every input
     * parsed with it.
     */
    FeedParser newParser(IngestContext context);
}
