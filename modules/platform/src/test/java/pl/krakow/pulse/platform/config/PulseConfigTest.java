package pl.krakow.pulse.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.io.TempDir;

class PulseConfigTest {

    /** The keys of a module the platform does not know, as a module declares them. */
    static final ConfigKey<String> HOST = ConfigKey.string("http.host", "http", "127.0.0.1", "Address to bind.");
    static final ConfigKey<Integer> PORT = ConfigKey.integer("http.port", "http", 8080, "Port.").withValidator(ConfigKey.port());
    static final ConfigKey<List<URI>> HOOKS = ConfigKey.urlList("hooks.urls", "hooks", "Webhooks.").asSecret();
    static final List<ConfigKey<?>> MODULE_KEYS = List.of(HOST, PORT, HOOKS);

    @TempDir
    Path dir;

    @Test
    void defaultsApplyWhenNothingIsSet() {
        PulseConfig c = PulseConfig.load(MODULE_KEYS, null, Map.of(), Map.of());
        assertThat(c.get(PORT)).isEqualTo(8080);
        assertThat(c.originOf(PORT)).isEqualTo("default");
        assertThat(c.get(PlatformConfig.STREAMS_THREADS)).isEqualTo(1);
        assertThat(c.embeddedKafka()).isTrue();
    }

    @Test
    void environmentBeatsFileAndCommandLineBeatsEnvironment() throws Exception {
        Path file = dir.resolve("pulse.properties");
        Files.writeString(file, "http.port=9000\nhttp.host=0.0.0.0\ndata.dir=/var/lib/pulse\n");
        PulseConfig c = PulseConfig.load(MODULE_KEYS, file, Map.of("PULSE_HTTP_PORT", "9100", "PULSE_DATA_DIR", "env-dir"),
                Map.of("data.dir", "cli-dir"));
        assertThat(c.get(PORT)).isEqualTo(9100);
        assertThat(c.originOf(PORT)).isEqualTo("environment");
        assertThat(c.get(HOST)).isEqualTo("0.0.0.0");
        assertThat(c.originOf(HOST)).startsWith("file ");
        assertThat(c.get(PlatformConfig.DATA_DIR)).isEqualTo("cli-dir");
        assertThat(c.originOf(PlatformConfig.DATA_DIR)).isEqualTo("command line");
    }

    @Test
    void kafkaKeysPassThroughWithoutPrefix() throws Exception {
        Path file = dir.resolve("p.properties");
        Files.writeString(file, "kafka.security.protocol=SSL\n");
        PulseConfig c = PulseConfig.load(MODULE_KEYS, file, Map.of("PULSE_KAFKA_SASL_MECHANISM", "PLAIN"), Map.of());
        assertThat(c.kafkaPassThrough()).containsEntry("security.protocol", "SSL").containsEntry("sasl.mechanism", "PLAIN");
    }

    @Test
    void unknownKeyInAFileOrOnTheCommandLineIsAnErrorNamingIt() throws Exception {
        assertThatThrownBy(() -> PulseConfig.load(MODULE_KEYS, null, Map.of(), Map.of("htp.port", "1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("htp.port");
        Path file = dir.resolve("typo.properties");
        Files.writeString(file, "http.prot=9000\n");
        assertThatThrownBy(() -> PulseConfig.load(MODULE_KEYS, file, Map.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http.prot").hasMessageContaining("file ");
    }

    @Test
    void unknownPulseEnvironmentVariableIsAWarningNamingIt() {
        Logger logger = (Logger) LoggerFactory.getLogger(PulseConfig.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            // What Kubernetes injects into every pod of a namespace with a Service named "pulse".
            PulseConfig c = PulseConfig.load(MODULE_KEYS, null, Map.of("PULSE_PORT", "tcp://10.0.0.7:8080",
                    "PULSE_SERVICE_HOST", "10.0.0.7", "PULSE_HTTP_PORT", "9100"), Map.of());
            assertThat(c.get(PORT)).isEqualTo(9100);
            assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.WARN).extracting(ILoggingEvent::getFormattedMessage)
                    .hasSize(2).anySatisfy(m -> assertThat(m).contains("PULSE_PORT")).anySatisfy(m -> assertThat(m).contains("PULSE_SERVICE_HOST"));
        } finally {
            logger.detachAppender(logged);
        }
    }

    @Test
    void shownTextMasksSecretsAndTheCredentialsOfUrls() {
        PulseConfig c = PulseConfig.load(MODULE_KEYS, null, Map.of(), Map.of(
                "hooks.urls", "https://a.example/x?token=abc",
                "schema.registry.url", "https://u:p@registry.example:8081",
                "schema.registry.bearer.auth.token", "t0k3n"));
        assertThat(c.shownText(HOOKS)).isEqualTo("https://a.example/x?token=****");
        assertThat(c.shownText(PlatformConfig.SCHEMA_REGISTRY_URL)).isEqualTo("https://****@registry.example:8081");
        assertThat(c.shownText(PlatformConfig.SCHEMA_REGISTRY_BEARER_AUTH_TOKEN)).isEqualTo("****");
        assertThat(c.shownText(PORT)).isEqualTo("8080");
        assertThatThrownBy(() -> PulseConfig.load(MODULE_KEYS, null, Map.of(), Map.of("schema.registry.basic.auth.user.info", "nocolon")))
                .hasMessageContaining("schema.registry.basic.auth.user.info").hasMessageNotContaining("nocolon");
    }

    @Test
    void aKeyNotHandedToTheLoaderIsUnknownAndReadsAsItsDefault() {
        assertThatThrownBy(() -> PulseConfig.load(PlatformConfig.KEYS, null, Map.of(), Map.of("http.port", "9000")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown config key 'http.port'");
        assertThat(PulseConfig.defaults().get(PORT)).isEqualTo(8080);
    }

    @Test
    void badValueIsAnErrorNamingKeyAndOrigin() {
        assertThatThrownBy(() -> PulseConfig.load(MODULE_KEYS, null, Map.of("PULSE_HTTP_PORT", "eighty"), Map.of()))
                .hasMessageContaining("http.port").hasMessageContaining("environment");
        assertThatThrownBy(() -> PulseConfig.load(MODULE_KEYS, null, Map.of(), Map.of("http.port", "70000")))
                .hasMessageContaining("0-65535");
        assertThatThrownBy(() -> PulseConfig.load(MODULE_KEYS, null, Map.of(), Map.of("indicators.time.zone", "Mars/Olympus")))
                .hasMessageContaining("time zone");
        assertThatThrownBy(() -> PulseConfig.load(MODULE_KEYS, null, Map.of(), Map.of("hooks.urls", "https://a.example/x,ftp://b")))
                .hasMessageContaining("hooks.urls").hasMessageContaining("must be http(s) URLs separated by commas");
    }

    @Test
    void structuredValuesAreParsedOnceAtLoadAndPrintedAsWritten() {
        PulseConfig c = PulseConfig.load(MODULE_KEYS, null, Map.of(), Map.of("hooks.urls", " https://a.example/x , http://b:8080/y"));
        assertThat(c.get(HOOKS)).containsExactly(URI.create("https://a.example/x"), URI.create("http://b:8080/y"));
        assertThat(c.text(HOOKS)).isEqualTo("https://a.example/x,http://b:8080/y");
        assertThat(HOOKS.defaultValue()).isEmpty();
        assertThat(HOOKS.defaultText()).isEmpty();
        assertThat(HOOKS.secret()).isTrue();
    }

    @Test
    void keysOfPutsThePlatformFirstAndRejectsTwoKeysOfOneName() {
        List<ConfigKey<?>> keys = PulseConfig.keysOf(MODULE_KEYS, MODULE_KEYS);
        assertThat(keys.subList(0, PlatformConfig.KEYS.size())).isEqualTo(PlatformConfig.KEYS);
        assertThat(keys.subList(PlatformConfig.KEYS.size(), keys.size())).isEqualTo(MODULE_KEYS);
        ConfigKey<String> clash = ConfigKey.string("http.port", "other", "", "Another module's http.port.");
        assertThatThrownBy(() -> PulseConfig.keysOf(MODULE_KEYS, List.of(clash)))
                .hasMessageContaining("'http.port' is declared twice");
    }

    @Test
    void everyPlatformKeyHasDocumentationAndAnEnvironmentName() {
        for (ConfigKey<?> k : PlatformConfig.KEYS) {
            assertThat(k.documentation()).as(k.name()).isNotBlank();
            assertThat(k.environmentVariable()).startsWith("PULSE_").doesNotContain(".");
        }
    }
}
