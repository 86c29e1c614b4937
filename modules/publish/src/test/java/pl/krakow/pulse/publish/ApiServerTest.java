package pl.krakow.pulse.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static pl.krakow.pulse.publish.PublishTestData.BUJAKA;
import static pl.krakow.pulse.publish.PublishTestData.DST_SPRING_DAY;
import static pl.krakow.pulse.publish.PublishTestData.DST_SPRING_DAY_END;
import static pl.krakow.pulse.publish.PublishTestData.KRASINSKIEGO;
import static pl.krakow.pulse.publish.PublishTestData.ON_TIME;
import static pl.krakow.pulse.publish.PublishTestData.PM10_DAILY;
import static pl.krakow.pulse.publish.PublishTestData.PM25_DAILY;
import static pl.krakow.pulse.publish.PublishTestData.T0;
import static pl.krakow.pulse.publish.PublishTestData.WARSAW;
import static pl.krakow.pulse.publish.PublishTestData.other;
import static pl.krakow.pulse.publish.PublishTestData.pm10;
import static pl.krakow.pulse.publish.PublishTestData.pm10Winter;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.catalog.Scopes;
import pl.krakow.pulse.platform.metrics.PulseMetrics;

/** The API over a read model fed directly (no broker). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiServerTest {

    private static final String JSON_UTF8 = "application/json;charset=utf-8";
    private static final String PROBLEM_JSON = "application/problem+json;charset=utf-8";
    /** 2017-03-27, the day after the spring DST change: the latest PM10 window at Krasińskiego, still open. */
    private static final Instant MAR_27 = Instant.parse("2017-03-26T22:00:00Z");
    private static final Instant MAR_28 = Instant.parse("2017-03-27T22:00:00Z");

    private final IndicatorCatalog catalog = IndicatorCatalog.bundled();
    private final PulseMetrics metrics = new PulseMetrics("publish-test");
    private final IndicatorReadModel model = IndicatorReadModel.inMemory(metrics);
    private final AtomicReference<Supplier<ReadinessReport>> readiness = new AtomicReference<>();
    private final AtomicReference<Supplier<ReadinessReport>> health = new AtomicReference<>();
    private ApiServer server;
    private ApiClient api;

    @BeforeAll
    void startServer() {
        for (int day = 1; day <= 31; day++) {
            model.apply(pm10Winter(KRASINSKIEGO, LocalDate.of(2017, 1, day), day * 1.5));
        }
        model.apply(pm10Winter(KRASINSKIEGO, LocalDate.of(2017, 2, 1), 99));
        model.apply(pm10(KRASINSKIEGO, DST_SPRING_DAY, DST_SPRING_DAY_END, 61.2, IndicatorStatus.FINAL, 1));
        model.apply(pm10(KRASINSKIEGO, MAR_27, MAR_28, null, IndicatorStatus.PROVISIONAL, 0));
        model.apply(pm10(BUJAKA, T0, 70));
        model.apply(other(PM25_DAILY, "IV.3", KRASINSKIEGO, T0.plusSeconds(86_400), 33, "µg/m³"));
        model.apply(other(ON_TIME, "IV.4", Scopes.KRAKOW_CITY, T0, 91.5, "%"));
        model.apply(other("iv3.test.uncatalogued", "IV.3", Scopes.KRAKOW_CITY, T0, 1, "count"));

        appIsReady();
        server = new ApiServer("127.0.0.1", 0, model, catalog, WARSAW, 400, metrics, () -> readiness.get().get())
                .withHealth(() -> health.get().get());
        server.start();
        api = new ApiClient("http://127.0.0.1:" + server.port());
    }

    @AfterEach
    void appIsReady() {
        readiness.set(() -> ReadinessReport.up(Map.of("topics", "present")));
        health.set(() -> ReadinessReport.up(Map.of()));
    }

    @AfterAll
    void stopServer() {
        server.close();
        model.close();
        metrics.close();
    }

    @Test
    void goalsListEveryCatalogGoalWithItsIndicators() {
        ApiClient.Response r = api.get("/api/v1/goals");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo(JSON_UTF8);
        assertThat(r.json().path("timeZone").asText()).isEqualTo("Europe/Warsaw");
        List<String> goalIds = new ArrayList<>();
        r.json().path("goals").forEach(g -> goalIds.add(g.path("id").asText()));
        assertThat(goalIds).containsExactly("IV.3", "IV.4", "IV.5");
        for (JsonNode goal : r.json().path("goals")) {
            List<String> ids = new ArrayList<>();
            goal.path("indicators").forEach(i -> ids.add(i.path("id").asText()));
            assertThat(ids).containsExactlyElementsOf(
                    catalog.indicatorsOf(goal.path("id").asText()).stream().map(IndicatorCatalog.Indicator::id).toList());
        }

        JsonNode iv3 = r.json().path("goals").get(0);
        assertThat(iv3.path("name").path("pl").asText()).isEqualTo("Zrównoważone środowisko");
        assertThat(iv3.path("topic").asText()).isEqualTo("indicators.iv3.v1");
        JsonNode pm10 = find(iv3.path("indicators"), "id", PM10_DAILY);
        assertThat(pm10.path("name").path("pl").asText()).isEqualTo("Średniodobowe stężenie PM10");
        assertThat(pm10.path("name").path("en").asText()).isEqualTo("PM10 24-h mean");
        assertThat(pm10.path("unit").asText()).isEqualTo("µg/m³");
        assertThat(pm10.path("direction").asText()).isEqualTo("LOWER_IS_BETTER");
        assertThat(pm10.path("scopes").toString()).isEqualTo("[\"station\",\"city\"]");
        assertThat(pm10.path("scopesWithData").toString()).isEqualTo("[\"station:MpKrakAlKras\",\"station:MpKrakBujaka\"]");
        assertThat(pm10.path("implemented").asBoolean()).isTrue();
        assertThat(pm10.path("alertLevels")).hasSize(4);
        JsonNode euLimit = find(pm10.path("alertLevels"), "rule", "pm10-daily-eu-limit");
        assertThat(euLimit.path("operator").asText()).isEqualTo(">");
        assertThat(euLimit.path("threshold").asDouble()).isEqualTo(50.0);
        assertThat(euLimit.path("source").asText()).isEqualTo("Directive 2008/50/EC Annex XI");
        assertThat(find(iv3.path("indicators"), "id", "iv3.pm10.hourly").path("implemented").asBoolean()).isTrue();
        assertThat(find(iv3.path("indicators"), "id", "iv3.aqi.class").path("implemented").asBoolean()).isTrue();
    }

    @Test
    void goalIsAcceptedAsIv3OrIvDot3() {
        String canonical = api.get("/api/v1/goals/IV.3/indicators").body();
        for (String spelling : List.of("iv3", "iv.3", "IV3", "Iv.3")) {
            ApiClient.Response r = api.get("/api/v1/goals/" + spelling + "/indicators");
            assertThat(r.status()).as(spelling).isEqualTo(200);
            assertThat(r.body()).as(spelling).isEqualTo(canonical);
        }
    }

    @Test
    void goalIndicatorsHaveTheLatestValuePerScope() {
        ApiClient.Response r = api.get("/api/v1/goals/iv3/indicators");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo(JSON_UTF8);
        assertThat(r.json().path("goal").asText()).isEqualTo("IV.3");
        assertThat(r.json().path("name").path("en").asText()).isEqualTo("Sustainable environment");
        JsonNode pm10 = find(r.json().path("indicators"), "id", PM10_DAILY);
        assertThat(pm10.path("values")).hasSize(2);

        JsonNode krasinskiego = pm10.path("values").get(0);
        assertThat(krasinskiego.path("scope").asText()).isEqualTo(KRASINSKIEGO);
        assertThat(krasinskiego.path("windowStart").asText()).isEqualTo("2017-03-27T00:00+02:00");
        assertThat(krasinskiego.has("value")).isTrue();
        assertThat(krasinskiego.path("value").isNull()).as("nothing computed yet is null, not 0").isTrue();
        assertThat(krasinskiego.path("status").asText()).isEqualTo("PROVISIONAL");

        JsonNode bujaka = pm10.path("values").get(1);
        assertThat(bujaka.toString()).isEqualTo("{\"indicatorId\":\"iv3.pm10.daily_mean\",\"goal\":\"IV.3\","
                + "\"scope\":\"station:MpKrakBujaka\",\"windowStart\":\"2017-01-01T00:00+01:00\","
                + "\"windowEnd\":\"2017-01-02T00:00+01:00\",\"value\":70.0,\"unit\":\"µg/m³\","
                + "\"coverage\":" + (20.0 / 24) + ",\"observedCount\":20,\"expectedCount\":24,\"valid\":true,"
                + "\"status\":\"FINAL\",\"revision\":1,\"computedAt\":\"2017-11-01T11:15:30.250+01:00\","
                + "\"lastEventIngestedAt\":\"2017-11-01T11:15:30.210+01:00\",\"simulated\":false,"
                + "\"place\":\"city:krakow\",\"placeName\":\"Kraków\"}");

        assertThat(find(r.json().path("indicators"), "id", "iv3.pm10.hourly").path("values")).isEmpty();
        assertThat(find(r.json().path("indicators"), "id", PM25_DAILY).path("values").get(0).path("value").asDouble())
                .isEqualTo(33.0);
        JsonNode uncatalogued = find(r.json().path("indicators"), "id", "iv3.test.uncatalogued");
        assertThat(uncatalogued.path("catalogued").asBoolean()).isFalse();
        assertThat(uncatalogued.path("values")).hasSize(1);
        assertThat(r.body()).doesNotContain(ON_TIME);
    }

    @Test
    void unknownGoalIsNotFound() {
        ApiClient.Response r = api.get("/api/v1/goals/IV.9/indicators");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.contentType()).isEqualTo(PROBLEM_JSON);
        assertThat(r.json().path("status").asInt()).isEqualTo(404);
        assertThat(r.json().path("error").asText()).isEqualTo("Not Found");
        assertThat(r.json().path("message").asText()).isEqualTo("unknown goal 'IV.9'; known goals: IV.3, IV.4, IV.5");
    }

    @Test
    void historyHasTheWindowsStartingOnTheRequestedLocalDaysBothInclusive() {
        ApiClient.Response r = api.get("/api/v1/indicators/iv3.pm10.daily_mean?scope=station:MpKrakAlKras&from=2017-01-01&to=2017-01-31");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo(JSON_UTF8);
        JsonNode h = r.json();
        assertThat(h.path("indicatorId").asText()).isEqualTo(PM10_DAILY);
        assertThat(h.path("goal").asText()).isEqualTo("IV.3");
        assertThat(h.path("scope").asText()).isEqualTo(KRASINSKIEGO);
        assertThat(h.path("unit").asText()).isEqualTo("µg/m³");
        assertThat(h.path("from").asText()).isEqualTo("2017-01-01");
        assertThat(h.path("to").asText()).isEqualTo("2017-01-31");
        assertThat(h.path("count").asInt()).isEqualTo(31);
        assertThat(h.path("values")).hasSize(31);
        for (int day = 1; day <= 31; day++) {
            JsonNode v = h.path("values").get(day - 1);
            assertThat(v.path("windowStart").asText()).isEqualTo(String.format("2017-01-%02dT00:00+01:00", day));
            assertThat(v.path("value").asDouble()).isEqualTo(day * 1.5);
        }
        assertThat(r.body()).as("2017-02-01 00:00 local is outside").doesNotContain("2017-02-01T00:00+01:00\",\"windowEnd");
    }

    @Test
    void historyComesInPagesWhoseNextLinksTogetherGiveTheWholeRangeOnce() throws Exception {
        List<String> windowStarts = new ArrayList<>();
        String url = "/api/v1/indicators/iv3.pm10.daily_mean?scope=station:MpKrakAlKras&from=2017-01-01&to=2017-01-31&limit=10";
        int pages = 0;
        while (url != null) {
            HttpResponse<String> raw = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + url)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(raw.statusCode()).isEqualTo(200);
            JsonNode h = new com.fasterxml.jackson.databind.ObjectMapper().readTree(raw.body());
            assertThat(h.path("limit").asInt()).isEqualTo(10);
            assertThat(h.path("order").asText()).isEqualTo("asc");
            assertThat(h.path("count").asInt()).isEqualTo(h.path("values").size()).isLessThanOrEqualTo(10);
            h.path("values").forEach(v -> windowStarts.add(v.path("windowStart").asText()));
            url = h.path("next").isNull() ? null : h.path("next").asText();
            assertThat(raw.headers().firstValue("Link").orElse(null))
                    .isEqualTo(url == null ? null : "<" + url + ">; rel=\"next\"");
            pages++;
        }
        assertThat(pages).isEqualTo(4);
        assertThat(windowStarts).hasSize(31).doesNotHaveDuplicates().isSorted();
        assertThat(windowStarts.get(30)).isEqualTo("2017-01-31T00:00+01:00");
    }

    @Test
    void historyNewestFirstGivesTheLatestValuesOfTheRange() {
        JsonNode h = api.get("/api/v1/indicators/iv3.pm10.daily_mean?scope=station:MpKrakAlKras&from=2017-01-01&to=2017-01-31"
                + "&order=desc&limit=3").json();

        assertThat(h.path("values")).extracting(v -> v.path("value").asDouble()).containsExactly(46.5, 45.0, 43.5);
        assertThat(h.path("next").asText()).contains("order=desc", "cursor=2017-01-28T23%3A00%3A00Z", "from=2017-01-01");
        JsonNode next = api.get(h.path("next").asText()).json();
        assertThat(next.path("values")).extracting(v -> v.path("value").asDouble()).containsExactly(42.0, 40.5, 39.0);
    }

    @Test
    void badPagingParametersAreProblems() {
        for (String q : List.of("limit=0", "limit=10001", "limit=ten", "order=newest", "cursor=yesterday")) {
            ApiClient.Response r = api.get("/api/v1/indicators/iv3.pm10.daily_mean?scope=station:MpKrakAlKras&" + q);
            assertThat(r.status()).as(q).isEqualTo(400);
            assertThat(r.contentType()).isEqualTo(PROBLEM_JSON);
            assertThat(r.json().path("message").asText()).as(q).contains("query parameter '" + q.substring(0, q.indexOf('=')));
        }
    }

    @Test
    void historyOverTheSpringDstDayShowsBothOffsets() {
        ApiClient.Response r = api.get("/api/v1/indicators/iv3.pm10.daily_mean?scope=station:MpKrakAlKras&from=2017-03-26&to=2017-03-26");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("values")).hasSize(1);
        JsonNode v = r.json().path("values").get(0);
        assertThat(v.path("windowStart").asText()).isEqualTo("2017-03-26T00:00+01:00");
        assertThat(v.path("windowEnd").asText()).isEqualTo("2017-03-27T00:00+02:00");
        assertThat(v.path("expectedCount").asInt()).isEqualTo(23);
        assertThat(v.path("value").asDouble()).isEqualTo(61.2);
    }

    @Test
    void historyWithoutDatesIsThe31DaysUpToTheLatestValue() {
        ApiClient.Response r = api.get("/api/v1/indicators/iv3.pm10.daily_mean?scope=station:MpKrakAlKras");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("from").asText()).isEqualTo("2017-02-25");
        assertThat(r.json().path("to").asText()).isEqualTo("2017-03-27");
        List<String> starts = new ArrayList<>();
        r.json().path("values").forEach(v -> starts.add(v.path("windowStart").asText()));
        assertThat(starts).containsExactly("2017-03-26T00:00+01:00", "2017-03-27T00:00+02:00");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "bad from date     | from=2017-13-01&to=2017-12-31 | query parameter 'from' must be an ISO-8601 date (yyyy-MM-dd), got '2017-13-01'",
        "bad to date       | from=2017-01-01&to=31.01.2017 | query parameter 'to' must be an ISO-8601 date (yyyy-MM-dd), got '31.01.2017'",
        "from after to     | from=2017-02-01&to=2017-01-31 | 'from' (2017-02-01) is after 'to' (2017-01-31)",
        "range above limit | from=2017-01-01&to=2018-12-31 | the range 2017-01-01..2018-12-31 spans 730 days; at most 400 days per request (api.max.range.days)",
    })
    void badHistoryParametersAreBadRequests(String name, String query, String message) {
        ApiClient.Response r = api.get("/api/v1/indicators/iv3.pm10.daily_mean?scope=station:MpKrakAlKras&" + query);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.contentType()).isEqualTo(PROBLEM_JSON);
        assertThat(r.json().path("status").asInt()).isEqualTo(400);
        assertThat(r.json().path("error").asText()).isEqualTo("Bad Request");
        assertThat(r.json().path("message").asText()).isEqualTo(message);
    }

    @Test
    void missingScopeIsABadRequestThatNamesTheScopesWithValues() {
        ApiClient.Response r = api.get("/api/v1/indicators/iv3.pm10.daily_mean?from=2017-01-01");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("message").asText()).isEqualTo("query parameter 'scope' is required, e.g. "
                + "scope=station:MpKrakAlKras; scopes with values for iv3.pm10.daily_mean: station:MpKrakAlKras, station:MpKrakBujaka");
    }

    @Test
    void unknownIndicatorIsNotFound() {
        ApiClient.Response r = api.get("/api/v1/indicators/iv3.pm11.daily_mean?scope=station:MpKrakAlKras");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().path("error").asText()).isEqualTo("Not Found");
        assertThat(r.json().path("message").asText())
                .isEqualTo("unknown indicator 'iv3.pm11.daily_mean'; GET /api/v1/goals lists the indicators");
    }

    @Test
    void scopeWithoutValuesIsNotFound() {
        ApiClient.Response r = api.get("/api/v1/indicators/iv3.pm10.daily_mean?scope=station:MpKrakWadow");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().path("message").asText()).isEqualTo("indicator iv3.pm10.daily_mean has no values for scope "
                + "'station:MpKrakWadow'; scopes with values: station:MpKrakAlKras, station:MpKrakBujaka");
    }

    @Test
    void unknownRouteAndWrongMethodAnswerJsonErrors() {
        ApiClient.Response notFound = api.get("/api/v2/goals");
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.contentType()).isEqualTo(PROBLEM_JSON);
        assertThat(notFound.json().path("status").asInt()).isEqualTo(404);
        assertThat(notFound.json().path("error").asText()).isEqualTo("Not Found");

        ApiClient.Response post = api.send("POST", "/api/v1/goals");
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.contentType()).isEqualTo(PROBLEM_JSON);
        assertThat(post.json().path("error").asText()).isEqualTo("Method Not Allowed");
        assertThat(post.body()).doesNotContain("Exception", "\tat ");
    }

    @Test
    void healthIsUp() {
        ApiClient.Response r = api.get("/health");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo(JSON_UTF8);
        assertThat(r.body()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void healthIsDownNamingTheServicesThatAre() {
        health.set(() -> ReadinessReport.down(Map.of("indicators-iv5", "ERROR")));
        ApiClient.Response down = api.get("/health");

        assertThat(down.status()).isEqualTo(503);
        assertThat(down.contentType()).isEqualTo(JSON_UTF8);
        assertThat(down.json().path("status").asText()).isEqualTo("DOWN");
        assertThat(down.json().path("checks").path("indicators-iv5").asText()).isEqualTo("ERROR");
    }

    @Test
    void readyFollowsTheAppChecksAndTheReadModel() {
        readiness.set(() -> ReadinessReport.down(Map.of("topics", "missing: indicators.iv5.v1")));
        ApiClient.Response down = api.get("/ready");
        assertThat(down.status()).isEqualTo(503);
        assertThat(down.contentType()).isEqualTo(JSON_UTF8);
        assertThat(down.json().path("status").asText()).isEqualTo("DOWN");
        assertThat(down.json().path("checks").path("topics").asText()).isEqualTo("missing: indicators.iv5.v1");
        assertThat(down.json().path("checks").path("read-model").asText()).isEqualTo("caught up, " + model.size() + " values");

        readiness.set(() -> ReadinessReport.up(Map.of("topics", "present")));
        ApiClient.Response up = api.get("/ready");
        assertThat(up.status()).isEqualTo(200);
        assertThat(up.json().path("status").asText()).isEqualTo("UP");
        assertThat(up.json().path("checks").path("topics").asText()).isEqualTo("present");
    }

    @Test
    void failingReadinessCheckIsNotReadyRatherThanAnError() {
        readiness.set(() -> {
            throw new IllegalStateException("admin client closed");
        });
        ApiClient.Response r = api.get("/ready");

        assertThat(r.status()).isEqualTo(503);
        assertThat(r.json().path("checks").path("readiness").asText()).isEqualTo("check failed: admin client closed");
        assertThat(r.body()).doesNotContain("\tat ", "IllegalStateException");
    }

    @Test
    void metricsArePrometheusText() {
        api.get("/api/v1/goals");
        ApiClient.Response r = api.get("/metrics");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        assertThat(r.body()).contains("jvm_memory_used_bytes", "pulse_publish_read_model_values",
                "pulse_publish_http_requests_seconds_count{application=\"publish-test\",method=\"GET\",route=\"/api/v1/goals\",status=\"200\"}");
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode n : array) {
            if (n.path(field).asText().equals(value)) {
                return n;
            }
        }
        throw new AssertionError("no element with " + field + "=" + value + " in " + array);
    }
}
