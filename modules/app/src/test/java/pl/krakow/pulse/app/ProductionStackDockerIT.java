package pl.krakow.pulse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.Slf4jLogConsumer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * The production stack's path through the real Confluent Schema Registry: Kafka (KRaft), the Confluent
 * registry, and {@code pulse ingest} (bundled replay asked for), {@code pulse indicators --goal IV.3} and
 * {@code pulse publish} as containers of the image the repository's Dockerfile builds, each waited for on its
 * {@code /ready}. A replayed air-quality file must reach {@code GET /api/v1/goals/IV.3/indicators}, the records on
 * {@code environment.air-quality.v1} must be in Confluent wire format (magic byte 0, then the 4-byte id of a schema
 * the registry's own REST API lists under the topic's value subject), and the registry must refuse an incompatible
 * schema for that subject (409) while accepting a compatible one — i.e. it enforces the compatibility level pulse
 * set, not only stores schemas.
 *
 * <p>Skipped where no Docker daemon runs. The same path on the embedded Confluent-compatible registry is covered by
 * {@link PulseRunApiIT} and the platform's registry tests; the compose file's wiring by {@link DockerComposeConfigTest}.
 * Building the image runs the Maven build inside Docker (minutes on a cold cache).
 */
@Testcontainers(disabledWithoutDocker = true)
class ProductionStackDockerIT {

    private static final Logger LOG = LoggerFactory.getLogger(ProductionStackDockerIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START = Duration.ofMinutes(4);
    private static final String SUBJECT = Topics.AIR_QUALITY.valueSubject();
    /** Inside the Docker network: the Kafka container's extra listener and the registry's alias. */
    private static final String BOOTSTRAP_IN_NETWORK = "kafka:19092";
    private static final String REGISTRY_IN_NETWORK = "http://schema-registry:8081";
    private static final int MANAGEMENT_PORT = 8090;
    private static final int API_PORT = 8080;

    static final Network NETWORK = Network.newNetwork();

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0")
            .withNetwork(NETWORK).withNetworkAliases("kafka").withListener(BOOTSTRAP_IN_NETWORK);

    @Container
    static final GenericContainer<?> REGISTRY = new GenericContainer<>("confluentinc/cp-schema-registry:8.0.0")
            .withNetwork(NETWORK).withNetworkAliases("schema-registry")
            .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
            .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
            .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://" + BOOTSTRAP_IN_NETWORK)
            .withEnv("SCHEMA_REGISTRY_KAFKASTORE_TOPIC_REPLICATION_FACTOR", "1")
            .withExposedPorts(8081)
            .dependsOn(KAFKA)
            .waitingFor(Wait.forHttp("/subjects").forStatusCode(200).withStartupTimeout(START));

    /** Built once from the repository's Dockerfile (its .dockerignore keeps target/ and .git out of the context). */
    static final ImageFromDockerfile PULSE_IMAGE = new ImageFromDockerfile("krakow-pulse-dockerit", true)
            .withDockerfile(DockerComposeConfigTest.repoRoot().resolve("Dockerfile"));

    // dependsOn fixes the start order (JUnit does not start @Container fields in declaration order): ingest
    // provisions the topics and schemas and replays, indicators read the topic from the beginning, publish
    // replicates the table; each container is started once, whichever field the extension starts first.
    @Container
    static final GenericContainer<?> INGEST = pulse("ingest", MANAGEMENT_PORT, Map.of("PULSE_REPLAY_BUNDLED_ON_START", "true"),
            "ingest").dependsOn(REGISTRY);

    @Container
    static final GenericContainer<?> INDICATORS = pulse("indicators", MANAGEMENT_PORT, Map.of(), "indicators", "--goal", "IV.3")
            .dependsOn(INGEST);

    @Container
    static final GenericContainer<?> PUBLISH = pulse("publish", API_PORT, Map.of("PULSE_HTTP_HOST", "0.0.0.0",
            "PULSE_HTTP_PORT", String.valueOf(API_PORT)), "publish").dependsOn(INDICATORS);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static GenericContainer<?> pulse(String alias, int readyPort, Map<String, String> extraEnv, String... command) {
        GenericContainer<?> container = new GenericContainer<>(PULSE_IMAGE)
                .withNetwork(NETWORK).withNetworkAliases(alias)
                .withCommand(command)
                .withEnv("PULSE_BOOTSTRAP_SERVERS", BOOTSTRAP_IN_NETWORK)
                .withEnv("PULSE_SCHEMA_REGISTRY_URL", REGISTRY_IN_NETWORK)
                .withEnv("PULSE_TOPICS_REPLICATION_FACTOR", "1")
                .withEnv("PULSE_TOPICS_PARTITIONS", "3")
                .withEnv("PULSE_MANAGEMENT_HTTP_HOST", "0.0.0.0")
                .withEnv("PULSE_MANAGEMENT_HTTP_PORT", String.valueOf(MANAGEMENT_PORT))
                .withExposedPorts(readyPort)
                .withLogConsumer(new Slf4jLogConsumer(LOG).withPrefix(alias))
                .waitingFor(Wait.forHttp("/ready").forPort(readyPort).forStatusCode(200).withStartupTimeout(START));
        extraEnv.forEach(container::withEnv);
        return container;
    }

    private String registryUrl() {
        return "http://" + REGISTRY.getHost() + ":" + REGISTRY.getMappedPort(8081);
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode getJson(String url) throws Exception {
        HttpResponse<String> response = get(url);
        assertThat(response.statusCode()).as("GET " + url + " -> " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> postSchema(String path, String schema) throws Exception {
        String body = JSON.createObjectNode().put("schema", schema).toString();
        return http.send(HttpRequest.newBuilder(URI.create(registryUrl() + path)).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aReplayedFileReachesTheApiThroughTheConfluentRegistryInItsWireFormat() throws Exception {
        String api = "http://" + PUBLISH.getHost() + ":" + PUBLISH.getMappedPort(API_PORT);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            JsonNode goal = getJson(api + "/api/v1/goals/IV.3/indicators");
            assertThat(goal.findValuesAsText("scope")).as("IV.3 values served by publish").contains("station:MpKrakAlKras");
        });

        // The registry's own REST API: the subjects pulse registered, and the latest air-quality schema.
        List<String> subjects = new ArrayList<>();
        getJson(registryUrl() + "/subjects").forEach(s -> subjects.add(s.asText()));
        assertThat(subjects).contains(SUBJECT, Topics.INDICATORS_IV3.valueSubject());
        JsonNode latest = getJson(registryUrl() + "/subjects/" + SUBJECT + "/versions/latest");
        int latestId = latest.path("id").asInt();
        assertThat(latestId).isPositive();

        // A record as ingest wrote it: magic byte 0, then the big-endian id of a schema registered under the subject.
        List<ConsumerRecord<byte[], byte[]>> records = firstRecords(Topics.AIR_QUALITY.name());
        assertThat(records).isNotEmpty();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            ByteBuffer value = ByteBuffer.wrap(record.value());
            assertThat(value.get()).as("Confluent magic byte").isZero();
            int id = value.getInt();
            JsonNode versions = getJson(registryUrl() + "/schemas/ids/" + id + "/versions");
            assertThat(versions.findValuesAsText("subject")).as("schema id " + id + " is registered under " + SUBJECT)
                    .contains(SUBJECT);
            assertThat(id).as("written with the latest version").isEqualTo(latestId);
        }
    }

    @Test
    void theRegistryRefusesAnIncompatibleSchemaForAPulseSubject() throws Exception {
        String level = getJson(registryUrl() + "/config/" + SUBJECT + "?defaultToGlobal=true").path("compatibilityLevel").asText();
        assertThat(level).as("pulse set the subject's compatibility").isEqualTo(Topics.AIR_QUALITY.compatibility().name());
        ObjectNode schema = (ObjectNode) JSON.readTree(
                getJson(registryUrl() + "/subjects/" + SUBJECT + "/versions/latest").path("schema").asText());

        // A new field without a default: consumers on the new schema could not read the records already written.
        ObjectNode incompatible = schema.deepCopy();
        ((ArrayNode) incompatible.path("fields")).addObject().put("name", "dockerItRequired").put("type", "string");
        HttpResponse<String> refused = postSchema("/subjects/" + SUBJECT + "/versions", incompatible.toString());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);

        // The same field with a default is a compatible evolution: the refusal above was the level, not the request.
        ObjectNode compatible = schema.deepCopy();
        ((ArrayNode) compatible.path("fields")).addObject().put("name", "dockerItOptional")
                .put("default", "").put("type", "string");
        HttpResponse<String> check = postSchema("/compatibility/subjects/" + SUBJECT + "/versions/latest",
                compatible.toString());
        assertThat(check.statusCode()).as(check.body()).isEqualTo(200);
        assertThat(JSON.readTree(check.body()).path("is_compatible").asBoolean()).as(check.body()).isTrue();
    }

    /** Reads raw bytes from the start of the topic (from the host, through the container's mapped listener). */
    private static List<ConsumerRecord<byte[], byte[]>> firstRecords(String topic) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "docker-it-wire-format",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // only what ingest committed
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 20);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (records.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofSeconds(1)).forEach(records::add);
            }
        }
        return records;
    }
}
