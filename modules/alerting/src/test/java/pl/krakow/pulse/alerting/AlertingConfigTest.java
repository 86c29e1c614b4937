package pl.krakow.pulse.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.alerting.missing.MissingDataSpec;
import pl.krakow.pulse.alerting.notify.WebhookTarget;
import pl.krakow.pulse.platform.config.PulseConfig;

class AlertingConfigTest {

    @Test
    void missingDataSourcesAreParsedOnceAndPrintedAsWritten() {
        PulseConfig config = PulseConfig.load(AlertingConfig.KEYS, null, Map.of(), Map.of("alerting.missing.data",
                "environment.air-quality.v1/station=PT3H, mobility.vehicle-positions.v1/feed=PT5M"));
        assertThat(config.get(AlertingConfig.MISSING_DATA).entries()).containsExactly(
                new MissingDataSpec.Entry("environment.air-quality.v1", "station", Duration.ofHours(3)),
                new MissingDataSpec.Entry("mobility.vehicle-positions.v1", "feed", Duration.ofMinutes(5)));
        assertThat(config.text(AlertingConfig.MISSING_DATA))
                .isEqualTo("environment.air-quality.v1/station=PT3H,mobility.vehicle-positions.v1/feed=PT5M");
        assertThat(AlertingConfig.MISSING_DATA.defaultText()).isEqualTo("environment.air-quality.v1/station=PT3H");
    }

    @Test
    void malformedMissingDataFailsAtLoadNamingTheKey() {
        assertThatThrownBy(() -> PulseConfig.load(AlertingConfig.KEYS, null, Map.of(), Map.of("alerting.missing.data",
                "environment.air-quality.v1=PT3H")))
                .hasMessageContaining("alerting.missing.data").hasMessageContaining("<topic>/<grain>=<duration>");
    }

    @Test
    void webhooksAreNamedUrlsOrPlainUrlsAndSecret() {
        PulseConfig config = PulseConfig.load(AlertingConfig.KEYS, null, Map.of(), Map.of("alerting.webhook.urls",
                "ops=https://hooks.example/a?token=x,http://127.0.0.1:9000/b", "alerting.webhook.signing.secrets", "ops=s3cr=t"));
        List<WebhookTarget> webhooks = config.get(AlertingConfig.WEBHOOK_URLS);
        assertThat(webhooks).extracting(WebhookTarget::url)
                .containsExactly(URI.create("https://hooks.example/a?token=x"), URI.create("http://127.0.0.1:9000/b"));
        assertThat(webhooks.get(0).name()).isEqualTo("ops");
        assertThat(webhooks.get(1).name()).isEqualTo(WebhookTarget.derivedName(URI.create("http://127.0.0.1:9000/b"))).matches("u[0-9a-f]{10}");
        assertThat(config.get(AlertingConfig.WEBHOOK_SIGNING_SECRETS)).containsExactly(Map.entry("ops", "s3cr=t"));
        assertThat(AlertingConfig.WEBHOOK_URLS.secret()).isTrue();
        assertThat(AlertingConfig.WEBHOOK_SIGNING_SECRETS.secret()).isTrue();
        assertThatThrownBy(() -> PulseConfig.load(AlertingConfig.KEYS, null, Map.of(), Map.of("alerting.webhook.urls", "mailto:x@y")))
                .hasMessageContaining("alerting.webhook.urls").hasMessageContaining("http(s) URLs");
        assertThatThrownBy(() -> PulseConfig.load(AlertingConfig.KEYS, null, Map.of(), Map.of("alerting.webhook.urls",
                "a=http://h/1,a=http://h/2"))).hasMessageContaining("two webhooks are named 'a'");
        assertThatThrownBy(() -> PulseConfig.load(AlertingConfig.KEYS, null, Map.of(), Map.of("alerting.webhook.urls",
                "ops=ftp://bot:hunter2@hooks.example/x"))).as("a start-up error never prints a secret key's value")
                .hasMessageContaining("alerting.webhook.urls").hasMessageNotContaining("hunter2");
    }
}
