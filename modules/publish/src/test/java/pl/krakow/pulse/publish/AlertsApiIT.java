package pl.krakow.pulse.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static pl.krakow.pulse.publish.PublishTestData.BUJAKA;
import static pl.krakow.pulse.publish.PublishTestData.KRASINSKIEGO;
import static pl.krakow.pulse.publish.PublishTestData.PM10_DAILY;
import static pl.krakow.pulse.publish.PublishTestData.WARSAW;
import static pl.krakow.pulse.publish.PublishTestData.alert;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.events.alerts.Alert;
import pl.krakow.pulse.events.alerts.AlertLevel;
import pl.krakow.pulse.events.alerts.AlertState;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.testsupport.kafka.EmbeddedPlatform;

/**
 * Alerts end to end over the embedded broker and registry: Alert records (as the alerting app writes
 * them, keyed indicatorId|scope|ruleId) on alerts.v1 are read by {@link AlertReadModel} from every
 * partition, and the API answers active and recent episodes — the latest record of an episode wins,
 * an undecodable record is skipped, and an alert produced after catch-up is served at once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertsApiIT {

    private static final Instant JAN_2_NOON = Instant.parse("2017-01-02T11:00:00Z");
    private static final Instant JAN_3_NOON = Instant.parse("2017-01-03T11:00:00Z");

    private EmbeddedPlatform platform;
    private KafkaClients clients;
    private PulseSerdes serdes;
    private PulseMetrics metrics;
    private IndicatorReadModel indicators;
    private AlertReadModel alerts;
    private ApiServer server;
    private ApiClient api;

    @BeforeAll
    void start(@TempDir Path dataDir) throws Exception {
        platform = EmbeddedPlatform.builder(dataDir, "alerts-it").schemaRegistry().start()
                .provision(Topics.ALERTS, Topics.INDICATORS_IV3, Topics.INDICATORS_IV4, Topics.INDICATORS_IV5);
        clients = platform.clients();
        serdes = platform.serdes();
        send(alert("ep-1", PM10_DAILY, KRASINSKIEGO, AlertState.RAISED, AlertLevel.WARNING, 120, 100, JAN_2_NOON, JAN_2_NOON));
        send(alert("ep-2", PM10_DAILY, BUJAKA, AlertState.RAISED, AlertLevel.INFO, 55, 50, JAN_2_NOON, JAN_2_NOON));
        send(alert("ep-1", PM10_DAILY, KRASINSKIEGO, AlertState.CLEARED, AlertLevel.WARNING, 80, 100, JAN_2_NOON, JAN_3_NOON));
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(clients.producer("alerts-it-raw"),
                new StringSerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(Topics.ALERTS.name(), "x|y|z", "not avro".getBytes(StandardCharsets.UTF_8))).get();
        }

        metrics = platform.metrics();
        PulseSerdes readerSerdes = platform.serdesOfAnotherProcess();
        indicators = new IndicatorReadModel(clients, readerSerdes, metrics).start();
        alerts = new AlertReadModel(clients, readerSerdes, metrics).start();
        assertThat(alerts.awaitCaughtUp(Duration.ofSeconds(60))).isTrue();
        server = new ApiServer("127.0.0.1", 0, indicators, alerts, DistrictMap.bundled(), IndicatorCatalog.bundled(), WARSAW,
                400, metrics, () -> ReadinessReport.up(Map.of()));
        server.start();
        api = new ApiClient("http://127.0.0.1:" + server.port());
    }

    private void send(Alert a) throws Exception {
        try (KafkaProducer<String, Alert> producer = new KafkaProducer<>(clients.producer("alerts-it"),
                serdes.key().serializer(), serdes.value(Topics.ALERTS).serializer())) {
            producer.send(new ProducerRecord<>(Topics.ALERTS.name(), a.getIndicatorId() + "|" + a.getScope() + "|" + a.getRuleId(), a)).get();
        }
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {server, alerts, indicators, platform}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
    }

    @Test
    void activeAlertsAreTheEpisodesWhoseLatestRecordIsNotCleared() throws Exception {
        JsonNode active = api.get("/api/v1/alerts").json();
        // (ep-3 may be there too: the other test produces it.)
        assertThat(active.path("alerts").findValuesAsText("alertId")).contains("ep-2").doesNotContain("ep-1");
        JsonNode all = api.get("/api/v1/alerts?state=all&from=2017-01-01&to=2017-01-31").json();
        List<String> ids = all.path("alerts").findValuesAsText("alertId");
        assertThat(ids).contains("ep-1", "ep-2").doesNotHaveDuplicates();
        JsonNode ep1 = all.path("alerts").get(ids.indexOf("ep-1"));
        assertThat(ep1.path("state").asText()).isEqualTo("CLEARED");
        assertThat(ep1.path("active").asBoolean()).isFalse();
        assertThat(ep1.path("lastUpdated").asText()).isEqualTo("2017-01-03T12:00+01:00");
        assertThat(ep1.path("thresholdSource").asText()).isEqualTo("Dz.U. 2019 poz. 1931");
        assertThat(metrics.scrape()).contains("pulse_publish_alerts_records_skipped_total{application=\"alerts-it\"} 1.0");
        assertThat(OpenApiContract.bundled().violations("/api/v1/alerts", 200, "application/json", api.get("/api/v1/alerts").body()))
                .isEmpty();
    }

    @Test
    void anAlertProducedAfterCatchUpIsServedAtOnce() throws Exception {
        send(alert("ep-3", PM10_DAILY, BUJAKA, AlertState.ESCALATED, AlertLevel.ALARM, 160, 150, JAN_3_NOON, JAN_3_NOON));
        await().atMost(Duration.ofSeconds(20)).until(() ->
                api.get("/api/v1/alerts").json().path("alerts").findValuesAsText("alertId").contains("ep-3"));
        JsonNode active = api.get("/api/v1/alerts?format=json").json().path("alerts");
        JsonNode ep3 = active.get(active.findValuesAsText("alertId").indexOf("ep-3"));
        assertThat(ep3.path("level").asText()).isEqualTo("ALARM");
        assertThat(api.get("/ready").status()).isEqualTo(200);
    }
}
