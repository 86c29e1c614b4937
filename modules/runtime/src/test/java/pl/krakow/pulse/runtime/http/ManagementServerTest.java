package pl.krakow.pulse.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.runtime.service.Service;
import pl.krakow.pulse.runtime.service.ServiceGroup;

/** The management endpoints answer from the service group they were given: liveness, readiness, metrics, problems. */
class ManagementServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ServiceGroup services = new ServiceGroup("component");
    private final AtomicBoolean appReady = new AtomicBoolean(false);
    private final AtomicBoolean appDown = new AtomicBoolean(false);

    @AfterEach
    void close() {
        services.close();
    }

    @Test
    void healthIsLivenessReadyIsReadinessAndMetricsIsTheScrape() throws Exception {
        ManagementServer server = services.start(new ManagementServer("127.0.0.1", 0, services, () -> "pulse_test_total 1.0\n"));
        services.start(new Service() {
            @Override
            public String name() {
                return "indicators-iv3";
            }

            @Override
            public void start() {
            }

            @Override
            public boolean isReady() {
                return appReady.get();
            }

            @Override
            public Health health() {
                return appDown.get() ? Health.DOWN : Health.UP;
            }

            @Override
            public String status() {
                return appDown.get() ? "stuck: REBALANCING for 61 s" : appReady.get() ? "RUNNING" : "REBALANCING";
            }

            @Override
            public void close() {
            }
        });

        HttpResponse<String> ready = get(server, "/ready");
        assertThat(ready.statusCode()).as("a rebalancing application is not ready").isEqualTo(503);
        JsonNode checks = JSON.readTree(ready.body()).path("checks");
        assertThat(checks.path("indicators-iv3").asText()).isEqualTo("REBALANCING");
        assertThat(checks.path("management-http").asText()).startsWith("listening on http://127.0.0.1:");
        assertThat(get(server, "/health").statusCode()).as("but alive").isEqualTo(200);

        appReady.set(true);
        assertThat(get(server, "/ready").statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(get(server, "/health").body()).path("status").asText()).isEqualTo("UP");

        appDown.set(true);
        HttpResponse<String> health = get(server, "/health");
        assertThat(health.statusCode()).as("a stuck application fails liveness").isEqualTo(503);
        assertThat(JSON.readTree(health.body()).path("checks").path("indicators-iv3").asText()).contains("stuck");

        HttpResponse<String> metrics = get(server, "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(metrics.body()).contains("pulse_test_total 1.0");

        HttpResponse<String> unknown = get(server, "/api/v1/goals");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        ProblemChecks.malformedRequestsAnswerProblems(server.port());
    }

    private HttpResponse<String> get(ManagementServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
