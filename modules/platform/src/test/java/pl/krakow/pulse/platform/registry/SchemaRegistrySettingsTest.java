package pl.krakow.pulse.platform.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.registry.SchemaRegistrySettings.Retry;
import pl.krakow.pulse.platform.registry.SchemaRegistrySettings.SchemaIdSource;

/** The registry settings read from the configuration, without a registry. */
class SchemaRegistrySettingsTest {

    @TempDir
    Path dir;

    private static PulseConfig config(Map<String, String> settings) {
        return PulseConfig.load(List.of(), null, Map.of(), settings);
    }

    private static String basic(String userInfo) {
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void defaultsAreAnonymousAutoRegisteringAndRetryThreeTimes() {
        SchemaRegistrySettings s = SchemaRegistrySettings.fromConfig(config(Map.of()), "http://127.0.0.1:8081/");
        assertThat(s.baseUrl()).isEqualTo("http://127.0.0.1:8081");
        assertThat(s.authorization()).isEmpty();
        assertThat(s.sslContext()).isEmpty();
        assertThat(s.schemaIds()).isEqualTo(SchemaIdSource.AUTO_REGISTER);
        assertThat(s.retry()).isEqualTo(new Retry(3, Duration.ofSeconds(1), Duration.ofSeconds(2)));
    }

    @Test
    void basicAuthFromUserInfoOrFromTheUrlWhichLosesItsCredentials() {
        SchemaRegistrySettings userInfo = SchemaRegistrySettings.fromConfig(config(Map.of(
                "schema.registry.basic.auth.credentials.source", "USER_INFO",
                "schema.registry.basic.auth.user.info", "pulse:s3cr:et")), "https://sr.example:8081");
        assertThat(userInfo.authorization()).contains(basic("pulse:s3cr:et"));
        SchemaRegistrySettings url = SchemaRegistrySettings.fromConfig(config(Map.of(
                "schema.registry.basic.auth.credentials.source", "URL")), "https://pulse:p%40ss@sr.example:8081/");
        assertThat(url.authorization()).contains(basic("pulse:p@ss"));
        assertThat(url.baseUrl()).isEqualTo("https://sr.example:8081");
        assertThat(url.toString()).doesNotContain("p@ss").doesNotContain("p%40ss");
    }

    @Test
    void bearerTokenAndTheSchemaIdSource() {
        SchemaRegistrySettings s = SchemaRegistrySettings.fromConfig(config(Map.of(
                "schema.registry.bearer.auth.credentials.source", "STATIC_TOKEN", "schema.registry.bearer.auth.token", "t0k",
                "auto.register.schemas", "false", "use.latest.version", "true")), "http://sr:8081");
        assertThat(s.authorization()).contains("Bearer t0k");
        assertThat(s.schemaIds()).isEqualTo(SchemaIdSource.LATEST_VERSION);
        assertThat(SchemaRegistrySettings.fromConfig(config(Map.of("auto.register.schemas", "false")), "http://sr:8081").schemaIds())
                .isEqualTo(SchemaIdSource.REGISTERED);
    }

    @Test
    void contradictorySettingsAreErrorsNamingTheKeyNeverTheSecret() {
        assertThatThrownBy(() -> SchemaRegistrySettings.fromConfig(config(Map.of(
                "schema.registry.basic.auth.credentials.source", "USER_INFO", "schema.registry.basic.auth.user.info", "u:p",
                "schema.registry.bearer.auth.credentials.source", "STATIC_TOKEN", "schema.registry.bearer.auth.token", "t")),
                "http://sr:8081")).hasMessageContaining("not both");
        assertThatThrownBy(() -> SchemaRegistrySettings.fromConfig(config(Map.of(
                "schema.registry.basic.auth.credentials.source", "USER_INFO")), "http://sr:8081"))
                .hasMessageContaining("schema.registry.basic.auth.user.info must be set");
        assertThatThrownBy(() -> SchemaRegistrySettings.fromConfig(config(Map.of()), "http://u:hunter2@sr:8081"))
                .hasMessageContaining("schema.registry.basic.auth.credentials.source=URL").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> SchemaRegistrySettings.fromConfig(config(Map.of(
                "schema.registry.basic.auth.credentials.source", "URL")), "http://sr:8081"))
                .hasMessageContaining("has no user:password@");
        assertThatThrownBy(() -> config(Map.of("schema.registry.basic.auth.credentials.source", "SASL_INHERIT")))
                .hasMessageContaining("must be one of");
    }

    @Test
    void tlsContextFromATrustStoreAndAKeyStoreAndAClearErrorForAWrongPassword() throws Exception {
        TestCertificates certs = TestCertificates.create(dir);
        SchemaRegistrySettings s = SchemaRegistrySettings.fromConfig(config(Map.of(
                "schema.registry.ssl.truststore.location", certs.trustStore().toString(),
                "schema.registry.ssl.truststore.password", certs.password(),
                "schema.registry.ssl.keystore.location", certs.keyStore().toString(),
                "schema.registry.ssl.keystore.password", certs.password())), "https://127.0.0.1:8081");
        assertThat(s.sslContext()).isPresent();
        assertThat(s.sslContext().get().getProtocol()).isEqualTo("TLS");
        assertThatThrownBy(() -> SchemaRegistrySettings.fromConfig(config(Map.of(
                "schema.registry.ssl.truststore.location", certs.trustStore().toString(),
                "schema.registry.ssl.truststore.password", "wrong")), "https://127.0.0.1:8081"))
                .hasMessageContaining(PlatformConfig.SCHEMA_REGISTRY_TRUSTSTORE_LOCATION.name()).hasMessageNotContaining("wrong");
        assertThatThrownBy(() -> SchemaRegistrySettings.fromConfig(config(Map.of(
                "schema.registry.ssl.truststore.location", dir.resolve("missing.p12").toString())), "https://127.0.0.1:8081"))
                .hasMessageContaining("missing.p12");
    }

    @Test
    void retryWaitsDoubleUpToTheMaximum() {
        Retry r = new Retry(5, Duration.ofMillis(100), Duration.ofMillis(350));
        assertThat(r.delay(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(r.delay(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(r.delay(3)).isEqualTo(Duration.ofMillis(350));
        assertThat(r.delay(30)).isEqualTo(Duration.ofMillis(350));
    }
}
