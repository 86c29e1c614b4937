package pl.krakow.pulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.platform.config.ConfigKey;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.publish.PublishConfig;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.runtime.RuntimeConfig;

/**
 * docker-compose.yml cannot be started on the build machines (no Docker daemon), so this test
 * checks what can be checked: every setting it passes to each pulse service is a key the app knows, the
 * values parse and validate exactly as they would at start-up, and the stack has every component with its
 * instances, healthchecks, start order and a data volume per instance. {@link ProductionStackDockerIT} runs it.
 */
class DockerComposeConfigTest {

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("docker-compose.yml"))) {
            p = p.getParent();
        }
        assertThat(p).as("docker-compose.yml above " + Path.of("").toAbsolutePath()).isNotNull();
        return p;
    }

    /** The services running the pulse image, in file order. */
    static List<String> pulseServices(JsonNode compose) {
        List<String> names = new ArrayList<>();
        compose.path("services").fields().forEachRemaining(s -> {
            if (s.getValue().path("image").asText().startsWith(PULSE_IMAGE)) {
                names.add(s.getKey());
            }
        });
        return names;
    }

    /** The pulse sub-command a service runs (ingest, indicators, alerting, publish, run). */
    static String command(JsonNode compose, String service) {
        return compose.path("services").path(service).path("command").path(0).asText();
    }

    static final String PULSE_IMAGE = "krakow-pulse:";

    private static Map<String, String> environment(JsonNode service) {
        Map<String, String> vars = new LinkedHashMap<>();
        service.path("environment").fields().forEachRemaining(e -> vars.put(e.getKey(), e.getValue().asText()));
        return vars;
    }

    @Test
    void everyPulseSettingInComposeIsAKnownKeyWithAValidValue() {
        JsonNode compose = OpsFiles.yaml(Path.of("docker-compose.yml"));
        List<String> services = pulseServices(compose);
        assertThat(services).isNotEmpty();
        for (String service : services) {
            Map<String, String> vars = environment(compose.path("services").path(service));
            assertThat(vars).as(service + " environment").isNotEmpty();
            for (String var : vars.keySet()) {
                assertThat(ConfigCatalog.isKnownEnvironmentVariable(var)).as(service + ": " + var + " is a Kraków Pulse setting")
                        .isTrue();
            }
            // Loading with exactly these variables must succeed (values parse and validate).
            PulseConfig config = ConfigCatalog.load(null, vars, Map.of());
            assertThat(config.embeddedKafka()).as(service + " runs against the file's Kafka service").isFalse();
            assertThat(config.embeddedRegistry()).as(service + " runs against the file's registry").isFalse();
            // The bootstrap server and registry named must be services of the same file.
            String kafkaHost = config.get(PlatformConfig.BOOTSTRAP_SERVERS).split(":")[0];
            assertThat(compose.path("services").has(kafkaHost)).as("service " + kafkaHost).isTrue();
            String registryHost = java.net.URI.create(config.get(PlatformConfig.SCHEMA_REGISTRY_URL)).getHost();
            assertThat(compose.path("services").has(registryHost)).as("service " + registryHost).isTrue();
            // Reachable from the healthcheck, Prometheus and (publish) the host's port mapping.
            String host = command(compose, service).equals("publish") ? config.get(PublishConfig.HTTP_HOST)
                    : config.get(RuntimeConfig.MANAGEMENT_HTTP_HOST);
            assertThat(host).as(service + " listens on every interface of its container").isEqualTo("0.0.0.0");
            assertThat(config.get(PlatformConfig.TOPIC_PARTITIONS))
                    .as("2 instances x 3 stream threads share the partitions").isGreaterThanOrEqualTo(6);
        }
    }

    @Test
    void theStackRunsEveryComponentWithItsInstancesHealthchecksAndOwnData() {
        JsonNode compose = OpsFiles.yaml(Path.of("docker-compose.yml"));
        Map<String, Integer> instances = new LinkedHashMap<>();
        Set<String> dataVolumes = new HashSet<>();
        for (String service : pulseServices(compose)) {
            JsonNode s = compose.path("services").path(service);
            String component = command(compose, service);
            instances.merge(component, 1, Integer::sum);
            String port = component.equals("publish") ? s.path("environment").path("PULSE_HTTP_PORT").asText()
                    : s.path("environment").path("PULSE_MANAGEMENT_HTTP_PORT").asText();
            assertThat(s.path("healthcheck").path("test").toString()).as(service + " healthcheck asks its /ready")
                    .contains("probe", "http://127.0.0.1:" + port + "/ready");
            for (String needed : List.of("kafka", "schema-registry")) {
                assertThat(s.path("depends_on").path(needed).path("condition").asText()).as(service + " waits for " + needed)
                        .isEqualTo("service_healthy");
            }
            String dataDir = s.path("environment").path("PULSE_DATA_DIR").asText();
            List<String> volumes = new ArrayList<>();
            s.path("volumes").forEach(v -> volumes.add(v.asText()));
            assertThat(volumes).as(service + " keeps its state in a volume of its own at " + dataDir)
                    .anyMatch(v -> v.endsWith(":" + dataDir) && dataVolumes.add(v.split(":")[0]));
        }
        assertThat(instances).containsEntry("ingest", 1).containsEntry("indicators", 2).containsEntry("alerting", 1)
                .containsEntry("publish", 2);
        compose.path("services").fields().forEachRemaining(s -> {
            assertThat(s.getValue().path("restart").asText()).as(s.getKey() + " restart policy").isEqualTo("unless-stopped");
            assertThat(s.getValue().has("healthcheck")).as(s.getKey() + " has a healthcheck").isTrue();
            s.getValue().path("depends_on").fields().forEachRemaining(d -> assertThat(d.getValue().path("condition").asText())
                    .as(s.getKey() + " waits for " + d.getKey() + " to be healthy").isEqualTo("service_healthy"));
        });
        JsonNode ingest = compose.path("services").path(pulseServices(compose).stream()
                .filter(s -> command(compose, s).equals("ingest")).findFirst().orElseThrow());
        assertThat(ingest.path("environment").path("PULSE_REPLAY_BUNDLED_ON_START").asText())
                .as("the demo replay is asked for explicitly (off by default on a real cluster)").isEqualTo("true");
    }

    @Test
    void everyKeyOfTheCatalogHasDocumentationAndAnEnvironmentName() {
        for (ConfigKey<?> k : ConfigCatalog.ALL) {
            assertThat(k.documentation()).as(k.name()).isNotBlank();
            assertThat(k.environmentVariable()).startsWith("PULSE_").doesNotContain(".");
            assertThat(readBack(k)).as(k.name() + ": the default, as printed, reads back as itself").isEqualTo(k.defaultText());
        }
    }

    private static <T> String readBack(ConfigKey<T> key) {
        return key.format(key.parse(key.defaultText()));
    }

    @Test
    void readmeConfigurationTableIsGeneratedFromTheTypedKeys() throws Exception {
        String readme = Files.readString(repoRoot().resolve("README.md"));
        assertThat(readme).as("README.md contains the output of `pulse config --markdown`")
                .contains(ConfigCommand.markdownTable());
    }
}
