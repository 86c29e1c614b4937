package pl.krakow.pulse.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.alerting.notify.WebhookNotifier;
import pl.krakow.pulse.events.alerts.Alert;
import pl.krakow.pulse.events.alerts.AlertKind;
import pl.krakow.pulse.events.alerts.AlertLevel;
import pl.krakow.pulse.events.alerts.AlertState;

/** {@link WebhookNotifier} against a real loopback HTTP receiver. */
class WebhookNotifierTest {

    private final WebhookReceiver receiver = new WebhookReceiver();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<Duration> sleeps = new ArrayList<>();
    private final List<String> deadLetters = new ArrayList<>();
    private final WebhookNotifier.Settings settings = new WebhookNotifier.Settings(5, Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofSeconds(5));

    @AfterEach
    void stop() {
        receiver.close();
    }

    private WebhookNotifier notifier(String url) {
        return new WebhookNotifier("webhook-1", URI.create(url), settings,
                (n, target, body, reason) -> deadLetters.add(n + " " + target + " " + reason), meters, sleeps::add);
    }

    static Alert alert() {
        return Alert.newBuilder().setAlertId("a-1").setIndicatorId("iv3.pm10.daily_mean").setScope("station:MpKrakAlKras")
                .setRuleId("pm10-daily-pl-alarm").setKind(AlertKind.THRESHOLD).setLevel(AlertLevel.ALARM).setState(AlertState.RAISED)
                .setProvisional(false).setValue(171.5).setThreshold(150.0).setUnit("µg/m³").setThresholdSource("Dz.U. 2019 poz. 1931")
                .setWindowStart(Instant.parse("2017-01-09T23:00:00Z")).setWindowEnd(Instant.parse("2017-01-10T23:00:00Z"))
                .setFirstSeen(Instant.parse("2026-01-01T12:00:00Z")).setLastUpdated(Instant.parse("2026-01-01T12:00:00Z")).build();
    }

    @Test
    void retriesAReceiverThatFailsThreeTimesWithExponentialBackoffAndTheSameKey() throws Exception {
        receiver.failNext(3);
        notifier(receiver.url()).deliver("alerts.v1-0-42", alert());
        assertThat(receiver.requests()).hasSize(4).extracting(WebhookReceiver.Request::idempotencyKey).containsOnly("alerts.v1-0-42");
        assertThat(receiver.requests()).extracting(WebhookReceiver.Request::attempt).containsExactly(1, 2, 3, 4);
        assertThat(sleeps).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(250));
        assertThat(receiver.accepted()).containsOnlyKeys("alerts.v1-0-42");
        JsonNode json = new ObjectMapper().readTree(receiver.accepted().get("alerts.v1-0-42"));
        assertThat(json.get("state").asText()).isEqualTo("RAISED");
        assertThat(json.get("level").asText()).isEqualTo("ALARM");
        assertThat(json.get("value").asDouble()).isEqualTo(171.5);
        assertThat(json.get("thresholdSource").asText()).isEqualTo("Dz.U. 2019 poz. 1931");
        assertThat(json.get("windowStart").asText()).isEqualTo("2017-01-09T23:00:00Z");
        assertThat(json.get("idempotencyKey").asText()).isEqualTo("alerts.v1-0-42");
        assertThat(deadLetters).isEmpty();
        assertThat(meters.get("pulse.alerting.notifier.deliveries").tag("notifier", "webhook-1").counter().count()).isEqualTo(1);
        assertThat(meters.get("pulse.alerting.notifier.failures").tag("notifier", "webhook-1").counter().count()).isEqualTo(3);
    }

    @Test
    void deadLettersAfterTheLastAttempt() throws Exception {
        receiver.failNext(100);
        notifier(receiver.url()).deliver("alerts.v1-1-7", alert());
        assertThat(receiver.requests()).hasSize(5);
        assertThat(deadLetters).singleElement().asString().startsWith("webhook-1 " + receiver.url()).contains("HTTP 503");
        assertThat(meters.get("pulse.alerting.notifier.dead.letters").tag("notifier", "webhook-1").counter().count()).isEqualTo(1);
    }

    @Test
    void aSignedRequestCarriesAnHmacOfTimestampAndBodyThatTheReceiverCanVerify() throws Exception {
        java.time.Clock clock = java.time.Clock.fixed(Instant.parse("2026-01-01T12:00:00Z"), java.time.ZoneOffset.UTC);
        WebhookNotifier signed = new WebhookNotifier("webhook-ops", URI.create(receiver.url()), "whsec-123", settings,
                (n, target, body, reason) -> deadLetters.add(reason), meters, sleeps::add, clock);
        signed.deliver("alerts.v1-0-5", alert());
        WebhookReceiver.Request request = receiver.requests().get(0);
        assertThat(request.timestamp()).isEqualTo("1767268800");
        // Verified as a receiver would, with the JDK's Mac and nothing of ours.
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec("whsec-123".getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] expected = mac.doFinal((request.timestamp() + "." + request.body()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(request.signature()).isEqualTo("sha256=" + java.util.HexFormat.of().formatHex(expected));
        byte[] tampered = mac.doFinal((request.timestamp() + "." + request.body().replace("171.5", "17.5"))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(request.signature()).isNotEqualTo("sha256=" + java.util.HexFormat.of().formatHex(tampered));
        notifier(receiver.url()).deliver("alerts.v1-0-6", alert());
        assertThat(receiver.requests().get(1).signature()).as("no secret, no signature").isNull();
    }

    @Test
    void secretsInTheUrlNeverReachTheDeadLetter() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        String url = "http://bot:pa55word@127.0.0.1:" + port + "/services/T0AB12CD3/B0CD34EF5/Xk9fLq2mZ8rT4vW1yB7nP3sQ?sig=abc";
        notifier(url).deliver("k-secret", alert());
        assertThat(deadLetters).singleElement().asString()
                .contains("http://****@127.0.0.1:" + port + "/services/T0AB12CD3/B0CD34EF5/****?sig=****")
                .doesNotContain("pa55word").doesNotContain("Xk9fLq2mZ8rT4vW1yB7nP3sQ").doesNotContain("abc");
    }

    @Test
    void aClientErrorIsNotRetriedAndAnUnreachableReceiverIsRetried() throws Exception {
        notifier(receiver.url().replace("/alerts", "/nowhere")).deliver("k-404", alert());
        assertThat(receiver.requests()).isEmpty(); // 404 from the server's default handler, no context hit
        assertThat(sleeps).isEmpty();
        assertThat(deadLetters).singleElement().asString().contains("HTTP 404");
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort(); // closed again: nothing listens there
        }
        notifier("http://127.0.0.1:" + port + "/alerts?token=secret").deliver("k-down", alert());
        assertThat(sleeps).hasSize(4);
        assertThat(deadLetters).hasSize(2).last().asString().doesNotContain("secret").contains("ConnectException");
    }
}
