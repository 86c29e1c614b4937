package pl.krakow.pulse.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.alerting.missing.MissingDataSpec;
import pl.krakow.pulse.alerting.missing.SilenceState;
import pl.krakow.pulse.alerting.rules.AlertRules;
import pl.krakow.pulse.alerting.threshold.SeriesState;
import pl.krakow.pulse.events.alerts.Alert;
import pl.krakow.pulse.events.alerts.AlertKind;
import pl.krakow.pulse.events.alerts.AlertLevel;
import pl.krakow.pulse.events.alerts.AlertState;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.catalog.IndicatorKeys;
import pl.krakow.pulse.platform.registry.InMemorySchemaRegistryClient;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.testsupport.time.MutableClock;
import pl.krakow.pulse.testsupport.time.TestInstants;

/** The production {@link AlertingTopology#build} under {@link TopologyTestDriver}, with a hand-moved wall clock. */
class AlertingTopologyTest {

    private static final java.time.ZoneId WARSAW = TestInstants.WARSAW;
    private static final String PM10 = "iv3.pm10.daily_mean";
    private static final String STATION = "station:MpKrakAlKras";
    private static final String PL_FAMILY_KEY = PM10 + "|" + STATION + "|pm10-daily-pl";
    /** 2017-01-10 local midnight (CET). */
    private static final Instant DAY0 = TestInstants.JAN_10_2017_WARSAW;
    private static final Instant WALL_START = Instant.parse("2026-01-01T12:00:00Z");

    @TempDir
    Path stateDir;

    private final PulseSerdes serdes = new PulseSerdes(new InMemorySchemaRegistryClient());
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final MutableClock clock = new MutableClock(WALL_START);
    private TopologyTestDriver driver;
    private TestInputTopic<String, IndicatorValue> iv3;
    private TestOutputTopic<String, Alert> alerts;

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private void start(Duration reorderWait, MissingDataSpec missing) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "pulse-alerting-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(p)));
        AlertingTopology.Options options = AlertingTopology.Options.defaults().withClock(clock).withMeters(meters)
                .withReorderWait(reorderWait).withPunctuationInterval(Duration.ofSeconds(1))
                .withMissingDataCheckInterval(Duration.ofMinutes(1));
        Topology topology = AlertingTopology.build(builder, serdes,
                AlertRules.bundled(IndicatorCatalog.bundled(), AlertRules.Defaults.standard()), missing, options).build(p);
        driver = new TopologyTestDriver(topology, p, WALL_START);
        iv3 = driver.createInputTopic(Topics.INDICATORS_IV3.name(), serdes.key().serializer(),
                serdes.value(Topics.INDICATORS_IV3).serializer());
        alerts = driver.createOutputTopic(Topics.ALERTS.name(), serdes.key().deserializer(), serdes.value(Topics.ALERTS).deserializer());
    }

    private void advanceWallClock(Duration d) {
        clock.advance(d);
        driver.advanceWallClockTime(d);
    }

    private static IndicatorValue daily(int day, double value, IndicatorStatus status, boolean valid) {
        Instant start = DAY0.plus(Duration.ofDays(day));
        return IndicatorValue.newBuilder().setIndicatorId(PM10).setGoal("IV.3").setScope(STATION)
                .setWindowStart(start).setWindowEnd(start.plus(Duration.ofDays(1))).setValue(value).setUnit("µg/m³")
                .setObservedCount(valid ? 24 : 10).setExpectedCount(24).setCoverage(valid ? 1.0 : 10 / 24.0).setValid(valid)
                .setStatus(status).setRevision(status == IndicatorStatus.FINAL ? 1 : 0)
                .setComputedAt(Instant.parse("2026-01-01T12:00:00Z")).build();
    }

    private void pipe(IndicatorValue v) {
        iv3.pipeInput(IndicatorKeys.key(v.getIndicatorId(), v.getScope(), v.getWindowStart(), WARSAW), v,
                v.getWindowEnd().plus(Duration.ofHours(3)));
    }

    private List<Alert> plAlerts() {
        return alerts.readKeyValuesToList().stream().filter(kv -> kv.key.equals(PL_FAMILY_KEY)).map(kv -> kv.value).toList();
    }

    @Test
    void valueFlappingAroundTheInformationLevelRaisesOnceAndClearsOnce() {
        start(Duration.ZERO, MissingDataSpec.none());
        double[] values = {99, 101, 97, 103, 92, 100, 95, 99.5, 91, 104, 89, 60};
        for (int d = 0; d < values.length; d++) {
            pipe(daily(d, values[d], IndicatorStatus.FINAL, true));
        }
        List<Alert> pl = plAlerts();
        assertThat(pl).extracting(Alert::getState).containsExactly(AlertState.RAISED, AlertState.CLEARED);
        assertThat(pl.get(0).getValue()).isEqualTo(101.0);
        assertThat(pl.get(0).getLevel()).isEqualTo(AlertLevel.WARNING);
        assertThat(pl.get(0).getRuleId()).isEqualTo("pm10-daily-pl-information");
        assertThat(pl.get(0).getThreshold()).isEqualTo(100.0);
        assertThat(pl.get(0).getThresholdSource()).isEqualTo("Dz.U. 2019 poz. 1931");
        assertThat(pl.get(0).getWindowStart()).isEqualTo(DAY0.plus(Duration.ofDays(1)));
        assertThat(pl.get(1).getValue()).as("89 is the first value below 100 − 10").isEqualTo(89.0);
        assertThat(pl.get(1).getAlertId()).isEqualTo(pl.get(0).getAlertId());
        assertThat(meters.get(AlertMetrics.ALERTS).tag("state", "RAISED").tag("level", "WARNING").counter().count()).isEqualTo(1);
        // State cleaned up: the PL family keeps no state once its episode is over (60 still breaches WHO 45).
        KeyValueStore<String, SeriesState> store = driver.getKeyValueStore(AlertingTopology.THRESHOLD_STORE);
        assertThat(store.get(PM10 + "|" + STATION).families).doesNotContainKey("pm10-daily-pl").containsKey("pm10-daily-who");
    }

    @Test
    void invalidDaysAreNotJudgedAndManyProvisionalUpdatesRaiseOnce() {
        start(Duration.ZERO, MissingDataSpec.none());
        pipe(daily(0, 400, IndicatorStatus.FINAL, false));
        for (double v : new double[] {120, 125, 130, 128, 131}) {
            pipe(daily(1, v, IndicatorStatus.PROVISIONAL, true));
        }
        pipe(daily(1, 131, IndicatorStatus.FINAL, true));
        List<Alert> pl = plAlerts();
        assertThat(pl).extracting(Alert::getState, Alert::getProvisional)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(AlertState.RAISED, true),
                        org.assertj.core.groups.Tuple.tuple(AlertState.RAISED, false));
        assertThat(pl.get(0).getAlertId()).isEqualTo(pl.get(1).getAlertId());
    }

    @Test
    void finalValuesArrivingOutOfWindowOrderAreJudgedInWindowOrder() {
        start(Duration.ofSeconds(5), MissingDataSpec.none());
        pipe(daily(0, 50, IndicatorStatus.FINAL, true));
        advanceWallClock(Duration.ofSeconds(6));
        // day 2 arrives before day 1 (they travel through different partitions of the table)
        pipe(daily(2, 60, IndicatorStatus.FINAL, true));
        pipe(daily(1, 130, IndicatorStatus.FINAL, true));
        List<Alert> pl = plAlerts();
        assertThat(pl).extracting(Alert::getState).containsExactly(AlertState.RAISED, AlertState.CLEARED);
        assertThat(pl).extracting(Alert::getWindowStart).containsExactly(DAY0.plus(Duration.ofDays(1)), DAY0.plus(Duration.ofDays(2)));
        // a real gap (day 3 never comes): day 4 is held, then judged once it has waited the reorder wait
        pipe(daily(4, 170, IndicatorStatus.FINAL, true));
        assertThat(plAlerts()).isEmpty();
        advanceWallClock(Duration.ofSeconds(6));
        assertThat(plAlerts()).extracting(Alert::getState, Alert::getLevel)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(AlertState.RAISED, AlertLevel.ALARM));
        // a FINAL older than the newest judged window is stale
        pipe(daily(3, 10, IndicatorStatus.FINAL, true));
        assertThat(plAlerts()).isEmpty();
        assertThat(meters.get(AlertMetrics.STALE_FINALS).counter().count()).isEqualTo(1);
    }

    @Test
    void aHeldFinalWaitsWhileInputKeepsArrivingAndIsJudgedOnceItIsQuiet() {
        start(Duration.ofSeconds(5), MissingDataSpec.none());
        pipe(daily(0, 50, IndicatorStatus.FINAL, true));
        advanceWallClock(Duration.ofSeconds(6));
        pipe(daily(2, 130, IndicatorStatus.FINAL, true)); // day 1 still queued elsewhere (a catch-up)
        for (int i = 0; i < 5; i++) {
            advanceWallClock(Duration.ofSeconds(2));
            IndicatorValue other = IndicatorValue.newBuilder(daily(i, 10, IndicatorStatus.PROVISIONAL, true))
                    .setScope("station:MpKrakDietla").build();
            pipe(other);
        }
        assertThat(plAlerts()).as("10 s held, but input never quiet for 2.5 s").isEmpty();
        advanceWallClock(Duration.ofSeconds(3));
        assertThat(plAlerts()).extracting(Alert::getState).containsExactly(AlertState.RAISED);
    }

    @Test
    void silentStationRaisesAMissingDataAlertAndClearsItWhenDataResume() {
        start(Duration.ZERO, MissingDataSpec.parse("environment.air-quality.v1/station=PT3H"));
        TestInputTopic<String, byte[]> events = driver.createInputTopic(Topics.AIR_QUALITY.name(), serdes.key().serializer(),
                new ByteArraySerializer());
        events.pipeInput("MpKrakAlKras", new byte[] {1}, DAY0);
        events.pipeInput("MpKrakDietla", new byte[] {1}, DAY0);
        for (int i = 0; i < 5; i++) {
            // Dietla keeps reporting every hour, Krasińskiego falls silent
            advanceWallClock(Duration.ofHours(1));
            events.pipeInput("MpKrakDietla", new byte[] {1}, DAY0.plus(Duration.ofHours(i + 1)));
        }
        List<Alert> raised = alerts.readValuesToList();
        assertThat(raised).singleElement().satisfies(a -> {
            assertThat(a.getKind()).isEqualTo(AlertKind.MISSING_DATA);
            assertThat(a.getState()).isEqualTo(AlertState.RAISED);
            assertThat(a.getScope()).isEqualTo("station:MpKrakAlKras");
            assertThat(a.getIndicatorId()).isEqualTo(Topics.AIR_QUALITY.name());
            assertThat(a.getThreshold()).isEqualTo(3 * 3600.0);
            assertThat(a.getWindowStart()).isEqualTo(WALL_START);
        });
        advanceWallClock(Duration.ofHours(2));
        assertThat(alerts.readValuesToList()).as("no repeat while still silent").isEmpty();
        events.pipeInput("MpKrakAlKras", new byte[] {1}, DAY0.plus(Duration.ofHours(8)));
        List<Alert> cleared = alerts.readValuesToList();
        assertThat(cleared).singleElement().satisfies(a -> {
            assertThat(a.getState()).isEqualTo(AlertState.CLEARED);
            assertThat(a.getAlertId()).isEqualTo(raised.get(0).getAlertId());
            assertThat(a.getWindowEnd()).isEqualTo(WALL_START.plus(Duration.ofHours(7)));
        });
        KeyValueStore<String, SilenceState> store = driver.getKeyValueStore(AlertingTopology.MISSING_DATA_STORE);
        assertThat(store.get(Topics.AIR_QUALITY.name() + "|station:MpKrakAlKras").alertId).isNull();
    }

    @Test
    void everyProcessorStoreAndRepartitionTopicIsNamed() {
        start(Duration.ZERO, MissingDataSpec.parse("environment.air-quality.v1/station=PT3H,mobility.vehicle-positions.v1/feed=PT5M"));
        String description = AlertingTopology.build(new StreamsBuilder(), serdes,
                        AlertRules.bundled(IndicatorCatalog.bundled(), AlertRules.Defaults.standard()),
                        MissingDataSpec.parse("environment.air-quality.v1/station=PT3H,mobility.vehicle-positions.v1/feed=PT5M"),
                        AlertingTopology.Options.defaults()).build().describe().toString();
        assertThat(description).contains("alerting-threshold-processor", "alerting-by-series-repartition",
                "alerting-missing-data-heartbeats-repartition", "alerting-missing-data-mobility-vehicle-positions-v1-heartbeat",
                AlertingTopology.THRESHOLD_STORE, AlertingTopology.MISSING_DATA_STORE).doesNotContain("KSTREAM-");
    }
}
