package pl.krakow.pulse.ingest.mobility;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.ingest.EventSink;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.poll.HttpGet;
import pl.krakow.pulse.ingest.poll.PolledHttpSource;
import pl.krakow.pulse.runtime.Backoff;

/**
 * Polls HTTP feeds (GTFS-Realtime, GBFS) and hands what their parsers make of each body to a sink; the
 * schedule, backoff, failure metric, log lines and lifecycle are {@link PolledHttpSource}'s.
 *
 * <p>Each {@link Target} is polled on its own schedule: every {@code interval} while it succeeds; after
 * {@code n} consecutive failed polls (connection error, timeout, HTTP status other than 2xx/304 on any of its
 * URLs) it waits {@code interval × 2ⁿ}, at most {@code maxBackoff}; one success resets the pace. A target's
 * URLs are fetched in order within one poll (GBFS: station_information, then station_status) with one parser,
 * so the parser's session (duplicate and FULL_DATASET state) spans the target's whole life; a failing URL does
 * not stop the next one of the same poll.
 *
 * <p>Conditional requests ({@link HttpGet#getIfChanged}): a 304 costs no parsing.
 */
public final class FeedPoller extends PolledHttpSource {

    public static final String FAILURES_METRIC = PolledHttpSource.FAILURES_METRIC;
    private static final Logger LOG = LoggerFactory.getLogger(FeedPoller.class);

    /** A named group of URLs polled together with one parser. */
    public record Target(String name, List<URI> urls, FeedParser parser) {
        public Target {
            Objects.requireNonNull(name, "name");
            urls = List.copyOf(urls);
            Objects.requireNonNull(parser, "parser");
        }
    }

    private final EventSink sink;
    private final HttpGet http = new HttpGet();

    public FeedPoller(EventSink sink, Duration interval, Duration maxBackoff, MeterRegistry meters) {
        super("mobility-poller", interval, failureBackoff(interval, maxBackoff), meters);
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** {@code interval × 2ⁿ} after n failures, at most {@code maxBackoff} (never below the interval itself). */
    private static Backoff failureBackoff(Duration interval, Duration maxBackoff) {
        Duration max = maxBackoff.compareTo(interval) < 0 ? interval : maxBackoff;
        Duration twice = interval.multipliedBy(2);
        return new Backoff(twice.compareTo(max) > 0 ? max : twice, max);
    }

    /** Adds the target and starts polling (the target now, and then on its own schedule). */
    public FeedPoller start(Target target) {
        addTarget(target.name(), () -> poll(target));
        start();
        LOG.info("Polling {} every {} ({} URL(s))", target.name(), interval(), target.urls().size());
        return this;
    }

    private void poll(Target target) throws IOException, InterruptedException {
        IOException failed = null;
        for (URI url : target.urls()) {
            try {
                poll(target, url);
            } catch (IOException | RuntimeException e) {
                IOException f = new IOException(url + ": " + e, e);
                if (failed == null) {
                    failed = f;
                } else {
                    failed.addSuppressed(f);
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    private void poll(Target target, URI url) throws IOException, InterruptedException {
        Optional<byte[]> body = http.getIfChanged(url, null);
        if (body.isEmpty()) {
            return;
        }
        String path = url.getPath();
        String source = path == null || path.isEmpty() ? url.toString() : path.substring(path.lastIndexOf('/') + 1);
        try (var outcomes = target.parser().parse(body.get(), source.isEmpty() ? url.toString() : source)) {
            outcomes.forEach((ParseOutcome o) -> sink.publish(o));
        }
        sink.flush();
    }
}
