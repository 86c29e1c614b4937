package pl.krakow.pulse.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static pl.krakow.pulse.publish.PublishTestData.BUJAKA;
import static pl.krakow.pulse.publish.PublishTestData.KRASINSKIEGO;
import static pl.krakow.pulse.publish.PublishTestData.ON_TIME;
import static pl.krakow.pulse.publish.PublishTestData.PM10_DAILY;
import static pl.krakow.pulse.publish.PublishTestData.WARSAW;
import static pl.krakow.pulse.publish.PublishTestData.other;
import static pl.krakow.pulse.publish.PublishTestData.pm10Winter;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.catalog.Scopes;
import pl.krakow.pulse.platform.catalog.IndicatorKeys;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.registry.SchemaRegistryException;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.Compatibility;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.testsupport.kafka.EmbeddedPlatform;

/**
 * The API end to end over the embedded broker and schema registry: indicator values are produced
 * in Avro (Confluent wire format, schema registered in the embedded registry) to the indicator
 * tables, a read model catches up from the beginning, and every route is queried over HTTP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PublishApiIT {

    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(60);

    private EmbeddedPlatform platform;
    private KafkaClients clients;
    private PulseSerdes producerSerdes;
    private PulseMetrics metrics;
    private IndicatorReadModel model;
    private ApiServer server;
    private ApiClient api;

    /** What was produced to indicators.iv3.v1, in order (values, tombstones and one undecodable record). */
    private int iv3Records;
    private final List<IndicatorValue> krasinskiegoFinal = new ArrayList<>();
    private IndicatorValue bujakaJan1;
    private final List<IndicatorValue> updatesSeen = new CopyOnWriteArrayList<>();

    @BeforeAll
    void startPlatformProduceAndServe(@TempDir Path dataDir) throws Exception {
        platform = EmbeddedPlatform.builder(dataDir, "publish-it").schemaRegistry().start()
                .provision(IndicatorReadModel.INDICATOR_TABLES);
        clients = platform.clients();
        producerSerdes = platform.serdes();

        try (KafkaProducer<String, IndicatorValue> producer = producer()) {
            for (int day = 1; day <= 4; day++) {
                IndicatorValue v = pm10Winter(KRASINSKIEGO, LocalDate.of(2017, 1, day), 20.0 + day);
                send(producer, Topics.INDICATORS_IV3, v);
                krasinskiegoFinal.add(v);
            }
            // The last day first provisional, then final: the table (and the read model) keeps the final one.
            IndicatorValue jan5 = pm10Winter(KRASINSKIEGO, LocalDate.of(2017, 1, 5), 57.25);
            IndicatorValue jan5Provisional = IndicatorValue.newBuilder(jan5).setStatus(IndicatorStatus.PROVISIONAL)
                    .setRevision(0).setValue(31.0).setObservedCount(9).setCoverage(9 / 24.0).setValid(false).build();
            send(producer, Topics.INDICATORS_IV3, jan5Provisional);
            send(producer, Topics.INDICATORS_IV3, jan5);
            krasinskiegoFinal.add(jan5);

            bujakaJan1 = pm10Winter(BUJAKA, LocalDate.of(2017, 1, 1), 70.5);
            send(producer, Topics.INDICATORS_IV3, bujakaJan1);
            IndicatorValue bujakaJan2 = pm10Winter(BUJAKA, LocalDate.of(2017, 1, 2), 80.5);
            send(producer, Topics.INDICATORS_IV3, bujakaJan2);
            producer.send(new ProducerRecord<>(Topics.INDICATORS_IV3.name(), key(bujakaJan2), null)).get();
            iv3Records++;

            send(producer, Topics.INDICATORS_IV4, other(ON_TIME, "IV.4", Scopes.KRAKOW_CITY, PublishTestData.T0, 91.5, "%"));
        }
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(clients.producer("publish-it-raw"),
                new StringSerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(Topics.INDICATORS_IV3.name(), "iv3.pm10.daily_mean|station:X|2017-01-01T00:00+01:00",
                    "not avro".getBytes(StandardCharsets.UTF_8))).get();
            iv3Records++;
        }

        metrics = platform.metrics();
        // The read model has its own registry client: it finds the writer schema by id, as any consumer would.
        model = new IndicatorReadModel(clients, platform.serdesOfAnotherProcess(), metrics);
        model.onUpdate(updatesSeen::add);
        model.start();
        assertThat(model.awaitCaughtUp(CATCH_UP_TIMEOUT)).as("read model caught up").isTrue();

        server = new ApiServer("127.0.0.1", 0, model, IndicatorCatalog.bundled(), WARSAW, 400, metrics,
                () -> ReadinessReport.up(Map.of("topics", "present")));

        server.start();
        api = new ApiClient("http://127.0.0.1:" + server.port());
    }

    @AfterAll
    void stopEverything() {
        for (AutoCloseable c : new AutoCloseable[] {server, model, platform}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    @Test
    @Order(1)
    void readyOnceTheReadModelHasCaughtUp() {
        ApiClient.Response r = api.get("/ready");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("status").asText()).isEqualTo("UP");
        assertThat(r.json().path("checks").path("topics").asText()).isEqualTo("present");
        assertThat(r.json().path("checks").path("read-model").asText()).isEqualTo("caught up, 7 values");
        assertThat(api.get("/health").body()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    @Order(2)
    void goalsShowTheScopesThatHaveValues() {
        ApiClient.Response r = api.get("/api/v1/goals");

        assertThat(r.status()).isEqualTo(200);
        JsonNode iv3 = find(r.json().path("goals"), "id", "IV.3");
        assertThat(find(iv3.path("indicators"), "id", PM10_DAILY).path("scopesWithData").toString())
                .isEqualTo("[\"station:MpKrakAlKras\",\"station:MpKrakBujaka\"]");
        JsonNode iv4 = find(r.json().path("goals"), "id", "IV.4");
        assertThat(find(iv4.path("indicators"), "id", ON_TIME).path("scopesWithData").toString()).isEqualTo("[\"city:krakow\"]");
    }

    @Test
    @Order(3)
    void goalIndicatorsHoldTheLatestProducedValuePerScope() {
        ApiClient.Response r = api.get("/api/v1/goals/iv3/indicators");

        assertThat(r.status()).isEqualTo(200);
        JsonNode values = find(r.json().path("indicators"), "id", PM10_DAILY).path("values");
        assertThat(values).hasSize(2);
        assertValue(values.get(0), krasinskiegoFinal.get(4), "2017-01-05T00:00+01:00", "2017-01-06T00:00+01:00");
        assertThat(values.get(0).path("status").asText()).as("final replaced provisional").isEqualTo("FINAL");
        assertValue(values.get(1), bujakaJan1, "2017-01-01T00:00+01:00", "2017-01-02T00:00+01:00");

        JsonNode onTime = find(api.get("/api/v1/goals/IV.4/indicators").json().path("indicators"), "id", ON_TIME);
        assertThat(onTime.path("values").get(0).path("value").asDouble()).isEqualTo(91.5);
        assertThat(onTime.path("values").get(0).path("unit").asText()).isEqualTo("%");
    }

    @Test
    @Order(4)
    void historyEqualsWhatWasProduced() {
        ApiClient.Response r = api.get("/api/v1/indicators/iv3.pm10.daily_mean?scope=station:MpKrakAlKras&from=2017-01-01&to=2017-01-05");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("count").asInt()).isEqualTo(5);
        JsonNode values = r.json().path("values");
        assertThat(values).hasSize(5);
        for (int i = 0; i < 5; i++) {
            assertValue(values.get(i), krasinskiegoFinal.get(i),
                    String.format("2017-01-%02dT00:00+01:00", i + 1), String.format("2017-01-%02dT00:00+01:00", i + 2));
        }
        JsonNode narrower = api.get("/api/v1/indicators/iv3.pm10.daily_mean?scope=station:MpKrakAlKras&from=2017-01-02&to=2017-01-03").json();
        assertThat(narrower.path("values")).hasSize(2);
        assertThat(narrower.path("values").get(0).path("windowStart").asText()).isEqualTo("2017-01-02T00:00+01:00");
    }

    @Test
    @Order(5)
    void tombstoneDeletedItsWindow() {
        JsonNode h = api.get("/api/v1/indicators/iv3.pm10.daily_mean?scope=station:MpKrakBujaka&from=2017-01-01&to=2017-01-02").json();

        assertThat(h.path("values")).hasSize(1);
        assertThat(h.path("values").get(0).path("windowStart").asText()).isEqualTo("2017-01-01T00:00+01:00");
    }

    @Test
    @Order(6)
    void badParametersAndUnknownIndicatorsAreClientErrors() {
        ApiClient.Response badDate = api.get("/api/v1/indicators/iv3.pm10.daily_mean?scope=station:MpKrakAlKras&from=2017-02-30");
        assertThat(badDate.status()).isEqualTo(400);
        assertThat(badDate.json().path("message").asText())
                .isEqualTo("query parameter 'from' must be an ISO-8601 date (yyyy-MM-dd), got '2017-02-30'");

        ApiClient.Response reversed = api.get("/api/v1/indicators/iv3.pm10.daily_mean?scope=station:MpKrakAlKras&from=2017-01-05&to=2017-01-01");
        assertThat(reversed.status()).isEqualTo(400);
        assertThat(reversed.json().path("message").asText()).isEqualTo("'from' (2017-01-05) is after 'to' (2017-01-01)");

        ApiClient.Response noScope = api.get("/api/v1/indicators/iv3.pm10.daily_mean");
        assertThat(noScope.status()).isEqualTo(400);
        assertThat(noScope.json().path("message").asText()).startsWith("query parameter 'scope' is required");

        ApiClient.Response tooLong = api.get("/api/v1/indicators/iv3.pm10.daily_mean?scope=station:MpKrakAlKras&from=2016-01-01&to=2017-12-31");
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().path("message").asText()).contains("spans 731 days; at most 400 days");

        ApiClient.Response unknown = api.get("/api/v1/indicators/iv3.nothing?scope=city");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("error").asText()).isEqualTo("Not Found");
        assertThat(api.get("/api/v1/goals/IV.7/indicators").status()).isEqualTo(404);
        assertThat(api.get("/nowhere").json().path("status").asInt()).isEqualTo(404);
    }

    @Test
    @Order(7)
    void metricsCountTheRecordsReadAndSkipped() {
        ApiClient.Response r = api.get("/metrics");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        assertThat(r.body()).contains("jvm_memory_used_bytes");
        assertThat(sample(r.body(), "pulse_publish_read_model_records_total", "topic=\"indicators.iv3.v1\""))
                .isEqualTo(iv3Records);
        assertThat(sample(r.body(), "pulse_publish_read_model_records_total", "topic=\"indicators.iv4.v1\"")).isEqualTo(1.0);
        assertThat(sample(r.body(), "pulse_publish_read_model_records_skipped_total", "reason=\"undecodable-value\""))
                .isEqualTo(1.0);
        assertThat(sample(r.body(), "pulse_publish_read_model_values", "application=\"publish-it\"")).isEqualTo(7.0);
        assertThat(sample(r.body(), "pulse_publish_read_model_caught_up", "application=\"publish-it\"")).isEqualTo(1.0);
    }

    @Test
    @Order(8)
    void valueProducedAfterCatchUpIsServedAndDelivered() throws Exception {
        IndicatorValue jan6 = pm10Winter(KRASINSKIEGO, LocalDate.of(2017, 1, 6), 151.0);
        try (KafkaProducer<String, IndicatorValue> producer = producer()) {
            send(producer, Topics.INDICATORS_IV3, jan6);
        }

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode values = find(api.get("/api/v1/goals/iv3/indicators").json().path("indicators"), "id", PM10_DAILY)
                    .path("values");
            assertValue(values.get(0), jan6, "2017-01-06T00:00+01:00", "2017-01-07T00:00+01:00");
        });
        assertThat(updatesSeen).last().isEqualTo(jan6);
        assertThat(updatesSeen).as("catch-up and live values").hasSize(10);
    }

    @Test
    @Order(9)
    void readModelWaitsForATableCreatedAfterItStarted() throws Exception {
        TopicSpec<IndicatorValue> lateTable = new TopicSpec<>("indicators.created-late.v1", IndicatorValue.class, 2,
                Map.of("cleanup.policy", "compact"), Compatibility.FULL_TRANSITIVE, "indicator id|scope|window start");
        try (PulseMetrics ownMetrics = new PulseMetrics("publish-it-late");
             IndicatorReadModel late = new IndicatorReadModel(clients,
                     platform.serdesOfAnotherProcess(), ownMetrics, List.of(lateTable))) {
            late.start();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> late.status().equals("waiting for topics [indicators.created-late.v1]"));
            assertThat(late.isCaughtUp()).isFalse();

            platform.provision(lateTable);
            IndicatorValue v = pm10Winter(KRASINSKIEGO, LocalDate.of(2017, 1, 1), 42.0);
            try (KafkaProducer<String, IndicatorValue> producer = producer()) {
                producer.send(new ProducerRecord<>(lateTable.name(), key(v), v)).get();
            }

            assertThat(late.awaitCaughtUp(CATCH_UP_TIMEOUT)).isTrue();
            await().atMost(Duration.ofSeconds(20)).until(() -> late.latest(PM10_DAILY, KRASINSKIEGO).isPresent());
            assertThat(late.latest(PM10_DAILY, KRASINSKIEGO).orElseThrow().getValue()).isEqualTo(42.0);
        }
    }

    @Test
    @Order(10)
    void unreachableRegistryIsRetriedAndDropsNothing() throws Exception {
        TopicSpec<IndicatorValue> table = new TopicSpec<>("indicators.registry-outage.v1", IndicatorValue.class, 1,
                Map.of("cleanup.policy", "compact"), Compatibility.FULL_TRANSITIVE, "indicator id|scope|window start");
        platform.provision(table);
        IndicatorValue jan1 = pm10Winter(BUJAKA, LocalDate.of(2017, 1, 1), 11.0);
        IndicatorValue jan2 = pm10Winter(BUJAKA, LocalDate.of(2017, 1, 2), 12.0);
        try (KafkaProducer<String, IndicatorValue> producer = producer()) {
            producer.send(new ProducerRecord<>(table.name(), key(jan1), jan1)).get();
            producer.send(new ProducerRecord<>(table.name(), key(jan2), jan2)).get();
        }
        Deserializer<IndicatorValue> real = platform.serdesOfAnotherProcess()
                .value(IndicatorValue.class).deserializer();
        AtomicInteger outageCalls = new AtomicInteger(1);
        Deserializer<IndicatorValue> registryDownOnce = (topic, data) -> {
            if (outageCalls.getAndDecrement() > 0) {
                throw new SchemaRegistryException("schema registry unreachable: Connection refused",
                        new java.net.ConnectException("Connection refused"));
            }
            return real.deserialize(topic, data);
        };

        try (PulseMetrics ownMetrics = new PulseMetrics("publish-it-outage");
             IndicatorReadModel outage = new IndicatorReadModel(clients, registryDownOnce, ownMetrics.registry(), List.of(table))) {
            outage.start();

            assertThat(outage.awaitCaughtUp(CATCH_UP_TIMEOUT)).isTrue();
            assertThat(outage.history(PM10_DAILY, BUJAKA, Instant.MIN, Instant.MAX))
                    .extracting(IndicatorValue::getValue).containsExactly(11.0, 12.0);
            assertThat(ownMetrics.registry().get(IndicatorReadModel.METRIC_SKIPPED)
                    .tag("reason", IndicatorReadModel.SKIP_UNDECODABLE).counter().count()).isZero();
        }
    }

    // --- helpers ------------------------------------------------------------------------------------

    private KafkaProducer<String, IndicatorValue> producer() {
        return new KafkaProducer<>(clients.producer("publish-it-producer"), producerSerdes.key().serializer(),
                producerSerdes.value(IndicatorValue.class).serializer());
    }

    private void send(KafkaProducer<String, IndicatorValue> producer, TopicSpec<IndicatorValue> topic, IndicatorValue v)
            throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), key(v), v)).get();
        if (topic == Topics.INDICATORS_IV3) {
            iv3Records++;
        }
    }

    private static String key(IndicatorValue v) {
        return IndicatorKeys.key(v.getIndicatorId(), v.getScope(), v.getWindowStart(), WARSAW);
    }

    /** The JSON of a value equals the produced value (window bounds spelled out by the test). */
    private static void assertValue(JsonNode json, IndicatorValue produced, String windowStart, String windowEnd) {
        assertThat(json.path("indicatorId").asText()).isEqualTo(produced.getIndicatorId());
        assertThat(json.path("goal").asText()).isEqualTo(produced.getGoal());
        assertThat(json.path("scope").asText()).isEqualTo(produced.getScope());
        assertThat(json.path("windowStart").asText()).isEqualTo(windowStart);
        assertThat(json.path("windowEnd").asText()).isEqualTo(windowEnd);
        assertThat(json.path("value").asDouble()).isEqualTo(produced.getValue());
        assertThat(json.path("unit").asText()).isEqualTo(produced.getUnit());
        assertThat(json.path("coverage").asDouble()).isEqualTo(produced.getCoverage());
        assertThat(json.path("observedCount").asInt()).isEqualTo(produced.getObservedCount());
        assertThat(json.path("expectedCount").asInt()).isEqualTo(produced.getExpectedCount());
        assertThat(json.path("valid").asBoolean()).isEqualTo(produced.getValid());
        assertThat(json.path("status").asText()).isEqualTo(produced.getStatus().name());
        assertThat(json.path("revision").asInt()).isEqualTo(produced.getRevision());
        assertThat(Instant.from(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(json.path("computedAt").asText())))
                .isEqualTo(produced.getComputedAt());
        assertThat(json.path("computedAt").asText()).endsWith("+01:00");
    }

    /** The value of one Prometheus sample whose labels include {@code label}. */
    private static double sample(String scrape, String name, String label) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$").matcher(scrape);
        while (m.find()) {
            if (m.group(1).contains(label)) {
                return Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError("no sample " + name + "{" + label + "} in\n" + scrape);
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
