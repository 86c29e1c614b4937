package pl.krakow.pulse.ingest;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.stream.Stream;

/**
 * Turns the bytes of one input — a recorded file, an HTTP response body, a pushed message — into
 * {@link ParseOutcome}s, validating every candidate event on the way.
 *
 * <p>Contract:
 * <ul>
 *   <li>Outcomes come in input order; a replay sorts them by event time itself.</li>
 *   <li>A bad record never ends the stream: it becomes a {@link ParseOutcome.Rejected} and parsing goes on.
 *       Only an I/O failure of the input ends it, as an {@link java.io.UncheckedIOException} thrown by the
 *       stream's terminal operation.</li>
 *   <li>The stream is lazy and owns the input: close it (try-with-resources) to close the input.</li>
 *   <li>A parser instance is one <em>session</em> (a replay, a poll loop): it remembers the event ids it
 *       accepted, so a record seen again in a later input of the same session is a
 *       {@link ReasonCode#DUPLICATE}. Instances are not thread-safe.</li>
 * </ul>
 */
public interface FeedParser {

    /**
     * Parses one input.
     *
     * @param in         the bytes; closed when the returned stream is closed
     * @param sourceName the input's name as it should appear in source ids, e.g. the file name
     */
    Stream<ParseOutcome> parse(InputStream in, String sourceName);

    /** Parses an input already in memory, e.g. an HTTP body. */
    default Stream<ParseOutcome> parse(byte[] body, String sourceName) {
        return parse(new ByteArrayInputStream(body), sourceName);
    }
}
