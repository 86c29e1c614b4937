package pl.krakow.pulse.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static pl.krakow.pulse.testsupport.time.TestInstants.JAN_10_2017_WARSAW;
import static pl.krakow.pulse.testsupport.time.TestInstants.WARSAW;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.alerting.notify.NotifierRunner;
import pl.krakow.pulse.events.alerts.Alert;
import pl.krakow.pulse.events.alerts.AlertState;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.catalog.IndicatorKeys;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.testsupport.kafka.EmbeddedPlatform;

/**
 * {@link AlertingService} as {@code pulse run} starts it, on the embedded broker and registry, with a
 * webhook to a loopback receiver that fails its first 3 requests: every record on {@code alerts.v1} reaches
 * the receiver exactly once (after de-duplication by Idempotency-Key) across a restart of the alerting
 * app, and the restart neither repeats nor loses an alert (exactly-once Streams state).
 */
class WebhookExactlyOnceIT {

    private static final String PM10 = "iv3.pm10.daily_mean";
    private static final String SCOPE = "station:MpKrakAlKras";
    private static final Instant DAY0 = JAN_10_2017_WARSAW;
    /** Daily means: an information episode escalating to alarm and back, a flap inside the margin, a second episode. */
    private static final double[] VALUES = {40, 105, 98, 120, 160, 140, 130, 95, 85, 30, 101, 92, 91, 155, 60, 20};
    private static final int BEFORE_RESTART = 8;

    @TempDir
    Path dir;

    private EmbeddedPlatform platform;
    private KafkaClients clients;
    private PulseSerdes serdes;
    private PulseMetrics metrics;
    private WebhookReceiver receiver;
    private AlertingService service;
    private PulseConfig config;

    @BeforeEach
    void start() {
        receiver = new WebhookReceiver();
        config = PulseConfig.load(AlertingConfig.KEYS, null, Map.of(), Map.of(
                AlertingConfig.WEBHOOK_URLS.name(), "it=" + receiver.url(),
                AlertingConfig.WEBHOOK_INITIAL_BACKOFF.name(), "PT0.05S",
                AlertingConfig.REORDER_WAIT.name(), "PT1S",
                AlertingConfig.MISSING_DATA.name(), ""));
        platform = EmbeddedPlatform.builder(dir, "webhook-it").schemaRegistry().config(config).start()
                .provision(Topics.all()).registerSchemas(Topics.all());
        clients = platform.clients();
        serdes = platform.serdes();
        metrics = platform.metrics();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {service, receiver, platform}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private AlertingService startService() {
        AlertingService service = AlertingService.fromConfig(config, clients, serdes, metrics, IndicatorCatalog.bundled(),
                dir.resolve("streams"));
        service.start();
        return service;
    }

    private void produceDays(int from, int to) {
        try (KafkaProducer<String, IndicatorValue> producer = new KafkaProducer<>(clients.producer("webhook-it-producer"),
                serdes.key().serializer(), serdes.value(Topics.INDICATORS_IV3).serializer())) {
            for (int d = from; d < to; d++) {
                Instant start = DAY0.plus(Duration.ofDays(d));
                IndicatorValue v = IndicatorValue.newBuilder().setIndicatorId(PM10).setGoal("IV.3").setScope(SCOPE)
                        .setWindowStart(start).setWindowEnd(start.plus(Duration.ofDays(1))).setValue(VALUES[d]).setUnit("µg/m³")
                        .setObservedCount(24).setExpectedCount(24).setCoverage(1.0).setValid(true).setStatus(IndicatorStatus.FINAL)
                        .setRevision(1).setComputedAt(Instant.now()).build();
                producer.send(new ProducerRecord<>(Topics.INDICATORS_IV3.name(), IndicatorKeys.key(PM10, SCOPE, start, WARSAW), v));
            }
            producer.flush();
        }
    }

    private List<ConsumerRecord<String, Alert>> alertsOnTopic() {
        return platform.readToEnd(Topics.ALERTS);
    }

    /** Confirmed transitions of the PL family from the values, with the default 10 % margins (plain Java). */
    private static List<String> expectedPlTransitions(int days) {
        List<String> out = new ArrayList<>();
        int level = -1;
        for (int d = 0; d < days; d++) {
            double v = VALUES[d];
            int up = v >= 150 ? 1 : v >= 100 ? 0 : -1;
            int held = level == 1 && v < 135 ? 0 : level;
            held = held == 0 && v < 90 ? -1 : held;
            int next = Math.max(up, held);
            if (next != level) {
                out.add((level < 0 ? "RAISED" : next < 0 ? "CLEARED" : next > level ? "ESCALATED" : "DEESCALATED") + "@" + d);
            }
            level = next;
        }
        return out;
    }

    private static List<String> plTransitions(List<ConsumerRecord<String, Alert>> records) {
        return records.stream().filter(r -> r.key().endsWith("|pm10-daily-pl") && !r.value().getProvisional())
                .map(r -> r.value().getState() + "@" + Duration.between(DAY0, r.value().getWindowStart()).toDays()).toList();
    }

    @Test
    void everyAlertReachesTheReceiverExactlyOnceAcrossARestartDespiteThreeFailures() {
        receiver.failNext(3);
        service = startService();
        produceDays(0, BEFORE_RESTART);
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            assertThat(plTransitions(alertsOnTopic())).containsExactlyElementsOf(expectedPlTransitions(BEFORE_RESTART));
            assertThat(receiver.accepted()).hasSize(alertsOnTopic().size());
        });
        assertThat(receiver.requests().subList(0, 4)).extracting(WebhookReceiver.Request::attempt).containsExactly(1, 2, 3, 4);
        assertThat(receiver.requests().get(0).idempotencyKey()).isEqualTo(receiver.requests().get(3).idempotencyKey());

        service.close();
        service = null;
        produceDays(BEFORE_RESTART, VALUES.length); // arrive while alerting is down
        service = startService();
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            List<ConsumerRecord<String, Alert>> records = alertsOnTopic();
            assertThat(plTransitions(records)).containsExactlyElementsOf(expectedPlTransitions(VALUES.length));
            assertThat(receiver.accepted()).hasSize(records.size());
        });

        List<ConsumerRecord<String, Alert>> records = alertsOnTopic();
        Set<String> keys = new HashSet<>();
        Set<String> logical = new HashSet<>();
        for (ConsumerRecord<String, Alert> r : records) {
            keys.add(NotifierRunner.idempotencyKey(r));
            Alert a = r.value();
            assertThat(logical.add(a.getAlertId() + a.getState() + a.getLevel() + a.getProvisional() + a.getWindowStart()))
                    .as("no alert repeated on alerts.v1 by the restart: " + a).isTrue();
        }
        assertThat(receiver.accepted().keySet()).as("each record once, by its idempotency key").isEqualTo(keys);
        assertThat(records.stream().filter(r -> r.value().getState() == AlertState.RAISED && r.key().endsWith("|pm10-daily-pl")))
                .hasSize(2);
        assertThat(metrics.registry().get("pulse.alerting.notifier.failures").tag("notifier", "webhook-it").counter().count())
                .isGreaterThanOrEqualTo(3);
        System.out.printf("%nwebhook IT: %d alerts on alerts.v1, %d accepted by the receiver, %d requests, %d duplicates ignored%n",
                records.size(), receiver.accepted().size(), receiver.requests().size(), receiver.duplicates());
    }
}
