package pl.krakow.pulse.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static pl.krakow.pulse.embedded.SchemaStoreTest.ID;
import static pl.krakow.pulse.embedded.SchemaStoreTest.PM10;
import static pl.krakow.pulse.embedded.SchemaStoreTest.PM10_DEFAULT;
import static pl.krakow.pulse.embedded.SchemaStoreTest.STATION_DEFAULT;
import static pl.krakow.pulse.embedded.SchemaStoreTest.STATION_NO_DEFAULT;
import static pl.krakow.pulse.embedded.SchemaStoreTest.reading;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry over real HTTP, on one embedded broker shared by the whole class. */
class EmbeddedSchemaRegistryIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dataDir;

    static EmbeddedKafkaBroker broker;
    static EmbeddedSchemaRegistry registry;

    @BeforeAll
    static void startBrokerAndRegistry() {
        broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).build().start();
        registry = new EmbeddedSchemaRegistry(broker.bootstrapServers()).start();
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void itsOwnKafkaClientsTakeTheOperatorsClientProperties() throws Exception {
        // A secured cluster needs security.protocol, ssl.* and sasl.* on every client: a recording metrics reporter shows
        // the admin, the writer and the reader were all built with what was handed in, and the registry's own settings
        // (the writer's acks=all) were not overridden by it.
        try (EmbeddedSchemaRegistry withProperties = EmbeddedSchemaRegistry.builder().bootstrapServers(broker.bootstrapServers())
                .topic("_schemas_client_properties")
                .kafkaClientProperties(java.util.Map.of("metric.reporters", RecordingMetricsReporter.class.getName(),
                        "acks", "1"))
                .build().start()) {
            assertThat(RecordingMetricsReporter.CONFIGS_BY_CLIENT_ID.keySet())
                    .anySatisfy(id -> assertThat(id).startsWith("schema-registry-").endsWith("-admin"))
                    .anySatisfy(id -> assertThat(id).startsWith("schema-registry-").endsWith("-writer"))
                    .anySatisfy(id -> assertThat(id).startsWith("schema-registry-").endsWith("-reader"));
            RecordingMetricsReporter.CONFIGS_BY_CLIENT_ID.forEach((id, config) -> {
                if (id.endsWith("-writer")) {
                    assertThat(config.get("acks")).hasToString("all");
                }
            });
            assertThat(get(withProperties, "/subjects").status()).isEqualTo(200);
        }
    }

    record Response(int status, String contentType, JsonNode body) {
        int errorCode() {
            return body.path("error_code").asInt();
        }
    }

    @Test
    void registersAndServesSchemasById() throws Exception {
        String schema = reading(ID, "{\"name\":\"no2\",\"type\":\"double\"}");
        Response registered = post(registry, "/subjects/air.no2.v1-value/versions", schemaBody(schema));
        assertThat(registered.status()).isEqualTo(200);
        assertThat(registered.contentType()).startsWith(EmbeddedSchemaRegistry.CONTENT_TYPE);
        int id = registered.body().get("id").asInt();
        assertThat(id).isPositive();

        Response byId = get(registry, "/schemas/ids/" + id);
        assertThat(byId.status()).isEqualTo(200);
        assertThat(byId.body().get("schema").asText()).isEqualTo(SchemaStore.normalize(schema));

        Response latest = get(registry, "/subjects/air.no2.v1-value/versions/latest");
        assertThat(latest.body().get("subject").asText()).isEqualTo("air.no2.v1-value");
        assertThat(latest.body().get("version").asInt()).isEqualTo(1);
        assertThat(latest.body().get("id").asInt()).isEqualTo(id);
        assertThat(latest.body().get("schema").asText()).isEqualTo(SchemaStore.normalize(schema));

        Response lookedUp = post(registry, "/subjects/air.no2.v1-value", schemaBody(schema));
        assertThat(lookedUp.status()).isEqualTo(200);
        assertThat(lookedUp.body().get("id").asInt()).isEqualTo(id);
        assertThat(lookedUp.body().get("version").asInt()).isEqualTo(1);
        assertThat(get(registry, "/subjects").body()).extracting(JsonNode::toString).asString()
                .contains("\"air.no2.v1-value\"");
        assertThat(get(registry, "/subjects/air.no2.v1-value/versions").body().toString()).isEqualTo("[1]");
    }

    @Test
    void theSameSchemaGetsTheSameIdAcrossSubjectsAndContentTypes() throws Exception {
        String schema = reading(ID, "{\"name\":\"o3\",\"type\":\"double\"}");
        int first = post(registry, "/subjects/air.o3.v1-value/versions", schemaBody(schema)).body().get("id").asInt();
        String reformatted = JSON.writeValueAsString(JSON.readTree(schema)).replace(",", " , ");
        Response other = send(registry, "POST", "/subjects/air.o3.archive-value/versions",
                schemaBody(reformatted), "application/json");
        Response again = send(registry, "POST", "/subjects/air.o3.v1-value/versions",
                schemaBody(schema), "application/octet-stream");
        assertThat(other.body().get("id").asInt()).isEqualTo(first);
        assertThat(again.body().get("id").asInt()).isEqualTo(first);
        assertThat(get(registry, "/subjects/air.o3.v1-value/versions").body().toString()).isEqualTo("[1]");
    }

    @Test
    void compatibilityEndpointAnswersWithAndWithoutDetails() throws Exception {
        String subject = "traffic.speed.v1-value";
        post(registry, "/subjects/" + subject + "/versions", schemaBody(reading(ID)));

        Response ok = post(registry, "/compatibility/subjects/" + subject + "/versions/latest",
                schemaBody(reading(ID, STATION_DEFAULT)));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body().get("is_compatible").asBoolean()).isTrue();

        Response bad = post(registry, "/compatibility/subjects/" + subject + "/versions/1?verbose=true",
                schemaBody(reading(ID, STATION_NO_DEFAULT)));
        assertThat(bad.body().get("is_compatible").asBoolean()).isFalse();
        assertThat(bad.body().get("messages").toString()).contains("READER_FIELD_MISSING_DEFAULT_VALUE");

        Response terse = post(registry, "/compatibility/subjects/" + subject + "/versions/latest",
                schemaBody(reading(ID, STATION_NO_DEFAULT)));
        assertThat(terse.body().has("messages")).isFalse();
        Response againstAll = post(registry, "/compatibility/subjects/" + subject + "/versions",
                schemaBody(reading(ID, STATION_NO_DEFAULT)));
        assertThat(againstAll.body().get("is_compatible").asBoolean()).isFalse();
        assertThat(post(registry, "/compatibility/subjects/" + subject + "/versions/9",
                schemaBody(reading(ID))).errorCode()).isEqualTo(40402);
    }

    @Test
    void transitiveLevelsRefuseIncompatibleChangesWith409() throws Exception {
        // event topic: BACKWARD_TRANSITIVE
        String events = "air.readings.v1-value";
        Response put = put(registry, "/config/" + events, "{\"compatibility\":\"BACKWARD_TRANSITIVE\"}");
        assertThat(put.status()).isEqualTo(200);
        assertThat(put.body().get("compatibility").asText()).isEqualTo("BACKWARD_TRANSITIVE");
        assertThat(get(registry, "/config/" + events).body().get("compatibilityLevel").asText())
                .isEqualTo("BACKWARD_TRANSITIVE");
        assertThat(post(registry, "/subjects/" + events + "/versions", schemaBody(reading(ID))).status()).isEqualTo(200);
        assertThat(post(registry, "/subjects/" + events + "/versions", schemaBody(reading(ID, STATION_DEFAULT)))
                .status()).isEqualTo(200);
        Response refused = post(registry, "/subjects/" + events + "/versions",
                schemaBody(reading(ID, STATION_NO_DEFAULT)));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.errorCode()).isEqualTo(409);
        assertThat(refused.body().get("message").asText())
                .startsWith("Schema being registered is incompatible with an earlier schema for subject");

        // indicator topic: FULL_TRANSITIVE, the 3-version case FULL would accept
        String indicators = "indicators.air-value";
        assertThat(put(registry, "/config/" + indicators, "{\"compatibility\":\"FULL_TRANSITIVE\"}").status())
                .isEqualTo(200);
        assertThat(post(registry, "/subjects/" + indicators + "/versions", schemaBody(reading(ID, PM10))).status())
                .isEqualTo(200);
        assertThat(post(registry, "/subjects/" + indicators + "/versions", schemaBody(reading(ID, PM10_DEFAULT)))
                .status()).isEqualTo(200);
        Response fullRefused = post(registry, "/subjects/" + indicators + "/versions", schemaBody(reading(ID)));
        assertThat(fullRefused.status()).isEqualTo(409);
        assertThat(fullRefused.errorCode()).isEqualTo(409);
        assertThat(get(registry, "/subjects/" + indicators + "/versions").body().toString()).isEqualTo("[1,2]");
    }

    @Test
    void configEndpoints() throws Exception {
        assertThat(get(registry, "/config").body().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
        assertThat(get(registry, "/config/unconfigured-value").errorCode()).isEqualTo(40408);
        assertThat(get(registry, "/config/unconfigured-value?defaultToGlobal=true").body()
                .get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
        Response invalid = put(registry, "/config/unconfigured-value", "{\"compatibility\":\"SIDEWAYS\"}");
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.errorCode()).isEqualTo(42203);
        assertThat(put(registry, "/config/configured-value", "{\"compatibility\":\"none\"}").body()
                .get("compatibility").asText()).isEqualTo("NONE");
        assertThat(get(registry, "/config/configured-value").body().get("compatibilityLevel").asText())
                .isEqualTo("NONE");
    }

    @Test
    void errorsUseConfluentCodes() throws Exception {
        Response unknownId = get(registry, "/schemas/ids/987654");
        assertThat(unknownId.status()).isEqualTo(404);
        assertThat(unknownId.errorCode()).isEqualTo(40403);
        assertThat(unknownId.body().get("message").asText()).isEqualTo("Schema not found");

        assertThat(get(registry, "/subjects/nope-value/versions").errorCode()).isEqualTo(40401);
        post(registry, "/subjects/errors-value/versions", schemaBody(reading(ID)));
        assertThat(get(registry, "/subjects/errors-value/versions/5").errorCode()).isEqualTo(40402);
        assertThat(get(registry, "/subjects/errors-value/versions/zero").errorCode()).isEqualTo(42202);
        assertThat(post(registry, "/subjects/errors-value", schemaBody(reading(ID, PM10))).errorCode())
                .isEqualTo(40403);

        Response invalid = post(registry, "/subjects/errors-value/versions", schemaBody("{\"type\":\"record\"}"));
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.errorCode()).isEqualTo(42201);
        Response protobuf = post(registry, "/subjects/errors-value/versions",
                "{\"schema\":\"syntax = \\\"proto3\\\";\",\"schemaType\":\"PROTOBUF\"}");
        assertThat(protobuf.errorCode()).isEqualTo(42201);

        Response unknownRoute = get(registry, "/no/such/route");
        assertThat(unknownRoute.status()).isEqualTo(404);
        assertThat(unknownRoute.body().get("error_code").asInt()).isEqualTo(404);
    }

    @Test
    void concurrentRegistrationsGetDistinctIds() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Response>> futures = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String schema = reading(ID, "{\"name\":\"f" + i + "\",\"type\":\"int\"}");
                String subject = "concurrent-" + i + "-value";
                futures.add(pool.submit(() -> post(registry, "/subjects/" + subject + "/versions", schemaBody(schema))));
            }
            Set<Integer> ids = new HashSet<>();
            for (Future<Response> f : futures) {
                Response r = f.get();
                assertThat(r.status()).isEqualTo(200);
                ids.add(r.body().get("id").asInt());
            }
            assertThat(ids).hasSize(12);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void idsAndVersionsSurviveARegistryRestart() throws Exception {
        String topic = "_schemas_restart";
        String v1 = reading(ID, "{\"name\":\"so2\",\"type\":\"double\"}");
        String v2 = reading(ID, "{\"name\":\"so2\",\"type\":\"double\"}", STATION_DEFAULT);
        int id1;
        int id2;
        try (EmbeddedSchemaRegistry first = registryOn(topic)) {
            id1 = post(first, "/subjects/air.so2.v1-value/versions", schemaBody(v1)).body().get("id").asInt();
            id2 = post(first, "/subjects/air.so2.v1-value/versions", schemaBody(v2)).body().get("id").asInt();
            put(first, "/config/air.so2.v1-value", "{\"compatibility\":\"FULL_TRANSITIVE\"}");
            assertThat(List.of(id1, id2)).containsExactly(1, 2);
        }
        try (EmbeddedSchemaRegistry second = registryOn(topic)) {
            assertThat(get(second, "/schemas/ids/" + id1).body().get("schema").asText())
                    .isEqualTo(SchemaStore.normalize(v1));
            assertThat(post(second, "/subjects/air.so2.v1-value/versions", schemaBody(v1)).body().get("id").asInt())
                    .isEqualTo(id1);
            assertThat(post(second, "/subjects/other-value/versions", schemaBody(v2)).body().get("id").asInt())
                    .isEqualTo(id2);
            Response latest = get(second, "/subjects/air.so2.v1-value/versions/latest");
            assertThat(latest.body().get("version").asInt()).isEqualTo(2);
            assertThat(get(second, "/config/air.so2.v1-value").body().get("compatibilityLevel").asText())
                    .isEqualTo("FULL_TRANSITIVE");
            // a new schema continues after the highest id
            int id3 = post(second, "/subjects/third-value/versions", schemaBody(reading(PM10))).body().get("id").asInt();
            assertThat(id3).isEqualTo(3);
        }
    }

    @Test
    void twoInstancesOnOneClusterConverge() throws Exception {
        String topic = "_schemas_shared";
        try (EmbeddedSchemaRegistry a = registryOn(topic); EmbeddedSchemaRegistry b = registryOn(topic)) {
            int fromA = post(a, "/subjects/pm25-value/versions",
                    schemaBody(reading(ID, "{\"name\":\"pm25\",\"type\":\"double\"}"))).body().get("id").asInt();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(get(b, "/schemas/ids/" + fromA).status()).isEqualTo(200));
            assertThat(get(b, "/subjects/pm25-value/versions/latest").body().get("id").asInt()).isEqualTo(fromA);

            int fromB = post(b, "/subjects/noise-value/versions",
                    schemaBody(reading(ID, "{\"name\":\"db\",\"type\":\"double\"}"))).body().get("id").asInt();
            assertThat(fromB).isEqualTo(fromA + 1);
            put(b, "/config", "{\"compatibility\":\"FULL\"}");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(get(a, "/schemas/ids/" + fromB).status()).isEqualTo(200);
                assertThat(get(a, "/config").body().get("compatibilityLevel").asText()).isEqualTo("FULL");
            });
            assertThat(get(a, "/subjects").body()).isEqualTo(get(b, "/subjects").body());
        }
    }

    // ------------------------------------------------------------------------------------------------

    private static EmbeddedSchemaRegistry registryOn(String topic) {
        return EmbeddedSchemaRegistry.builder().bootstrapServers(broker.bootstrapServers()).topic(topic).build().start();
    }

    private static String schemaBody(String schema) throws IOException {
        return JSON.createObjectNode().put("schema", schema).put("schemaType", "AVRO").toString();
    }

    private static Response get(EmbeddedSchemaRegistry r, String path) throws Exception {
        return send(r, "GET", path, null, null);
    }

    private static Response post(EmbeddedSchemaRegistry r, String path, String body) throws Exception {
        return send(r, "POST", path, body, EmbeddedSchemaRegistry.CONTENT_TYPE);
    }

    private static Response put(EmbeddedSchemaRegistry r, String path, String body) throws Exception {
        return send(r, "PUT", path, body, EmbeddedSchemaRegistry.CONTENT_TYPE);
    }

    private static Response send(EmbeddedSchemaRegistry r, String method, String path, String body, String contentType)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(r.url() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", EmbeddedSchemaRegistry.CONTENT_TYPE);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), json);
    }
}
