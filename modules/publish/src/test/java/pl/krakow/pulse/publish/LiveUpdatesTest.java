package pl.krakow.pulse.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static pl.krakow.pulse.publish.PublishTestData.T0;
import static pl.krakow.pulse.publish.PublishTestData.pm10;
import static pl.krakow.pulse.runtime.http.ProblemChecks.assertProblem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.runtime.http.RawHttp;

/**
 * The live stream on the real Javalin server (loopback, no broker), events broadcast directly: a client that never
 * reads is dropped without delaying a fast one, the client limit answers 503 problem+json, and {@code Last-Event-ID}
 * resumes exactly once and in order, or says "reload" when it cannot.
 */
class LiveUpdatesTest {

    private static final ZoneId WARSAW = ZoneId.of("Europe/Warsaw");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PulseMetrics metrics = new PulseMetrics("live-test");
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> open = new ArrayList<>();
    private ApiServer server;

    /** One received event. */
    record Event(String id, String name, String data) {
    }

    /** A client reading the stream on its own thread, as fast as it can. */
    final class Reader implements AutoCloseable {
        final List<Event> events = new CopyOnWriteArrayList<>();
        final HttpResponse<Stream<String>> response;
        /** Counted down on the server's "connected" comment, written only once the client is registered. */
        final CountDownLatch registered = new CountDownLatch(1);

        Reader(String lastEventId) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/stream"))
                    .header("Accept", "text/event-stream");
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);
            Thread t = new Thread(() -> {
                String id = null;
                String name = null;
                StringBuilder data = new StringBuilder();
                try {
                    for (String line : (Iterable<String>) response.body()::iterator) {
                        if (line.startsWith(":")) {
                            registered.countDown();
                        } else if (line.isEmpty()) {
                            if (name != null) {
                                events.add(new Event(id, name, data.toString()));
                            }
                            id = null;
                            name = null;
                            data.setLength(0);
                        } else if (line.startsWith("id: ")) {
                            id = line.substring(4);
                        } else if (line.startsWith("event: ")) {
                            name = line.substring(7);
                        } else if (line.startsWith("data: ")) {
                            data.append(line.substring(6));
                        }
                    }
                } catch (RuntimeException e) {
                    // closed by the test or dropped by the server
                }
            });
            t.setDaemon(true);
            t.start();
            open.add(this);
            assertThat(registered.await(5, TimeUnit.SECONDS)).as("the stream opened").isTrue();
        }

        List<String> scopes() {
            return events.stream().filter(e -> e.name().equals("indicator"))
                    .map(e -> readTree(e.data()).path("scope").asText()).toList();
        }

        String lastId() {
            return events.get(events.size() - 1).id();
        }

        @Override
        public void close() {
            response.body().close();
        }
    }

    private static JsonNode readTree(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void start(LiveUpdates.Settings settings) {
        server = new ApiServer("127.0.0.1", 0, IndicatorReadModel.inMemory(metrics), IndicatorCatalog.bundled(), WARSAW, 400,
                metrics, () -> ReadinessReport.up(Map.of())).withLiveUpdates(settings);
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Broadcasts an indicator value whose scope is {@code "station:" + name + padding} (padding = event size). */
    private void broadcast(String name, int padding) {
        server.liveUpdates().indicator(ApiJson.Value.of(pm10("station:" + name + "x".repeat(padding), T0, 50), WARSAW));
    }

    private double dropped(String reason) {
        var counter = metrics.registry().find(LiveUpdates.METRIC_DROPPED).tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    /** A socket that asks for the stream and never reads a byte: a browser tab frozen in the background. */
    private Socket stalledClient() throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
        OutputStream out = socket.getOutputStream();
        out.write(("GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        open.add(socket);
        return socket;
    }

    @Test
    void aStalledClientIsDroppedAndDoesNotDelayAFastOne() throws Exception {
        start(new LiveUpdates.Settings(10, 64, Duration.ofSeconds(2), 100));
        Reader fast = new Reader(null);
        stalledClient();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.liveUpdates().clients() == 2);

        int batch = 20;
        int padding = 4_000; // ~4 KB events: the stalled socket's buffers fill after a few MB at most
        long slowestBatchNanos = 0;
        long startNanos = System.nanoTime();
        long droppedAfterNanos = -1;
        int sent = 0;
        int batchesAfterDrop = 0;
        for (int b = 0; b < 500 && batchesAfterDrop < 5; b++) {
            long batchStart = System.nanoTime();
            for (int i = 0; i < batch; i++) {
                broadcast(Integer.toString(sent++), padding);
            }
            int expected = sent;
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(2)).until(() -> fast.events.size() == expected);
            slowestBatchNanos = Math.max(slowestBatchNanos, System.nanoTime() - batchStart);
            if (droppedAfterNanos < 0 && server.liveUpdates().clients() == 1) {
                droppedAfterNanos = System.nanoTime() - startNanos;
            } else if (droppedAfterNanos >= 0) {
                batchesAfterDrop++; // the fast client keeps receiving after the drop
            }
        }
        assertThat(droppedAfterNanos).as("the stalled client is dropped").isPositive();
        assertThat(dropped("queue-full") + dropped("write-timeout")).isEqualTo(1.0);
        List<String> expectedScopes = new ArrayList<>();
        for (int i = 0; i < sent; i++) {
            expectedScopes.add("station:" + i + "x".repeat(padding));
        }
        assertThat(fast.scopes()).as("the fast client got every event once, in order").isEqualTo(expectedScopes);
        assertThat(Duration.ofNanos(slowestBatchNanos)).as("no batch waited on the stalled client").isLessThan(Duration.ofSeconds(1));
        System.out.printf("%nSSE stalled client: dropped after %d ms and %d events of ~4 KB (queue-full %.0f, write-timeout %.0f); "
                        + "fast client received all %d, slowest batch of %d in %.1f ms%n", droppedAfterNanos / 1_000_000,
                sent, dropped("queue-full"), dropped("write-timeout"), sent, batch, slowestBatchNanos / 1e6);
    }

    @Test
    void aClientThatStopsReadingIsDroppedByTheWriteTimeoutEvenWhenItsQueueNeverFills() throws Exception {
        start(new LiveUpdates.Settings(10, 100_000, Duration.ofMillis(500), 0));
        stalledClient();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.liveUpdates().clients() == 1);
        for (int i = 0; i < 5_000 && server.liveUpdates().clients() == 1; i++) {
            broadcast(Integer.toString(i), 4_000);
            if (i % 100 == 99) {
                Thread.sleep(20);
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> server.liveUpdates().clients() == 0);
        assertThat(dropped("write-timeout")).isEqualTo(1.0);
    }

    @Test
    void overTheClientLimitTheAnswerIs503ProblemWithRetryAfter() throws Exception {
        start(new LiveUpdates.Settings(2, 16, Duration.ofSeconds(2), 10));
        Reader first = new Reader(null);
        new Reader(null);
        RawHttp.Answer refused = RawHttp.get(server.port(), "/api/v1/stream", "Accept: text/event-stream");
        JsonNode problem = assertProblem(refused, 503);
        assertThat(problem.path("detail").asText()).contains("at most 2 clients");
        assertThat(refused.headers()).containsEntry("retry-after", "10");
        assertThat(OpenApiContract.bundled().violations("/api/v1/stream", 503, refused.contentType(), refused.body()))
                .as("the 503 is the one the OpenAPI document describes").isEmpty();
        assertThat(metrics.registry().get(LiveUpdates.METRIC_REJECTED).counter().count()).isEqualTo(1.0);

        first.close();
        // The server notices a closed stream only when a write to it fails (the first one after the close may not).
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
            broadcast("after-close", 0);
            return server.liveUpdates().clients() == 1;
        });
        Reader third = new Reader(null);
        broadcast("for-third", 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> third.scopes().contains("station:for-third"));
    }

    @Test
    void lastEventIdResumesWithTheMissedEventsExactlyOnceInOrder() throws Exception {
        start(new LiveUpdates.Settings(10, 64, Duration.ofSeconds(2), 8));
        Reader before = new Reader(null);
        for (int i = 0; i < 3; i++) {
            broadcast("a" + i, 0);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> before.events.size() == 3);
        String lastSeen = before.lastId();
        before.close();
        for (int i = 0; i < 4; i++) {
            broadcast("b" + i, 0); // while the client is away
        }
        Reader resumed = new Reader(lastSeen);
        broadcast("c0", 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> resumed.events.size() == 5);
        Thread.sleep(200); // nothing more may come
        assertThat(resumed.scopes()).containsExactly("station:b0", "station:b1", "station:b2", "station:b3", "station:c0");
        List<Long> sequences = resumed.events.stream().map(e -> Long.parseLong(e.id().substring(e.id().lastIndexOf('-') + 1))).toList();
        assertThat(sequences).containsExactly(4L, 5L, 6L, 7L, 8L);
        assertThat(metrics.registry().get(LiveUpdates.METRIC_RESUMED).tag("outcome", "replayed").counter().count()).isEqualTo(1.0);
    }

    @Test
    void aGapOlderThanTheBufferOrAnIdOfAnotherInstanceGetsAReloadEvent() throws Exception {
        start(new LiveUpdates.Settings(10, 64, Duration.ofSeconds(2), 8));
        Reader first = new Reader(null);
        broadcast("first", 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> first.events.size() == 1);
        String old = first.lastId();
        for (int i = 0; i < 20; i++) {
            broadcast("later" + i, 0);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> first.events.size() == 21);
        Reader tooLate = new Reader(old);
        Reader foreign = new Reader("l2x9k0-17");
        await().atMost(Duration.ofSeconds(5)).until(() -> !tooLate.events.isEmpty() && !foreign.events.isEmpty());
        Thread.sleep(200);
        for (Reader r : List.of(tooLate, foreign)) {
            assertThat(r.events).hasSize(1);
            assertThat(r.events.get(0).name()).isEqualTo("reload");
            assertThat(readTree(r.events.get(0).data()).path("reason").asText()).isNotBlank();
        }
        assertThat(readTree(tooLate.events.get(0).data()).path("reason").asText()).contains("more than the 8 kept");
        assertThat(tooLate.events.get(0).id()).as("the reload carries the latest id").isEqualTo(first.lastId());
        assertThat(metrics.registry().get(LiveUpdates.METRIC_RESUMED).tag("outcome", "reload").counter().count()).isEqualTo(2.0);
    }

    @Test
    void malformedRequestsToTheApiAnswerProblemsNotHtml() throws Exception {
        start(LiveUpdates.Settings.defaults());
        pl.krakow.pulse.runtime.http.ProblemChecks.malformedRequestsAnswerProblems(server.port());
    }
}
