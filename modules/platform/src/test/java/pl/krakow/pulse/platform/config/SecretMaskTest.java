package pl.krakow.pulse.platform.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What {@code pulse config} and error messages may show of a configuration value. */
class SecretMaskTest {

    @Test
    void keysNamedAfterACredentialAreSecretWhateverTheirDeclaration() {
        assertThat(SecretMask.isSecretName("kafka.ssl.keystore.key")).isTrue();
        assertThat(SecretMask.isSecretName("kafka.ssl.key.password")).isTrue();
        assertThat(SecretMask.isSecretName("kafka.sasl.jaas.config")).isTrue();
        assertThat(SecretMask.isSecretName("kafka.sasl.oauthbearer.client.credentials.client.secret")).isTrue();
        assertThat(SecretMask.isSecretName("schema.registry.basic.auth.user.info")).isTrue();
        assertThat(SecretMask.isSecretName("schema.registry.bearer.auth.token")).isTrue();
        assertThat(SecretMask.isSecretName("ingest.push.tokens")).isTrue();
        assertThat(SecretMask.isSecretName("kafka.security.protocol")).isFalse();
        assertThat(SecretMask.isSecretName("kafka.ssl.keystore.location")).isFalse();
        assertThat(SecretMask.isSecretName("schema.registry.basic.auth.credentials.source")).isFalse();
    }

    @Test
    void aSecretThatIsNoUrlIsHiddenWhole() {
        assertThat(SecretMask.configValue("kafka.sasl.jaas.config", false,
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";"))
                .isEqualTo("****");
        assertThat(SecretMask.configValue("kafka.ssl.keystore.key", false, "-----BEGIN PRIVATE KEY----- MIIE...")).isEqualTo("****");
        assertThat(SecretMask.configValue("alerting.webhook.signing.secrets", true, "ops=s3cr3t")).isEqualTo("****");
        assertThat(SecretMask.configValue("anything", true, "")).isEmpty();
    }

    @Test
    void aSecretListOfUrlsShowsTheUrlsWithOnlyTheirSecretsMasked() {
        assertThat(SecretMask.configValue("alerting.webhook.urls", true,
                "ops=https://hooks.slack.com/services/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,"
                        + "u1=https://bot:pa55@alerts.example/notify?token=abc&channel=ops"))
                .isEqualTo("ops=https://hooks.slack.com/services/T0AB12CD3/B0CD34EF5/****,"
                        + "u1=https://****@alerts.example/notify?token=****&channel=****");
    }

    @Test
    void credentialsInsideUrlsOfOrdinaryKeysAreMasked() {
        assertThat(SecretMask.configValue("schema.registry.url", false, "https://sr-user:sr-pass@registry.example:8081"))
                .isEqualTo("https://****@registry.example:8081");
        assertThat(SecretMask.configValue("ingest.gios.api.url", false, "https://api.example/v1?apikey=K3y&format=json"))
                .isEqualTo("https://api.example/v1?apikey=****&format=****");
        assertThat(SecretMask.configValue("mobility.gtfsrt.urls", false,
                "https://a.example/rt?access_token=t1,https://b.example/rt?key=k2"))
                .isEqualTo("https://a.example/rt?access_token=****,https://b.example/rt?key=****");
        assertThat(SecretMask.configValue("ingest.push.mqtt.url", false, "tcp://user:pw@mqtt.example:1883"))
                .isEqualTo("tcp://****@mqtt.example:1883");
        assertThat(SecretMask.configValue("mobility.gbfs.urls", false,
                "oslo=https://gbfs.example/station_information.json?key=a1|https://gbfs.example/station_status.json?key=a1"))
                .isEqualTo("oslo=https://gbfs.example/station_information.json?key=****|https://gbfs.example/station_status.json?key=****");
        assertThat(SecretMask.configValue("http.host", false, "0.0.0.0")).isEqualTo("0.0.0.0");
    }
}
