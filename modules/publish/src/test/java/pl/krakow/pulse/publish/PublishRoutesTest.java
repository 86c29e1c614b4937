package pl.krakow.pulse.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static pl.krakow.pulse.publish.PublishTestData.BUJAKA;
import static pl.krakow.pulse.publish.PublishTestData.KRASINSKIEGO;
import static pl.krakow.pulse.publish.PublishTestData.ON_TIME;
import static pl.krakow.pulse.publish.PublishTestData.PM10_DAILY;
import static pl.krakow.pulse.publish.PublishTestData.T0;
import static pl.krakow.pulse.publish.PublishTestData.T0_PLUS_1D;
import static pl.krakow.pulse.publish.PublishTestData.T0_PLUS_2D;
import static pl.krakow.pulse.publish.PublishTestData.WARSAW;
import static pl.krakow.pulse.publish.PublishTestData.alert;
import static pl.krakow.pulse.publish.PublishTestData.other;
import static pl.krakow.pulse.publish.PublishTestData.pm10;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import pl.krakow.pulse.events.alerts.AlertLevel;
import pl.krakow.pulse.events.alerts.AlertState;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.metrics.PulseMetrics;

/** The second-edition routes (districts, alerts, CSV, OpenAPI, live stream, gauges) over in-memory models. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PublishRoutesTest {

    private static final String BIKES = "iv4.bike.availability";
    private static final Instant JAN_2_NOON = Instant.parse("2017-01-02T11:00:00Z");
    private static final Instant JAN_3_NOON = Instant.parse("2017-01-03T11:00:00Z");

    private final PulseMetrics metrics = new PulseMetrics("publish-routes-test");
    private final IndicatorReadModel model = IndicatorReadModel.inMemory(metrics);
    private final AlertReadModel alerts = AlertReadModel.inMemory(metrics);
    private final OpenApiContract contract = OpenApiContract.bundled();
    private final ObjectMapper json = new ObjectMapper();
    private final Set<String> templatesChecked = Collections.synchronizedSet(new HashSet<>());
    private ApiServer server;
    private ApiClient api;

    @BeforeAll
    void start() {
        model.apply(pm10(KRASINSKIEGO, T0, 41.5));
        model.apply(pm10(KRASINSKIEGO, T0_PLUS_1D, 77.25));
        model.apply(pm10(BUJAKA, T0, 70));
        model.apply(other(BIKES, "IV.4", "district:XVIII", T0, 64.5, "%"));
        model.apply(other(BIKES, "IV.4", "district:I", T0, 88.0, "%"), true);
        model.apply(other(BIKES, "IV.4", "system:oslo-bysykkel", T0, 60.0, "%"));
        model.apply(other(ON_TIME, "IV.4", "city:poznan", T0, 75.0, "%"));
        alerts.apply(alert("a-1", PM10_DAILY, KRASINSKIEGO, AlertState.RAISED, AlertLevel.WARNING, 120, 100, JAN_2_NOON, JAN_2_NOON));
        alerts.apply(alert("a-1", PM10_DAILY, KRASINSKIEGO, AlertState.ESCALATED, AlertLevel.ALARM, 160, 150, JAN_2_NOON, JAN_3_NOON));
        alerts.apply(alert("a-2", PM10_DAILY, BUJAKA, AlertState.CLEARED, AlertLevel.INFO, 40, 50, JAN_2_NOON, JAN_2_NOON));
        server = new ApiServer("127.0.0.1", 0, model, alerts, DistrictMap.bundled(), IndicatorCatalog.bundled(), WARSAW, 400,
                metrics, () -> ReadinessReport.up(Map.of()));
        server.start();
        api = new ApiClient("http://127.0.0.1:" + server.port());
    }

    @AfterAll
    void stop() {
        server.close();
        alerts.close();
        model.close();
        metrics.close();
    }

    /** GET with the answer checked against the OpenAPI document before the test looks at it. */
    private ApiClient.Response checked(String pathAndQuery) {
        ApiClient.Response r = api.get(pathAndQuery);
        String path = pathAndQuery.split("\\?")[0];
        assertThat(contract.violations(path, r.status(), r.contentType(), r.body())).as(pathAndQuery + " -> " + r.body()).isEmpty();
        templatesChecked.add(path);
        return r;
    }

    @Test
    void openApiDocumentIsValidOpenApi31AndIsServed() {
        assertThat(contract.parserMessages()).isEmpty();
        ApiClient.Response served = api.get("/api/openapi.json");
        assertThat(served.status()).isEqualTo(200);
        assertThat(served.json()).isEqualTo(contract.document());
        assertThat(contract.document().path("openapi").asText()).isEqualTo("3.1.0");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/api/v1/goals", "/api/v1/goals/IV.3/indicators", "/api/v1/goals/iv4/indicators", "/api/v1/goals/IV.9/indicators",
        "/api/v1/indicators/iv3.pm10.daily_mean?scope=station:MpKrakAlKras&from=2017-01-01&to=2017-01-31",
        "/api/v1/indicators/iv3.pm10.daily_mean?scope=station:MpKrakAlKras&from=2017-13-01",
        "/api/v1/indicators/iv3.pm10.daily_mean?scope=station:MpKrakAlKras&from=2015-01-01&to=2017-01-31",
        "/api/v1/indicators/iv3.pm10.daily_mean", "/api/v1/indicators/iv9.nothing?scope=city:krakow",
        "/api/v1/indicators/iv4.pt.on_time?scope=city:poznan&from=2017-01-01&to=2017-01-31",
        "/api/v1/indicators/iv3.pm10.daily_mean?scope=station:Nowhere",
        "/api/v1/districts", "/api/v1/districts/18", "/api/v1/districts/XIX", "/api/v1/map/districts.geojson",
        "/api/v1/alerts", "/api/v1/alerts?state=all&from=2017-01-01&to=2017-01-31", "/api/v1/alerts?state=bogus",
        "/api/v1/alerts?state=all&from=yesterday", "/api/v1/goals?format=xml", "/health", "/ready"})
    void everyAnswerMatchesTheOpenApiDocument(String request) {
        ApiClient.Response r = checked(request);
        assertThat(r.status()).isLessThan(500);
    }

    @Test
    void errorsAreProblemDocumentsNamingTheBadParameter() {
        ApiClient.Response range = api.get("/api/v1/indicators/iv3.pm10.daily_mean?scope=station:MpKrakAlKras&from=2015-01-01&to=2017-01-31");
        assertThat(range.status()).isEqualTo(400);
        assertThat(range.contentType()).startsWith("application/problem+json");
        assertThat(range.json().path("title").asText()).isEqualTo("Bad Request");
        assertThat(range.json().path("detail").asText()).contains("at most 400 days");
        assertThat(range.json().path("instance").asText()).isEqualTo("/api/v1/indicators/iv3.pm10.daily_mean");

        assertThat(api.get("/api/v1/districts/XIX").json().path("detail").asText()).startsWith("unknown district 'XIX'");
        assertThat(api.get("/api/v1/alerts?state=bogus").json().path("detail").asText())
                .isEqualTo("query parameter 'state' must be 'active' or 'all', not 'bogus'");
        assertThat(api.get("/api/v1/goals?format=xml").json().path("detail").asText())
                .isEqualTo("query parameter 'format' must be 'json' or 'csv', not 'xml'");
        assertThat(api.get("/api/v1/districts/abc").status()).isEqualTo(404);
    }

    @Test
    void districtsAreTheEighteenWithTheirScopes() {
        JsonNode body = checked("/api/v1/districts").json();
        assertThat(body.path("count").asInt()).isEqualTo(18);
        assertThat(body.path("districts").get(17).path("roman").asText()).isEqualTo("XVIII");
        assertThat(body.path("districts").get(17).path("name").asText()).isEqualTo("Nowa Huta");
        assertThat(body.path("districts").get(17).path("scope").asText()).isEqualTo("district:XVIII");
    }

    @ParameterizedTest
    @ValueSource(strings = {"18", "XVIII", "xviii", "district:XVIII"})
    void aDistrictHasTheLatestValueOfEveryIndicatorWithItsScope(String spelling) {
        JsonNode body = checked("/api/v1/districts/" + spelling).json();
        assertThat(body.path("district").path("number").asInt()).isEqualTo(18);
        assertThat(body.path("count").asInt()).isEqualTo(1);
        JsonNode v = body.path("values").get(0);
        assertThat(v.path("indicatorId").asText()).isEqualTo(BIKES);
        assertThat(v.path("scope").asText()).isEqualTo("district:XVIII");
        assertThat(v.path("value").asDouble()).isEqualTo(64.5);
        assertThat(v.path("simulated").asBoolean()).isFalse();
        assertThat(api.get("/api/v1/districts/I").json().path("values").get(0).path("simulated").asBoolean()).isTrue();
    }

    @Test
    void everyValueNamesItsCityOrSystemAndAnotherCitysIsNotKrakows() {
        JsonNode iv4 = checked("/api/v1/goals/IV.4/indicators").json().path("indicators");
        Map<String, JsonNode> byScope = new java.util.TreeMap<>();
        iv4.forEach(i -> i.path("values").forEach(v -> byScope.put(v.path("scope").asText(), v)));
        assertThat(byScope.get("district:XVIII").path("place").asText()).isEqualTo("city:krakow");
        assertThat(byScope.get("district:XVIII").path("placeName").asText()).isEqualTo("Kraków");
        assertThat(byScope.get("system:oslo-bysykkel").path("place").asText()).isEqualTo("system:oslo-bysykkel");
        assertThat(byScope.get("system:oslo-bysykkel").path("placeName").asText()).isEqualTo("Oslo Bysykkel");
        JsonNode poznan = checked("/api/v1/indicators/iv4.pt.on_time?scope=city:poznan&from=2017-01-01&to=2017-01-31").json();
        assertThat(poznan.path("values").get(0).path("place").asText()).isEqualTo("city:poznan");
        assertThat(poznan.path("values").get(0).path("placeName").asText()).isEqualTo("Poznań");
        // the same labels in CSV
        String csv = api.get("/api/v1/goals/IV.4/indicators?format=csv").body();
        assertThat(csv.lines().filter(l -> l.contains("system:oslo-bysykkel")).findFirst().orElseThrow())
                .endsWith(",system:oslo-bysykkel,\"Oslo Bysykkel\"");
        assertThat(csv.lines().filter(l -> l.startsWith("iv4.pt.on_time,")).findFirst().orElseThrow()).endsWith(",city:poznan,Poznań");
    }

    @Test
    void theMapIsASimplifiedGeoJsonOfTheEighteenDistricts() throws Exception {
        ApiClient.Response r = checked("/api/v1/map/districts.geojson");
        assertThat(r.contentType()).startsWith("application/geo+json");
        JsonNode geo = json.readTree(r.body());
        assertThat(geo.path("features")).hasSize(18);
        assertThat(geo.path("features").get(0).path("properties").path("scope").asText()).isEqualTo("district:I");
        assertThat(r.body().length()).isLessThan(200_000); // the source file is 708,368 bytes
    }

    @Test
    void activeAlertsAreTheOpenEpisodesInTheirLatestState() {
        JsonNode active = checked("/api/v1/alerts").json();
        assertThat(active.path("count").asInt()).isEqualTo(1);
        JsonNode a = active.path("alerts").get(0);
        assertThat(a.path("alertId").asText()).isEqualTo("a-1");
        assertThat(a.path("state").asText()).isEqualTo("ESCALATED"); // the later record of the episode wins
        assertThat(a.path("level").asText()).isEqualTo("ALARM");
        assertThat(a.path("lastUpdated").asText()).isEqualTo("2017-01-03T12:00+01:00");

        JsonNode all = checked("/api/v1/alerts?state=all&from=2017-01-01&to=2017-01-31").json();
        List<String> ids = all.path("alerts").findValuesAsText("alertId");
        assertThat(ids).contains("a-1", "a-2");
        assertThat(ids.indexOf("a-1")).as("most recent change first").isLessThan(ids.indexOf("a-2"));
        assertThat(all.path("alerts").get(ids.indexOf("a-2")).path("active").asBoolean()).isFalse();
        JsonNode before = api.get("/api/v1/alerts?state=all&from=2016-12-01&to=2016-12-31").json();
        assertThat(before.path("count").asInt()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/goals/IV.3/indicators", "/api/v1/goals/IV.4/indicators", "/api/v1/districts/XVIII", "/api/v1/alerts?state=all&from=2017-01-01&to=2017-01-31",
        "/api/v1/indicators/iv3.pm10.daily_mean?scope=station:MpKrakAlKras&from=2017-01-01&to=2017-01-31"})
    void csvHasTheSameRowsAndFieldsAsJson(String request) throws Exception {
        JsonNode body = api.get(request).json();
        JsonNode rows = body.has("values") ? body.path("values") : body.has("alerts") ? body.path("alerts")
                : json.valueToTree(body.findValues("values").stream().flatMap(v -> toList(v).stream()).toList());
        String sep = request.contains("?") ? "&" : "?";
        ApiClient.Response csv = api.get(request + sep + "format=csv");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.contentType()).isEqualTo("text/csv;charset=utf-8");
        List<Map<String, String>> csvRows = readCsv(csv.body());
        assertThat(csvRows).hasSize(rows.size()).isNotEmpty();
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            List<String> jsonFields = new ArrayList<>();
            row.fieldNames().forEachRemaining(jsonFields::add);
            assertThat(new ArrayList<>(csvRows.get(i).keySet())).as("columns").isEqualTo(jsonFields);
            for (String f : jsonFields) {
                JsonNode v = row.path(f);
                String expected = v.isNull() ? "" : v.asText();
                String actual = csvRows.get(i).get(f);
                if (v.isNumber()) {
                    assertThat(Double.parseDouble(actual)).as(f).isEqualTo(v.asDouble());
                } else {
                    assertThat(actual).as(f).isEqualTo(expected);
                }
            }
        }
        // The Accept header selects CSV as well.
        HttpResponse<String> viaAccept = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url() + request))
                .header("Accept", "text/csv").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(viaAccept.body()).isEqualTo(csv.body());
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static List<Map<String, String>> readCsv(String body) throws Exception {
        CsvMapper mapper = new CsvMapper();
        List<Map<String, String>> out = new ArrayList<>();
        try (MappingIterator<Map<String, String>> it = mapper.readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(body)) {
            while (it.hasNext()) {
                out.add(it.next());
            }
        }
        return out;
    }

    @Test
    void liveStreamDeliversIndicatorUpdatesAndAlertsAsServerSentEvents() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        HttpResponse<InputStream> stream = HttpClient.newHttpClient().send(
                // As a browser's EventSource asks (Javalin answers SSE only to this Accept header).
                HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/stream")).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (Exception e) {
                // closed by the test
            }
        });
        reader.setDaemon(true);
        reader.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> lines.stream().anyMatch(l -> l.startsWith(":")));

        IndicatorValue update = pm10(BUJAKA, T0_PLUS_2D, 93.75);
        model.apply(update);
        alerts.apply(alert("a-3", PM10_DAILY, BUJAKA, AlertState.RAISED, AlertLevel.WARNING, 101, 100, JAN_3_NOON, JAN_3_NOON));

        await().atMost(Duration.ofSeconds(5)).until(() -> lines.contains("event: alert"));
        int indicatorEvent = lines.indexOf("event: indicator");
        assertThat(indicatorEvent).isNotNegative();
        JsonNode data = json.readTree(dataAfter(lines, indicatorEvent));
        assertThat(data).isEqualTo(json.valueToTree(ApiJson.Value.of(update, WARSAW)));
        JsonNode alertData = json.readTree(dataAfter(lines, lines.indexOf("event: alert")));
        assertThat(alertData.path("alertId").asText()).isEqualTo("a-3");
        assertThat(contract.document().path("components").path("schemas").has("Alert")).isTrue();
        stream.body().close();
        model.remove(PM10_DAILY, BUJAKA, T0_PLUS_2D);
        alerts.apply(alert("a-3", PM10_DAILY, BUJAKA, AlertState.CLEARED, AlertLevel.WARNING, 90, 100, JAN_3_NOON, JAN_3_NOON));
    }

    private static String dataAfter(List<String> lines, int eventLine) {
        for (int i = eventLine + 1; i < lines.size(); i++) {
            if (lines.get(i).startsWith("data: ")) {
                return lines.get(i).substring("data: ".length());
            }
        }
        throw new AssertionError("no data line after " + lines.get(eventLine));
    }

    @Test
    void prometheusHasTheLatestValueOfEveryIndicatorAndScope() {
        String scrape = api.get("/metrics").body();
        String krasinskiego = "{application=\"publish-routes-test\",goal=\"IV.3\",indicator=\"iv3.pm10.daily_mean\","
                + "scope=\"station:MpKrakAlKras\"}";
        assertThat(sample(scrape, "pulse_indicator_value" + krasinskiego)).isEqualTo(77.25);
        assertThat(sample(scrape, "pulse_indicator_valid" + krasinskiego)).isEqualTo(1.0);
        assertThat(sample(scrape, "pulse_indicator_window_start_seconds" + krasinskiego)).isEqualTo(T0_PLUS_1D.getEpochSecond());
        assertThat(sample(scrape, "pulse_indicator_value{application=\"publish-routes-test\",goal=\"IV.4\","
                + "indicator=\"iv4.bike.availability\",scope=\"district:XVIII\"}")).isEqualTo(64.5);
        assertThat(sample(scrape, "pulse_indicator_value{application=\"publish-routes-test\",goal=\"IV.4\","
                + "indicator=\"iv4.bike.availability\",scope=\"system:oslo-bysykkel\"}")).isEqualTo(60.0);
    }

    private static double sample(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                .orElseThrow(() -> new AssertionError("no sample " + series));
    }

    @Test
    void theDashboardAndItsAssetsAreServedFromTheJar() {
        ApiClient.Response page = api.get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.body()).contains("<script src=\"/dashboard.js\"></script>").doesNotContain("http://", "https://");
        assertThat(api.get("/dashboard.js").status()).isEqualTo(200);
        assertThat(api.get("/dashboard.css").status()).isEqualTo(200);
    }

}
