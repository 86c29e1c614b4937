package pl.krakow.pulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.platform.config.ConfigKey;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.publish.PublishConfig;
import pl.krakow.pulse.platform.config.PlatformConfig;

/**
 * docker-compose.yml cannot be started on the build machines (no Docker daemon), so this test
 * checks what can be checked: every setting it passes to pulse is a key the app knows, and the
 * values parse and validate exactly as they would at start-up.
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

    @Test
    void everyPulseSettingInComposeIsAKnownKeyWithAValidValue() throws Exception {
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(repoRoot().resolve("docker-compose.yml").toFile());
        JsonNode env = compose.path("services").path("pulse").path("environment");
        assertThat(env.isObject()).as("services.pulse.environment is a map").isTrue();
        Map<String, String> vars = new LinkedHashMap<>();
        env.fields().forEachRemaining(e -> vars.put(e.getKey(), e.getValue().asText()));
        assertThat(vars).isNotEmpty();
        for (String var : vars.keySet()) {
            assertThat(ConfigCatalog.isKnownEnvironmentVariable(var)).as(var + " is a Kraków Pulse setting").isTrue();
        }
        // Loading with exactly these variables must succeed (values parse and validate).
        PulseConfig config = ConfigCatalog.load(null, vars, Map.of());
        assertThat(config.embeddedKafka()).as("compose runs against its own Kafka service").isFalse();
        assertThat(config.embeddedRegistry()).as("compose runs against its own registry").isFalse();
        assertThat(config.get(PublishConfig.HTTP_HOST)).isEqualTo("0.0.0.0");
        // The bootstrap server and registry named must be services of the same file.
        String kafkaHost = config.get(PlatformConfig.BOOTSTRAP_SERVERS).split(":")[0];
        assertThat(compose.path("services").has(kafkaHost)).as("service " + kafkaHost).isTrue();
        String registryHost = java.net.URI.create(config.get(PlatformConfig.SCHEMA_REGISTRY_URL)).getHost();
        assertThat(compose.path("services").has(registryHost)).as("service " + registryHost).isTrue();
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
