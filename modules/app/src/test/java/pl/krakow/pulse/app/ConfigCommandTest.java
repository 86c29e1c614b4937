package pl.krakow.pulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.platform.config.PulseConfig;

/** {@code pulse config} over every key of the app: no secret printed, receivers still recognisable. */
class ConfigCommandTest {

    @Test
    void printsNoSecretButShowsWhichReceiversAndFeedsAreMeant() {
        Map<String, String> environment = Map.of(
                "PULSE_PORT", "tcp://10.0.0.7:8080", // injected by a Service named pulse: ignored with a warning
                "PULSE_KAFKA_SSL_KEYSTORE_KEY", "-----BEGIN PRIVATE KEY----- MIIEvQIBADANBg",
                "PULSE_KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"pulse\" password=\"kafka-secret\";");
        PulseConfig config = ConfigCatalog.load(null, environment, Map.of(
                "alerting.webhook.urls", "ops=https://hooks.slack.com/services/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",
                "ingest.gios.api.url", "https://api.gios.example/pjp-api/v1?apikey=gios-key-123",
                "schema.registry.url", "https://sr-user:sr-pass@registry.example:8081",
                "schema.registry.basic.auth.credentials.source", "URL",
                "schema.registry.ssl.truststore.password", "trust-pass",
                "kafka.security.protocol", "SASL_SSL"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConfigCommand.print(config, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertThat(out).doesNotContain("Xk9fLq2mZ8rT4vW1yB7nP3sQ", "gios-key-123", "sr-pass", "trust-pass", "kafka-secret",
                "MIIEvQIBADANBg");
        assertThat(out).contains("ops=https://hooks.slack.com/services/T0AB12CD3/B0CD34EF5/****")
                .contains("https://api.gios.example/pjp-api/v1?apikey=****")
                .contains("https://****@registry.example:8081")
                .contains("SASL_SSL");
    }
}
