package pl.krakow.pulse.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.platform.config.SecretMask;
import pl.krakow.pulse.alerting.notify.WebhookTarget;

/** Webhook names (stable, independent of list order and of the secrets in the URL) and how a URL is shown. */
class WebhookTargetTest {

    @Test
    void aPlainUrlKeepsItsNameWhenTheListIsReorderedOrItsTokenRotated() {
        List<WebhookTarget> before = WebhookTarget.parseList("https://a.example/hook?token=one,https://b.example/hook");
        List<WebhookTarget> after = WebhookTarget.parseList("https://c.example/x, https://b.example/hook,https://a.example/hook?token=two");
        assertThat(after.get(2).name()).isEqualTo(before.get(0).name());
        assertThat(after.get(1).name()).isEqualTo(before.get(1).name());
        assertThat(before.get(0).name()).isNotEqualTo(before.get(1).name()).matches("u[0-9a-f]{10}");
        assertThat(before.get(0).name()).doesNotContain("one");
    }

    @Test
    void namedEntriesKeepTheirNameAndTheOldPositionalGroupCanBeKept() {
        List<WebhookTarget> list = WebhookTarget.parseList("ops=https://a.example/hook, 1=http://127.0.0.1:9000/alerts?x=y");
        assertThat(list).extracting(WebhookTarget::name).containsExactly("ops", "1");
        assertThat(list.get(1).url()).isEqualTo(URI.create("http://127.0.0.1:9000/alerts?x=y"));
        assertThat(WebhookTarget.formatList(list)).isEqualTo("ops=https://a.example/hook,1=http://127.0.0.1:9000/alerts?x=y");
        assertThat(WebhookTarget.parseList(WebhookTarget.formatList(list))).isEqualTo(list);
        assertThatThrownBy(() -> WebhookTarget.parseList("bad name=https://a.example/")).hasMessageContaining("must be 1-64 letters");
        assertThatThrownBy(() -> WebhookTarget.parseList("https://a.example/h,https://a.example/h"))
                .hasMessageContaining("give each a name=URL entry");
        assertThatThrownBy(() -> WebhookTarget.parseSecrets("ops")).hasMessageContaining("name=secret");
    }

    @Test
    void secretsInUserInfoQueryAndPathAreMasked() {
        assertThat(SecretMask.mask(URI.create("https://bot:pa55word@hooks.example:8443/notify?token=abc&channel=ops#frag")))
                .isEqualTo("https://****@hooks.example:8443/notify?token=****&channel=****#****");
        assertThat(SecretMask.mask(URI.create("https://hooks.slack.com/services/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")))
                .isEqualTo("https://hooks.slack.com/services/T0AB12CD3/B0CD34EF5/****");
        assertThat(SecretMask.mask(URI.create("https://discord.com/api/webhooks/112233445566778899/"
                + "aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5zA7bC9dE1fG3hI5jK7lM9nO1pQ3rS5tU7vW9xY1zA3bC5dE7")))
                .isEqualTo("https://discord.com/api/webhooks/112233445566778899/****"); // the id is no secret, the token is
        assertThat(SecretMask.mask(URI.create("https://ops.example/hooks/token/short1")))
                .isEqualTo("https://ops.example/hooks/token/****");
        assertThat(SecretMask.mask(URI.create("http://127.0.0.1:9000/alerts/city-krakow"))).isEqualTo("http://127.0.0.1:9000/alerts/city-krakow");
        URI slack = URI.create("https://hooks.slack.com/services/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");
        assertThat(SecretMask.maskIn("connect to " + slack + " failed", slack)).doesNotContain("Xk9fLq2mZ8rT4vW1yB7nP3sQ");
        assertThat(new WebhookTarget("ops", slack).toString()).isEqualTo("ops=https://hooks.slack.com/services/T0AB12CD3/B0CD34EF5/****");
    }
}
