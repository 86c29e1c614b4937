package pl.krakow.pulse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import pl.krakow.pulse.testsupport.data.KrakowPm10Days2017Q1;
import pl.krakow.pulse.testsupport.kafka.TopicReader;
import pl.krakow.pulse.events.alerts.Alert;
import pl.krakow.pulse.events.alerts.AlertState;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.publish.OpenApiContract;
import pl.krakow.pulse.publish.PublishApplication;

/**
 * The publish side over the real replayed IV.3 data (bundled GIOŚ/WIOŚ 2017 Q1): what the API, the
 * CSV and the export say equals what is on {@code indicators.iv3.v1}; the README's alert example lists
 * the alert episodes {@code alerts.v1} holds about the quarter; every answer matches the OpenAPI document;
 * and two more publish instances on the same broker answer every query exactly as the first one does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PublishRealDataIT {

    @TempDir
    static Path dataDir;
    @TempDir
    static Path exportDir;

    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();
    final OpenApiContract contract = OpenApiContract.bundled();
    PulseRuntime runtime;
    /** Wall clock when the test started: the alerting app stamps firstSeen/lastUpdated after it. */
    final Instant startedAt = Instant.now();
    /** The indicator table as on the topic: key → last value. */
    Map<String, IndicatorValue> table;

    @BeforeAll
    void start() throws Exception {
        runtime = PulseRuntime.start(PulseTestRuntime.config(dataDir, true), false);
        // Nothing left to do: replay done, IV.3 and alerting consumed their input, the read model applied the tables.
        PulseTestRuntime.awaitQuiescent(runtime, Duration.ofMinutes(6));
        table = PulseTestRuntime.readTable(runtime);
        assertThat(table).hasSizeGreaterThan(1000);
        assertThat(PulseTestRuntime.readModelIv3Size(runtime)).as("IV.3 values in the read model").isEqualTo(table.size());
    }

    @AfterAll
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    HttpResponse<String> get(String base, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode json(String path) throws Exception {
        HttpResponse<String> r = get(runtime.httpUrl(), path);
        assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(200);
        assertThat(contract.violations(path.split("\\?")[0], r.statusCode(),
                r.headers().firstValue("Content-Type").orElse(""), r.body())).as(path).isEmpty();
        return JSON.readTree(r.body());
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** (indicator, scope) → values on the topic sorted by window start. */
    Map<String, List<IndicatorValue>> seriesOnTopic() {
        return table.values().stream().collect(Collectors.groupingBy(v -> v.getIndicatorId() + "|" + v.getScope(),
                TreeMap::new, Collectors.collectingAndThen(Collectors.toList(), l -> {
                    l.sort(Comparator.comparing(IndicatorValue::getWindowStart));
                    return l;
                })));
    }

    static void assertSameValue(JsonNode api, IndicatorValue topic) {
        String what = topic.getIndicatorId() + " " + topic.getScope() + " " + topic.getWindowStart();
        assertThat(OffsetDateTime.parse(api.path("windowStart").asText()).toInstant()).as(what).isEqualTo(topic.getWindowStart());
        assertThat(OffsetDateTime.parse(api.path("windowEnd").asText()).toInstant()).as(what).isEqualTo(topic.getWindowEnd());
        if (topic.getValue() == null) {
            assertThat(api.path("value").isNull()).as(what).isTrue();
        } else {
            assertThat(api.path("value").asDouble()).as(what).isEqualTo(topic.getValue());
        }
        assertThat(api.path("status").asText()).as(what).isEqualTo(topic.getStatus().name());
        assertThat(api.path("revision").asInt()).as(what).isEqualTo(topic.getRevision());
        assertThat(api.path("valid").asBoolean()).as(what).isEqualTo(topic.getValid());
        assertThat(api.path("observedCount").asInt()).as(what).isEqualTo(topic.getObservedCount());
        assertThat(api.path("expectedCount").asInt()).as(what).isEqualTo(topic.getExpectedCount());
        assertThat(api.path("unit").asText()).as(what).isEqualTo(topic.getUnit());
    }

    @Test
    void latestValuePerIndicatorAndScopeEqualsTheTopicsLatestWindow() throws Exception {
        JsonNode body = json("/api/v1/goals/IV.3/indicators");
        Map<String, List<IndicatorValue>> series = seriesOnTopic();
        int compared = 0;
        for (JsonNode indicator : body.path("indicators")) {
            for (JsonNode v : indicator.path("values")) {
                List<IndicatorValue> onTopic = series.get(v.path("indicatorId").asText() + "|" + v.path("scope").asText());
                assertSameValue(v, onTopic.get(onTopic.size() - 1));
                compared++;
            }
        }
        assertThat(compared).as("every (indicator, scope) of the table is served").isEqualTo(series.size());
    }

    @Test
    void everyHistoryEqualsTheTopicWindowByWindow() throws Exception {
        int compared = 0;
        for (Map.Entry<String, List<IndicatorValue>> e : seriesOnTopic().entrySet()) {
            String[] idScope = e.getKey().split("\\|");
            List<IndicatorValue> onTopic = e.getValue();
            // Hourly series are long: compare the first month of each, the rest by count below.
            LocalDate from = LocalDate.ofInstant(onTopic.get(0).getWindowStart(), KrakowPm10Days2017Q1.WARSAW);
            LocalDate to = from.plusDays(30);
            JsonNode h = json("/api/v1/indicators/" + idScope[0] + "?scope=" + q(idScope[1]) + "&from=" + from + "&to=" + to);
            List<IndicatorValue> expected = onTopic.stream().filter(v -> !v.getWindowStart().isBefore(
                    from.atStartOfDay(KrakowPm10Days2017Q1.WARSAW).toInstant()) && v.getWindowStart().isBefore(
                    to.plusDays(1).atStartOfDay(KrakowPm10Days2017Q1.WARSAW).toInstant())).toList();
            assertThat(h.path("values")).as(e.getKey()).hasSize(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                assertSameValue(h.path("values").get(i), expected.get(i));
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(1000);
    }

    @Test
    void dailyMeansServedEqualTheMeansComputedFromTheCsvFile() throws Exception {
        Map<LocalDate, KrakowPm10Days2017Q1.Day> expected = KrakowPm10Days2017Q1.pm10Days().get("MpKrakAlKras");
        JsonNode h = json("/api/v1/indicators/iv3.pm10.daily_mean?scope=station:MpKrakAlKras&from=2017-01-01&to=2017-03-30");
        assertThat(h.path("count").asInt()).isEqualTo(89);
        for (JsonNode v : h.path("values")) {
            LocalDate day = LocalDate.parse(v.path("windowStart").asText().substring(0, 10));
            assertThat(v.path("value").asDouble()).as(day.toString()).isCloseTo(expected.get(day).mean(), within(1e-9));
        }
    }

    @Test
    void csvAnswersHoldTheSameRowsAsJson() throws Exception {
        String path = "/api/v1/indicators/iv3.pm25.daily_mean?scope=station:MpKrakAlKras&from=2017-01-01&to=2017-03-31";
        JsonNode values = json(path).path("values");
        List<Map<String, String>> rows = csv(get(runtime.httpUrl(), path + "&format=csv").body());
        assertThat(rows).hasSize(values.size()).hasSizeGreaterThan(80);
        for (int i = 0; i < rows.size(); i++) {
            JsonNode v = values.get(i);
            Map<String, String> row = rows.get(i);
            List<String> names = new ArrayList<>();
            v.fieldNames().forEachRemaining(names::add);
            assertThat(new ArrayList<>(row.keySet())).isEqualTo(names);
            for (String name : names) {
                JsonNode f = v.path(name);
                if (f.isNumber()) {
                    assertThat(Double.parseDouble(row.get(name))).as(name).isEqualTo(f.asDouble());
                } else {
                    assertThat(row.get(name)).as(name).isEqualTo(f.isNull() ? "" : f.asText());
                }
            }
        }
        HttpResponse<String> goalCsv = http.send(HttpRequest.newBuilder(URI.create(runtime.httpUrl() + "/api/v1/goals/IV.3/indicators"))
                .header("Accept", "text/csv").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(goalCsv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(csv(goalCsv.body())).hasSize(seriesOnTopic().size());
    }

    static List<Map<String, String>> csv(String body) throws Exception {
        List<Map<String, String>> out = new ArrayList<>();
        try (MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(body)) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void pulseExportWritesTheTopicsValuesWithMetadata() throws Exception {
        Path csvDir = exportDir.resolve("csv");
        Path jsonDir = exportDir.resolve("json");
        for (String[] args : List.of(new String[] {"csv", csvDir.toString()}, new String[] {"json", jsonDir.toString()})) {
            int exit = new CommandLine(new PulseCommand()).execute("export", "--goal", "IV.3", "--from", "2017-02-01",
                    "--to", "2017-02-28", "--format", args[0], "--out", args[1],
                    "--bootstrap-servers", runtime.bootstrapServers(), "--schema-registry-url", runtime.schemaRegistryUrl());
            assertThat(exit).isZero();
        }
        Instant feb1 = LocalDate.of(2017, 2, 1).atStartOfDay(KrakowPm10Days2017Q1.WARSAW).toInstant();
        Instant mar1 = LocalDate.of(2017, 3, 1).atStartOfDay(KrakowPm10Days2017Q1.WARSAW).toInstant();
        Map<String, IndicatorValue> expected = new TreeMap<>();
        table.values().stream().filter(v -> !v.getWindowStart().isBefore(feb1) && v.getWindowStart().isBefore(mar1))
                .forEach(v -> expected.put(v.getIndicatorId() + "|" + v.getScope() + "|" + v.getWindowStart(), v));

        Path csvFile = csvDir.resolve("krakow-pulse-iv3-2017-02-01_2017-02-28.csv");
        List<Map<String, String>> rows = csv(Files.readString(csvFile));
        assertThat(rows).hasSize(expected.size());
        for (Map<String, String> row : rows) {
            IndicatorValue v = expected.get(row.get("indicatorId") + "|" + row.get("scope") + "|"
                    + OffsetDateTime.parse(row.get("windowStart")).toInstant());
            assertThat(v).as(row.toString()).isNotNull();
            assertThat(row.get("value")).isEqualTo(v.getValue() == null ? "" : Double.toString(v.getValue()));
            assertThat(row.get("status")).isEqualTo(v.getStatus().name());
        }
        JsonNode meta = JSON.readTree(csvDir.resolve(csvFile.getFileName() + ".meta.json").toFile());
        assertThat(meta.path("licence").asText()).contains("CC BY 4.0");
        assertThat(meta.path("sources").get(0).path("name").asText()).contains("GIOŚ");
        assertThat(meta.path("rows").asInt()).isEqualTo(expected.size());
        assertThat(meta.path("generatedAt").asText()).isNotEmpty();
        assertThat(meta.path("indicators").findValuesAsText("unit")).contains("µg/m³", "%");
        IndicatorCatalog catalog = IndicatorCatalog.bundled();
        for (JsonNode i : meta.path("indicators")) {
            assertThat(i.path("unit").asText()).isEqualTo(catalog.indicator(i.path("id").asText()).orElseThrow().unit());
        }

        JsonNode envelope = JSON.readTree(jsonDir.resolve("krakow-pulse-iv3-2017-02-01_2017-02-28.json").toFile());
        assertThat(envelope.path("values")).hasSize(expected.size());
        assertThat(envelope.path("metadata").path("format").asText()).isEqualTo("json");
        // The JSON envelope and the CSV hold the same rows in the same order.
        for (int i = 0; i < rows.size(); i++) {
            assertThat(envelope.path("values").get(i).path("windowStart").asText()).isEqualTo(rows.get(i).get("windowStart"));
            assertThat(envelope.path("values").get(i).path("scope").asText()).isEqualTo(rows.get(i).get("scope"));
        }
    }

    /** alerts.v1 as compaction keeps it: the last record per key (alert family), read to the end of every partition. */
    Map<String, Alert> latestAlertPerFamily() {
        return new TreeMap<>(TopicReader.latestPerKey(runtime.clients(), runtime.serdes(), Topics.ALERTS));
    }

    @Test
    void theReadmeAlertExampleListsTheQuartersEpisodesByTheirIndicatorWindows() {
        Instant q1Start = LocalDate.of(2017, 1, 1).atStartOfDay(KrakowPm10Days2017Q1.WARSAW).toInstant();
        Instant q1End = LocalDate.of(2017, 4, 1).atStartOfDay(KrakowPm10Days2017Q1.WARSAW).toInstant();
        String example = "/api/v1/alerts?state=all&from=2017-01-01&to=2017-03-31"; // as in the README
        int[] served = new int[2];
        // Alerts trail the table by up to alerting.reorder.wait: wait until the API holds what the topic holds.
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            Map<String, Alert> families = latestAlertPerFamily();
            List<Alert> expected = families.values().stream().filter(a -> a.getWindowStart().isBefore(q1End)
                    && a.getWindowEnd().isAfter(q1Start)).toList();
            // Active, computed here: not ended, and no episode of the same indicator, scope and rule about a later window.
            List<String> expectedActive = expected.stream()
                    .filter(a -> a.getState() != AlertState.CLEARED && a.getState() != AlertState.RETRACTED)
                    .filter(a -> families.values().stream().noneMatch(o -> !o.getAlertId().equals(a.getAlertId())
                            && o.getIndicatorId().equals(a.getIndicatorId()) && o.getScope().equals(a.getScope())
                            && o.getRuleId().equals(a.getRuleId()) && o.getWindowStart().isAfter(a.getWindowStart())))
                    .map(Alert::getAlertId).sorted().toList();
            JsonNode body = json(example);
            List<String> ids = new ArrayList<>(body.path("alerts").findValuesAsText("alertId"));
            assertThat(ids).containsExactlyInAnyOrderElementsOf(expected.stream().map(Alert::getAlertId).toList());
            List<String> active = new ArrayList<>();
            for (JsonNode a : body.path("alerts")) {
                if (a.path("active").asBoolean()) {
                    active.add(a.path("alertId").asText());
                }
                // About 2017, recorded now: the range is the window's, firstSeen stays the alerting app's wall clock.
                assertThat(OffsetDateTime.parse(a.path("windowStart").asText()).getYear()).isEqualTo(2017);
                assertThat(OffsetDateTime.parse(a.path("firstSeen").asText()).toInstant()).isAfter(startedAt);
            }
            assertThat(active.stream().sorted().toList()).isEqualTo(expectedActive);
            served[0] = ids.size();
            served[1] = active.size();
        });
        assertThat(served[0]).as("the bundled 2017 Q1 replay raises alerts").isGreaterThan(10);
        System.out.printf("README alert example: %d episodes about 2017 Q1 (the latest of each alert family), %d of them active%n",
                served[0], served[1]);
    }

    @Test
    void twoMorePublishInstancesAnswerEveryQueryIdentically() throws Exception {
        IndicatorCatalog catalog = IndicatorCatalog.bundled();
        try (pl.krakow.pulse.platform.metrics.PulseMetrics m1 = new pl.krakow.pulse.platform.metrics.PulseMetrics("publish-a");
             pl.krakow.pulse.platform.metrics.PulseMetrics m2 = new pl.krakow.pulse.platform.metrics.PulseMetrics("publish-b");
             PublishApplication a = PublishApplication.fromConfig(PulseTestRuntime.config(dataDir, false), runtime.clients(),
                     runtime.serdes(), catalog, m1);
             PublishApplication b = PublishApplication.fromConfig(PulseTestRuntime.config(dataDir, false), runtime.clients(),
                     runtime.serdes(), catalog, m2)) {
            a.start();
            b.start();
            assertThat(a.indicators().awaitCaughtUp(Duration.ofMinutes(1))).isTrue();
            assertThat(b.indicators().awaitCaughtUp(Duration.ofMinutes(1))).isTrue();
            assertThat(a.api().port()).isNotEqualTo(b.api().port());
            List<String> queries = new ArrayList<>(List.of("/api/v1/goals", "/api/v1/goals/IV.3/indicators",
                    "/api/v1/goals/IV.4/indicators", "/api/v1/goals/IV.5/indicators", "/api/v1/districts",
                    "/api/v1/districts/XIII", "/api/v1/alerts", "/api/v1/alerts?state=all&from=2017-01-01&to=2017-03-31",
                    "/api/v1/goals/IV.3/indicators?format=csv", "/api/v1/indicators/iv3.nothing?scope=city",
                    "/api/v1/indicators/iv3.pm10.daily_mean?scope=station:MpKrakAlKras&from=2017-13-01"));
            for (String key : seriesOnTopic().keySet()) {
                String[] idScope = key.split("\\|");
                queries.add("/api/v1/indicators/" + idScope[0] + "?scope=" + q(idScope[1]) + "&from=2017-01-01&to=2017-03-31");
            }
            for (String query : queries) {
                // The live parts (simulated incidents, alerts) keep changing: replicated read models converge, so
                // each query must come back identical from all three within a few polls, not at one instant.
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    HttpResponse<String> first = get(runtime.httpUrl(), query);
                    HttpResponse<String> viaA = get(a.api().url(), query);
                    HttpResponse<String> viaB = get(b.api().url(), query);
                    assertThat(viaA.statusCode()).as(query).isEqualTo(first.statusCode());
                    assertThat(viaB.statusCode()).as(query).isEqualTo(first.statusCode());
                    assertThat(viaA.body()).as(query).isEqualTo(first.body());
                    assertThat(viaB.body()).as(query).isEqualTo(first.body());
                });
            }
            assertThat(queries).hasSizeGreaterThan(30);
        }
    }
}
