package pl.krakow.pulse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.runtime.service.Service;
import pl.krakow.pulse.testsupport.data.KrakowPm10Days2017Q1;

/**
 * Starts what {@code pulse run} starts (embedded broker and registry, IV.3 topology, read model,
 * HTTP API, bundled replay) and queries the HTTP API as a user would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PulseRunApiIT {

    @TempDir
    static Path dataDir;

    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();
    PulseRuntime runtime;

    @BeforeAll
    void start() throws Exception {
        runtime = PulseRuntime.start(PulseTestRuntime.config(dataDir, true), false);
        runtime.awaitReplay(Duration.ofMinutes(2));
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                .until(() -> get("/ready").statusCode() == 200 && KrakowPm10Days2017Q1.STATION_BY_COLUMN.values().stream()
                        .filter(station -> !station.equals("MpKrakSwoszo")) // sent no data in this cut
                        .allMatch(station -> history(station, "2017-03-01", "2017-03-30").size() == 30));
    }

    @AfterAll
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(runtime.httpUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    JsonNode json(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    JsonNode history(String station, String from, String to) {
        HttpResponse<String> r;
        try {
            r = get("/api/v1/indicators/iv3.pm10.daily_mean?scope=station:" + station + "&from=" + from + "&to=" + to);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        if (r.statusCode() != 200) {
            return JSON.createArrayNode();
        }
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return body.isArray() ? body : body.path("values");
    }

    @Test
    void goalsListTheThreeOperationalGoalsWithTheirIndicators() throws Exception {
        JsonNode body = json("/api/v1/goals");
        JsonNode goals = body.isArray() ? body : body.path("goals");
        assertThat(goals.findValuesAsText("id")).contains("IV.3", "IV.4", "IV.5", "iv3.pm10.daily_mean");
    }

    @Test
    void goalIndicatorsServeTheLatestDailyMeanPerStation() throws Exception {
        JsonNode body = json("/api/v1/goals/IV.3/indicators");
        assertThat(body.findValuesAsText("scope")).contains("station:MpKrakAlKras", "station:MpKrakDietla");
        JsonNode value = body.findValues("values").stream().filter(v -> v.size() > 0).findFirst().orElseThrow().get(0);
        for (String field : new String[] {"indicatorId", "goal", "scope", "windowStart", "windowEnd", "value", "unit",
                "coverage", "valid", "status", "revision"}) {
            assertThat(value.has(field)).as(field + " in " + value).isTrue();
        }
    }

    @Test
    void historyEqualsTheIndependentlyComputedDailyMeansWithLocalOffsets() throws Exception {
        Map<LocalDate, KrakowPm10Days2017Q1.Day> expected = KrakowPm10Days2017Q1.pm10Days().get("MpKrakAlKras");
        JsonNode values = history("MpKrakAlKras", "2017-03-24", "2017-03-28");
        assertThat(values).hasSize(5);
        for (JsonNode v : values) {
            String start = v.path("windowStart").asText();
            LocalDate day = LocalDate.parse(start.substring(0, 10));
            assertThat(v.path("value").asDouble()).as(start).isCloseTo(expected.get(day).mean(), within(1e-9));
        }
        // DST: the 26th starts at +01:00 and lasts 23 hours; the 27th starts at +02:00.
        JsonNode dst = values.get(2);
        assertThat(dst.path("windowStart").asText()).startsWith("2017-03-26T00:00").endsWith("+01:00");
        assertThat(dst.path("windowEnd").asText()).startsWith("2017-03-27T00:00").endsWith("+02:00");
        assertThat(dst.path("expectedCount").asInt()).isEqualTo(23);
    }

    @Test
    void badParametersAreClear4xxErrors() throws Exception {
        HttpResponse<String> badDate = get("/api/v1/indicators/iv3.pm10.daily_mean?scope=station:MpKrakAlKras&from=2017-13-01");
        assertThat(badDate.statusCode()).isEqualTo(400);
        assertThat(badDate.body()).contains("from");
        assertThat(get("/api/v1/indicators/iv3.nothing.here?scope=city").statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/goals/IV.9/indicators").statusCode()).isEqualTo(404);
    }

    @Test
    void healthReadyAndPrometheusMetricsAreServed() throws Exception {
        assertThat(get("/health").statusCode()).isEqualTo(200);
        assertThat(json("/health").path("status").asText()).isEqualTo("UP");
        assertThat(get("/ready").statusCode()).isEqualTo(200);
        // /ready lists every service of the runtime by name, in start order
        JsonNode checks = json("/ready").path("checks");
        List<String> names = new ArrayList<>();
        checks.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsSubsequence("embedded-kafka", "embedded-schema-registry", "indicators-iv3", "indicators-iv4",
                "indicators-iv5", "incident-simulator", "alerting", "read-model", "alerts", "http-api", "reference-stations",
                "mobility-feeds", "embedded-mqtt", "sensor-mqtt", "bundled-replay");
        assertThat(checks.path("indicators-iv3").asText()).isEqualTo("RUNNING");
        assertThat(runtime.services().health()).isEqualTo(Service.Health.UP);
        String metrics = get("/metrics").body();
        assertThat(metrics).contains("jvm_memory_used_bytes", "pulse_ingest_records_total", "kafka_stream");
    }

    @Test
    void alertRulesAndDashboardsOfTheOpsStackSelectOnlyExportedMetrics() throws Exception {
        // The same meters the separate components register, all in this one process: a renamed meter or label
        // would leave an alert that can never fire or an empty panel (ops/prometheus, ops/grafana).
        assertThat(OpsFiles.unexported(get("/metrics").body())).isEmpty();
    }
}
