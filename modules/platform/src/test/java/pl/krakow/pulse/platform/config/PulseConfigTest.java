package pl.krakow.pulse.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PulseConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaultsApplyWhenNothingIsSet() {
        PulseConfig c = PulseConfig.load(null, Map.of(), Map.of());
        assertThat(c.get(PulseConfig.HTTP_PORT)).isEqualTo(8080);
        assertThat(c.originOf(PulseConfig.HTTP_PORT)).isEqualTo("default");
        assertThat(c.embeddedKafka()).isTrue();
    }

    @Test
    void environmentBeatsFileAndCommandLineBeatsEnvironment() throws Exception {
        Path file = dir.resolve("pulse.properties");
        Files.writeString(file, "http.port=9000\nhttp.host=0.0.0.0\ndata.dir=/var/lib/pulse\n");
        PulseConfig c = PulseConfig.load(file, Map.of("PULSE_HTTP_PORT", "9100", "PULSE_DATA_DIR", "env-dir"),
                Map.of("data.dir", "cli-dir"));
        assertThat(c.get(PulseConfig.HTTP_PORT)).isEqualTo(9100);
        assertThat(c.originOf(PulseConfig.HTTP_PORT)).isEqualTo("environment");
        assertThat(c.get(PulseConfig.HTTP_HOST)).isEqualTo("0.0.0.0");
        assertThat(c.originOf(PulseConfig.HTTP_HOST)).startsWith("file ");
        assertThat(c.get(PulseConfig.DATA_DIR)).isEqualTo("cli-dir");
        assertThat(c.originOf(PulseConfig.DATA_DIR)).isEqualTo("command line");
    }

    @Test
    void kafkaKeysPassThroughWithoutPrefix() throws Exception {
        Path file = dir.resolve("p.properties");
        Files.writeString(file, "kafka.security.protocol=SSL\n");
        PulseConfig c = PulseConfig.load(file, Map.of("PULSE_KAFKA_SASL_MECHANISM", "PLAIN"), Map.of());
        assertThat(c.kafkaPassThrough()).containsEntry("security.protocol", "SSL").containsEntry("sasl.mechanism", "PLAIN");
    }

    @Test
    void unknownKeyIsAnErrorNamingIt() {
        assertThatThrownBy(() -> PulseConfig.load(null, Map.of(), Map.of("htp.port", "1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("htp.port");
        assertThatThrownBy(() -> PulseConfig.load(null, Map.of("PULSE_HTTP_PROT", "1"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PULSE_HTTP_PROT");
    }

    @Test
    void badValueIsAnErrorNamingKeyAndOrigin() {
        assertThatThrownBy(() -> PulseConfig.load(null, Map.of("PULSE_HTTP_PORT", "eighty"), Map.of()))
                .hasMessageContaining("http.port").hasMessageContaining("environment");
        assertThatThrownBy(() -> PulseConfig.load(null, Map.of(), Map.of("http.port", "70000")))
                .hasMessageContaining("0-65535");
        assertThatThrownBy(() -> PulseConfig.load(null, Map.of(), Map.of("indicators.time.zone", "Mars/Olympus")))
                .hasMessageContaining("time zone");
    }

    @Test
    void everyKeyHasDocumentationAndAnEnvironmentName() {
        for (ConfigKey<?> k : PulseConfig.keys()) {
            assertThat(k.documentation()).as(k.name()).isNotBlank();
            assertThat(k.environmentVariable()).startsWith("PULSE_").doesNotContain(".");
        }
    }
}
