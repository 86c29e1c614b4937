package pl.krakow.pulse.ingest.mobility;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.ingest.EventSink;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.ingest.ParseOutcome;

/**
 * Polls HTTP feeds (GTFS-Realtime, GBFS) and hands what their parsers make of each body to a sink.
 *
 * <p>Each {@link Target} is polled on its own schedule: every {@code interval} while it succeeds; after
 * {@code n} consecutive failures (connection error, timeout, HTTP status other than 200/304) it waits
 * {@code interval × 2ⁿ}, at most {@code maxBackoff}; one success resets the pace. A failing target never
 * delays the others (each cycle runs on the shared scheduler and reschedules only itself). A target's URLs
 * are fetched in order within one cycle (GBFS: station_information, then station_status) with one parser,
 * so the parser's session (duplicate and FULL_DATASET state) spans the target's whole life.
 *
 * <p>Conditional requests: the ETag / Last-Modified of the previous answer are sent back; a 304 costs no
 * parsing. Logs one line when a target starts failing and one when it recovers, never per poll.
 * Metrics: {@code pulse.ingest.poll.failures} (tag target).
 */
public final class FeedPoller implements AutoCloseable {

    public static final String FAILURES_METRIC = "pulse.ingest.poll.failures";
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
    private final Duration interval;
    private final Duration maxBackoff;
    private final MeterRegistry meters;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private volatile boolean closed;

    public FeedPoller(EventSink sink, Duration interval, Duration maxBackoff, MeterRegistry meters) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.maxBackoff = maxBackoff.compareTo(interval) < 0 ? interval : maxBackoff;
        this.meters = Objects.requireNonNull(meters, "meters");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        this.scheduler = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "pulse-mobility-poller");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts polling the target now, and then on its own schedule. */
    public FeedPoller start(Target target) {
        TargetState state = new TargetState(target);
        scheduler.execute(() -> cycle(state));
        LOG.info("Polling {} every {} ({} URL(s))", target.name(), interval, target.urls().size());
        return this;
    }

    /** The wait before the next cycle after {@code failures} consecutive failures. */
    Duration delayAfter(int failures) {
        if (failures <= 0) {
            return interval;
        }
        long factor = 1L << Math.min(failures, 20);
        Duration d = interval.multipliedBy(factor);
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }

    private final class TargetState {
        final Target target;
        final Map<URI, String> etags = new HashMap<>();
        final Map<URI, String> lastModified = new HashMap<>();
        final Counter failuresCounter;
        int failures;

        TargetState(Target target) {
            this.target = target;
            this.failuresCounter = Counter.builder(FAILURES_METRIC).tag("target", target.name()).register(meters);
        }
    }

    private void cycle(TargetState state) {
        if (closed) {
            return;
        }
        boolean ok = true;
        for (URI url : state.target.urls()) {
            try {
                poll(state, url);
            } catch (IOException | RuntimeException e) {
                ok = false;
                state.failuresCounter.increment();
                if (state.failures == 0) {
                    LOG.warn("Polling {} failed at {}: {}; backing off", state.target.name(), url, e.toString());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (ok && state.failures > 0) {
            LOG.info("Polling {} recovered after {} failed cycle(s)", state.target.name(), state.failures);
        }
        state.failures = ok ? 0 : state.failures + 1;
        if (!closed) {
            scheduler.schedule(() -> cycle(state), delayAfter(state.failures).toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void poll(TargetState state, URI url) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).GET();
        String etag = state.etags.get(url);
        if (etag != null) {
            request.header("If-None-Match", etag);
        }
        String modified = state.lastModified.get(url);
        if (modified != null) {
            request.header("If-Modified-Since", modified);
        }
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() == 304) {
            return;
        }
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode());
        }
        response.headers().firstValue("ETag").ifPresent(v -> state.etags.put(url, v));
        response.headers().firstValue("Last-Modified").ifPresent(v -> state.lastModified.put(url, v));
        String path = url.getPath();
        String source = path == null || path.isEmpty() ? url.toString() : path.substring(path.lastIndexOf('/') + 1);
        try (var outcomes = state.target.parser().parse(response.body(), source.isEmpty() ? url.toString() : source)) {
            outcomes.forEach((ParseOutcome o) -> sink.publish(o));
        }
        sink.flush();
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
