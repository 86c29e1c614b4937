package pl.krakow.pulse.platform.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.platform.registry.SchemaRegistrySettings.Retry;
import pl.krakow.pulse.platform.topics.Compatibility;

/**
 * Retries of registry calls against a loopback HTTP server that answers from a script: transient failures (5xx, 429,
 * a refused connection) are retried with backoff, an answer about the request (4xx) is not.
 */
class HttpSchemaRegistryClientRetryTest {

    private static final Retry FAST = new Retry(3, Duration.ofMillis(10), Duration.ofMillis(40));

    private HttpServer server;
    private final Deque<Integer> script = new ArrayDeque<>();
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            Integer status = script.poll();
            int code = status == null ? 200 : status;
            byte[] body = (code == 200 ? "{\"compatibilityLevel\":\"FULL\"}"
                    : "{\"error_code\":" + code + ",\"message\":\"scripted\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(code, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private HttpSchemaRegistryClient client(Retry retry) {
        return new HttpSchemaRegistryClient(SchemaRegistrySettings.of("http://127.0.0.1:" + server.getAddress().getPort())
                .withRetry(retry));
    }

    @Test
    void serverErrorsAndTooManyRequestsAreRetriedUntilAnAnswer() {
        script.addAll(java.util.List.of(503, 500, 429));
        assertThat(client(FAST).compatibility("s-value")).contains(Compatibility.FULL);
        assertThat(requests).hasValue(4);
    }

    @Test
    void afterTheLastRetryTheFailureIsReported() {
        script.addAll(java.util.List.of(503, 503, 503, 503, 503));
        assertThatThrownBy(() -> client(FAST).compatibility("s-value")).isInstanceOf(SchemaRegistryException.class)
                .satisfies(e -> assertThat(((SchemaRegistryException) e).httpStatus()).isEqualTo(503));
        assertThat(requests).hasValue(4);
    }

    @Test
    void anAnswerAboutTheRequestIsNotRetried() {
        script.add(401);
        assertThatThrownBy(() -> client(FAST).compatibility("s-value")).hasMessageContaining("HTTP 401")
                .hasMessageContaining("schema.registry.basic.auth");
        assertThat(requests).hasValue(1);
        script.add(404);
        assertThat(client(FAST).compatibility("s-value")).as("404: no level of its own").isEmpty();
        assertThat(requests).hasValue(2);
    }

    @Test
    void aRefusedConnectionIsRetriedThenReportedAsUnreachable() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(SchemaRegistrySettings.of("http://127.0.0.1:" + closedPort)
                .withRetry(new Retry(2, Duration.ofMillis(100), Duration.ofMillis(100))));
        long began = System.nanoTime();
        assertThatThrownBy(() -> client.compatibility("s-value")).hasMessageContaining("unreachable");
        assertThat(Duration.ofNanos(System.nanoTime() - began)).as("two waits of 100 ms").isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }
}
