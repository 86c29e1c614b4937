package pl.krakow.pulse.ingest.push;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.ingest.NotAcknowledgedException;
import pl.krakow.pulse.ingest.ParseOutcome;

/**
 * The endpoint answers only after the sink's acknowledgement: 503 with Retry-After (and the parser told which events
 * were not stored) when it fails, no worker thread held while waiting, and no connection reset under a thousand
 * concurrent clients. A scripted sink stands in for Kafka; loopback only.
 */
class SensorPushAcknowledgementTest {

    /** A sink whose acknowledgement of each batch is decided by {@code verdict}, completed later on another thread. */
    static final class ScriptedSink extends SensorPushServerTest.Sink {
        final ScheduledExecutorService acker = Executors.newScheduledThreadPool(2);
        volatile Function<List<? extends ParseOutcome>, Throwable> verdict = batch -> null;
        volatile long delayMs = 20;
        final List<List<? extends ParseOutcome>> acknowledged = Collections.synchronizedList(new ArrayList<>());

        @Override
        public CompletableFuture<Void> publishAll(List<? extends ParseOutcome> outcomes) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            acker.schedule(() -> {
                Throwable error = verdict.apply(outcomes);
                if (error == null) {
                    acknowledged.add(outcomes);
                    f.complete(null);
                } else {
                    f.completeExceptionally(error);
                }
            }, delayMs, TimeUnit.MILLISECONDS);
            return f;
        }
    }

    private final ScriptedSink sink = new ScriptedSink();
    private final List<String> forgotten = Collections.synchronizedList(new ArrayList<>());
    private final PushParser parser = new PushParser() {
        @Override
        public List<ParseOutcome> parse(byte[] body, String sourceId, String channelSensorId) {
            return SensorPushServerTest.LINES.parse(body, sourceId, channelSensorId);
        }

        @Override
        public void notStored(List<ParseOutcome.Accepted<?>> events) {
            events.forEach(e -> forgotten.add(e.eventId()));
        }
    };
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final SensorPushServer server = new SensorPushServer(SensorPushServer.PATH, parser, sink,
            new BearerTokens(Map.of("tok", "station-a")), "127.0.0.1", 0, 1024, meters);

    @AfterEach
    void stop() {
        server.close();
        sink.acker.shutdownNow();
    }

    private HttpRequest request(String body) {
        return HttpRequest.newBuilder(URI.create(server.url())).header("Authorization", "Bearer tok")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    @Test
    void notAcknowledgedIs503WithRetryAfterAndTheParserForgetsWhatDidNotLand() throws Exception {
        server.start();
        // good1 landed, good2 did not: the batch is not stored as a whole, and only good2 is forgotten.
        sink.verdict = batch -> new NotAcknowledgedException(NotAcknowledgedException.Reason.SEND_FAILED, "broker down", null,
                List.of(batch.get(1), batch.get(2)));
        HttpResponse<String> r = HttpClient.newHttpClient().send(request("good1\ngood2\nbad"), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).contains(Integer.toString(SensorPushServer.RETRY_AFTER_SECONDS));
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        JsonNode problem = SensorPushServerTest.MAPPER.readTree(r.body());
        assertThat(problem.get("status").asInt()).isEqualTo(503);
        assertThat(problem.get("detail").asText()).contains("2 of the 3 records", "nothing of it may be assumed stored", "Resend the whole request");
        assertThat(forgotten).containsExactly("good2");
        assertThat(meters.get(SensorPushServer.UNAVAILABLE_METRIC).tag("cause", "send_failed").counter().count()).isEqualTo(1);

        sink.verdict = batch -> null;
        assertThat(HttpClient.newHttpClient().send(request("good2"), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);
    }

    @Test
    void waitingForAcknowledgementsHoldsNoWorkerThread() throws Exception {
        server.start();
        sink.delayMs = 2000;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(Executors.newFixedThreadPool(4)).build();
        long began = System.nanoTime();
        // Four times the Jetty pool's 64 threads wait at once: answered after about one delay, where threads held
        // for the wait would need four rounds (8 s).
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            responses.add(http.sendAsync(request("good-wait-" + i), HttpResponse.BodyHandlers.ofString()));
        }
        CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertThat(responses).allSatisfy(f -> assertThat(f.join().statusCode()).isEqualTo(202));
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofMillis(6000));
    }

    @Test
    void aThousandConcurrentClientsAreAllAnsweredAndEveryAcceptedRecordIsStoredOnce() throws Exception {
        server.start();
        int clients = 1000;
        // Every 10th batch is not acknowledged: those answers must be 503 and their records absent.
        sink.verdict = batch -> ((ParseOutcome.Accepted<?>) batch.get(0)).eventId().endsWith("0")
                ? new NotAcknowledgedException(NotAcknowledgedException.Reason.TIMED_OUT, "slow", null, List.copyOf(batch)) : null;
        ExecutorService pool = Executors.newFixedThreadPool(32);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(pool)
                .connectTimeout(Duration.ofSeconds(30)).build();
        Map<Integer, Integer> status = new ConcurrentHashMap<>();
        AtomicInteger connectionErrors = new AtomicInteger();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        long began = System.nanoTime();
        for (int i = 0; i < clients; i++) {
            int n = i;
            all.add(http.sendAsync(request("good-" + n), HttpResponse.BodyHandlers.ofString())
                    .handle((r, error) -> {
                        if (error != null) {
                            connectionErrors.incrementAndGet();
                        } else {
                            status.put(n, r.statusCode());
                        }
                        return null;
                    }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        pool.shutdownNow();

        assertThat(connectionErrors).as("connection errors among %d concurrent requests", clients).hasValue(0);
        assertThat(status).hasSize(clients);
        List<String> stored = sink.acknowledged.stream().map(b -> ((ParseOutcome.Accepted<?>) b.get(0)).eventId()).toList();
        List<String> answered2xx = status.entrySet().stream().filter(e -> e.getValue() == 202).map(e -> "good-" + e.getKey()).toList();
        assertThat(stored).containsExactlyInAnyOrderElementsOf(answered2xx).doesNotHaveDuplicates();
        assertThat(status.entrySet()).allSatisfy(e -> assertThat(e.getValue()).isEqualTo(e.getKey() % 10 == 0 ? 503 : 202));
        System.out.printf("%d concurrent pushes answered in %d ms%n", clients, millis);
    }
}
