package pl.krakow.pulse.ingest.mobility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static pl.krakow.pulse.ingest.mobility.MobilityTestSupport.*;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.mobility.VehiclePosition;
import pl.krakow.pulse.ingest.IngestContext;

/** The poller against a real HTTP server on loopback: one URL serves a real Kraków snapshot, one always fails. */
class FeedPollerTest {

    private static final String SNAPSHOT = MobilityBundledData.RT_KRAKOW_DIR + "VehiclePositions_T_20240820T105636Z.pb";

    private HttpServer server;
    private final AtomicInteger goodHits = new AtomicInteger();
    private final AtomicInteger badHits = new AtomicInteger();
    private final AtomicInteger notModified = new AtomicInteger();

    @BeforeEach
    void startServer() throws Exception {
        byte[] body = bundled(SNAPSHOT);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/good", ex -> {
            goodHits.incrementAndGet();
            if ("\"v1\"".equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
                notModified.incrementAndGet();
                ex.sendResponseHeaders(304, -1);
            } else {
                ex.getResponseHeaders().add("ETag", "\"v1\"");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        server.createContext("/bad", ex -> {
            badHits.incrementAndGet();
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Test
    void aFailingUrlBacksOffAndDoesNotStopTheOthers() {
        IngestContext context = context();
        RecordingSink sink = new RecordingSink();
        try (FeedPoller poller = new FeedPoller(sink, Duration.ofMillis(50), Duration.ofMillis(400), context.meters())) {
            poller.start(new FeedPoller.Target("bad", List.of(url("/bad")), parser(tramFeed(), krakowIndex(),
                    UnknownTripPolicy.KEEP, context)));
            poller.start(new FeedPoller.Target("good", List.of(url("/good")), parser(tramFeed(), krakowIndex(),
                    UnknownTripPolicy.KEEP, context)));
            await().atMost(Duration.ofSeconds(10)).until(() -> goodHits.get() >= 8);
        }
        // the good feed's vehicles arrived once; re-polls were conditional and answered 304
        assertThat(sink.accepted).extracting(a -> ((VehiclePosition) a.value()).getVehicleId()).doesNotHaveDuplicates().isNotEmpty();
        assertThat(notModified.get()).isGreaterThanOrEqualTo(goodHits.get() - 2);
        // backing off: in the time the good URL was polled >= 8 times at 50 ms, the failing one waited 100, 200, 400, 400 ms
        assertThat(badHits.get()).isLessThan(goodHits.get());
        assertThat(context.meters().counter(FeedPoller.FAILURES_METRIC, "target", "bad").count()).isEqualTo(badHits.get());
    }

    @Test
    void backoffDoublesUpToTheMaximum() {
        try (FeedPoller poller = new FeedPoller(new RecordingSink(), Duration.ofSeconds(10), Duration.ofMinutes(1), context().meters())) {
            assertThat(poller.delayAfter(0)).isEqualTo(Duration.ofSeconds(10));
            assertThat(poller.delayAfter(1)).isEqualTo(Duration.ofSeconds(20));
            assertThat(poller.delayAfter(2)).isEqualTo(Duration.ofSeconds(40));
            assertThat(poller.delayAfter(3)).isEqualTo(Duration.ofMinutes(1));
            assertThat(poller.delayAfter(50)).isEqualTo(Duration.ofMinutes(1));
        }
    }
}
