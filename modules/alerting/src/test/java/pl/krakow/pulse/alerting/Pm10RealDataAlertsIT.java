package pl.krakow.pulse.alerting;

import pl.krakow.pulse.runtime.replica.TopicReplica;
import pl.krakow.pulse.indicators.Iv3EnvironmentTopology;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.apache.avro.specific.SpecificRecord;
import pl.krakow.pulse.alerting.missing.MissingDataSpec;
import pl.krakow.pulse.alerting.rules.AlertRules;
import pl.krakow.pulse.embedded.EmbeddedKafkaBroker;
import pl.krakow.pulse.embedded.EmbeddedSchemaRegistry;
import pl.krakow.pulse.events.alerts.Alert;
import pl.krakow.pulse.events.alerts.AlertState;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.runtime.streams.StreamsApplication;
import pl.krakow.pulse.ingest.EventPublisher;
import pl.krakow.pulse.ingest.FeedFormats;
import pl.krakow.pulse.ingest.FileReplayer;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ProgressListener;
import pl.krakow.pulse.ingest.ReplaySpeed;
import pl.krakow.pulse.ingest.environment.BundledData;
import pl.krakow.pulse.ingest.environment.GiosWideCsvParser;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.catalog.IndicatorKeys;
import pl.krakow.pulse.platform.catalog.Scopes;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.registry.HttpSchemaRegistryClient;
import pl.krakow.pulse.platform.registry.SchemaProvisioner;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.TopicProvisioner;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * The real 2017 Q1 Kraków PM10 data, replayed through the IV.3 topology into the alerting app on the
 * embedded KRaft broker and schema registry (both exactly-once Streams apps). The confirmed
 * (non-provisional) alerts of the Polish information (100) / alarm (150) family must be exactly the
 * episodes computed here with plain Java from the CSV: one RAISED per episode, ESCALATED / DEESCALATED
 * between the levels, one CLEARED at its end, with the 10 % hysteresis margin of the defaults (information
 * clears below 90, alarm steps down below 135), over the days the table holds as FINAL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Pm10RealDataAlertsIT {

    private static final String PM10 = "iv3.pm10.daily_mean";
    private static final String FAMILY = "pm10-daily-pl";
    private static final double INFORMATION = 100;
    private static final double ALARM = 150;

    record Expected(AlertState state, int level, Instant windowStart) {
    }

    @TempDir
    static Path dir;

    private EmbeddedKafkaBroker broker;
    private EmbeddedSchemaRegistry registry;
    private HttpSchemaRegistryClient registryClient;
    private KafkaClients clients;
    private PulseSerdes serdes;
    private PulseMetrics metrics;
    private StreamsApplication indicators;
    private AlertingApplication alerting;
    private Map<String, TreeMap<LocalDate, Pm10Days2017Q1.Day>> days;

    @BeforeAll
    void replayTheBundledFile() {
        days = Pm10Days2017Q1.byStation();
        broker = EmbeddedKafkaBroker.builder().dataDir(dir.resolve("kafka")).build().start();
        registry = EmbeddedSchemaRegistry.builder().bootstrapServers(broker.bootstrapServers()).port(0).build().start();
        clients = new KafkaClients(broker.bootstrapServers(), PulseConfig.defaults());
        try (Admin admin = Admin.create(clients.admin("alerting-it-admin"))) {
            TopicProvisioner.ensure(admin, Topics.all(), 1);
        }
        registryClient = new HttpSchemaRegistryClient(registry.url());
        SchemaProvisioner.ensure(registryClient, Topics.all());
        serdes = new PulseSerdes(registryClient);
        metrics = new PulseMetrics("alerting-it");
        indicators = Iv3EnvironmentTopology.application(clients, serdes, IndicatorCatalog.bundled(), Pm10Days2017Q1.WARSAW, metrics,
                dir.resolve("streams"));
        alerting = new AlertingApplication(clients, serdes, metrics, dir.resolve("streams"),
                AlertRules.bundled(IndicatorCatalog.bundled(), AlertRules.Defaults.standard()), MissingDataSpec.none(),
                AlertingTopology.Options.defaults().withMeters(metrics.registry()).withReorderWait(Duration.ofSeconds(20)));
        indicators.start();
        alerting.start();
        try (EventPublisher publisher = new EventPublisher(clients, serdes, metrics, "alerting-it-replay")) {
            new FileReplayer(publisher, IngestContext.from(PulseConfig.defaults(), metrics.registry()))
                    .replay(FeedFormats.discover().get(GiosWideCsvParser.FEED), List.of(BundledData.airQualityCsv()),
                            ReplaySpeed.parse("max"), ProgressListener.NONE);
            publisher.flush();
        }
        int stationDays = days.values().stream().mapToInt(Map::size).sum();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() ->
                readAll(Topics.INDICATORS_IV3).stream().map(ConsumerRecord::key)
                        .filter(k -> k.startsWith(PM10 + "|station:")).distinct().count() >= stationDays);
        // The city stage (a repartition) and the wall-clock finalisation lag behind the station values: the
        // expected episodes are taken over the days the table holds as FINAL once it has stopped changing.
        long[] previous = {-1};
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(5)).until(() -> {
            long size = readAll(Topics.INDICATORS_IV3).size();
            boolean settled = size == previous[0];
            previous[0] = size;
            return settled;
        });
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {alerting, indicators, metrics, registryClient, registry, broker}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
    }

    /** The confirmed walk over one station's FINAL valid days, in day order, from the CSV means. */
    private static List<Expected> expectedWalk(TreeMap<LocalDate, Double> finalValidMeans) {
        List<Expected> out = new ArrayList<>();
        int level = -1;
        for (var e : finalValidMeans.entrySet()) {
            double v = e.getValue();
            int up = v >= ALARM ? 1 : v >= INFORMATION ? 0 : -1;
            int held = level;
            if (held == 1 && v < ALARM - 15) {
                held = 0;
            }
            if (held == 0 && v < INFORMATION - 10) {
                held = -1;
            }
            int next = Math.max(up, held);
            if (next != level) {
                AlertState s = level < 0 ? AlertState.RAISED : next < 0 ? AlertState.CLEARED
                        : next > level ? AlertState.ESCALATED : AlertState.DEESCALATED;
                out.add(new Expected(s, s == AlertState.CLEARED ? level : next,
                        e.getKey().atStartOfDay(Pm10Days2017Q1.WARSAW).toInstant()));
            }
            level = next;
        }
        return out;
    }

    private Map<String, TreeMap<LocalDate, Double>> finalValidMeansByScope() {
        Map<String, IndicatorValue> table = new HashMap<>();
        for (ConsumerRecord<String, SpecificRecord> r : readAll(Topics.INDICATORS_IV3)) {
            table.put(r.key(), (IndicatorValue) r.value());
        }
        Map<String, TreeMap<LocalDate, Double>> out = new TreeMap<>();
        Map<LocalDate, Double> cityMax = new TreeMap<>();
        for (var station : days.entrySet()) {
            String scope = IndicatorKeys.stationScope(station.getKey());
            TreeMap<LocalDate, Double> means = new TreeMap<>();
            for (var d : station.getValue().entrySet()) {
                if (!d.getValue().valid()) {
                    continue;
                }
                cityMax.merge(d.getKey(), d.getValue().mean(), Math::max);
                IndicatorValue v = table.get(IndicatorKeys.key(PM10, scope,
                        d.getKey().atStartOfDay(Pm10Days2017Q1.WARSAW).toInstant(), Pm10Days2017Q1.WARSAW));
                // Which days are FINAL depends on stream time per partition; the table says which are.
                if (v != null && v.getStatus() == IndicatorStatus.FINAL) {
                    means.put(d.getKey(), d.getValue().mean());
                }
            }
            out.put(scope, means);
        }
        TreeMap<LocalDate, Double> city = new TreeMap<>();
        for (var d : cityMax.entrySet()) {
            IndicatorValue v = table.get(IndicatorKeys.key(PM10, Scopes.KRAKOW_CITY, d.getKey().atStartOfDay(Pm10Days2017Q1.WARSAW).toInstant(),
                    Pm10Days2017Q1.WARSAW));
            if (v != null && v.getStatus() == IndicatorStatus.FINAL) {
                city.put(d.getKey(), d.getValue());
            }
        }
        out.put(Scopes.KRAKOW_CITY, city);
        return out;
    }

    private Map<String, List<Alert>> familyAlertsByScope() {
        Map<String, List<Alert>> out = new TreeMap<>();
        for (ConsumerRecord<String, SpecificRecord> r : readAll(Topics.ALERTS)) {
            Alert a = (Alert) r.value();
            if (r.key().equals(PM10 + "|" + a.getScope() + "|" + FAMILY)) {
                out.computeIfAbsent(a.getScope(), s -> new ArrayList<>()).add(a);
            }
        }
        return out;
    }

    private static List<Expected> confirmed(List<Alert> alerts) {
        return alerts == null ? List.of() : alerts.stream().filter(a -> !a.getProvisional())
                .map(a -> new Expected(a.getState(), a.getRuleId().endsWith("alarm") ? 1 : 0, a.getWindowStart())).toList();
    }

    @Test
    void confirmedAlertsAreExactlyTheEpisodesComputedFromTheCsv() {
        Map<String, TreeMap<LocalDate, Double>> means = finalValidMeansByScope();
        Map<String, List<Expected>> expected = new TreeMap<>();
        means.forEach((scope, m) -> expected.put(scope, expectedWalk(m)));
        assertThat(expected.values().stream().mapToLong(l -> l.stream().filter(e -> e.state() == AlertState.RAISED).count()).sum())
                .as("the real winter of 2017 had smog episodes").isGreaterThan(5);
        // Stations and the city: the city value (max over valid stations) is FINAL once every partition has passed the
        // day (the IV.3 watermark), so its alerts follow the same walk over the city maxima.
        List<String> scopes = new ArrayList<>(expected.keySet());
        assertThat(scopes).contains(Scopes.KRAKOW_CITY);
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            Map<String, List<Alert>> actual = familyAlertsByScope();
            for (String scope : scopes) {
                assertThat(confirmed(actual.get(scope))).as(scope).containsExactlyElementsOf(expected.get(scope));
            }
        });
        Map<String, List<Alert>> actual = familyAlertsByScope();
        // One alert id per episode: RAISED opens it, CLEARED closes it, everything between carries the same id.
        for (List<Alert> scopeAlerts : actual.values()) {
            String open = null;
            for (Alert a : scopeAlerts.stream().filter(a -> !a.getProvisional()).toList()) {
                if (a.getState() == AlertState.RAISED) {
                    assertThat(open).as("RAISED while an episode is open").isNull();
                    open = a.getAlertId();
                } else {
                    assertThat(a.getAlertId()).isEqualTo(open);
                    if (a.getState() == AlertState.CLEARED) {
                        open = null;
                    }
                }
            }
        }
        // Every provisional announcement is confirmed (a confirmed record of the same episode) or RETRACTED.
        for (List<Alert> scopeAlerts : actual.values()) {
            for (int i = 0; i < scopeAlerts.size(); i++) {
                Alert a = scopeAlerts.get(i);
                if (a.getProvisional() && a.getState() != AlertState.RETRACTED) {
                    String id = a.getAlertId();
                    boolean resolved = scopeAlerts.subList(i + 1, scopeAlerts.size()).stream()
                            .anyMatch(b -> b.getAlertId().equals(id) && (!b.getProvisional() || b.getState() == AlertState.RETRACTED));
                    boolean lastDayStillOpen = a.getWindowStart().isAfter(Instant.parse("2017-03-29T00:00:00Z"));
                    assertThat(resolved || lastDayStillOpen).as("provisional %s unresolved in %s", a, describe(scopeAlerts)).isTrue();
                }
            }
        }
        printCounts(actual, expected);
        io.micrometer.core.instrument.Timer latency = metrics.registry().find(AlertMetrics.LATENCY).timer();
        assertThat(latency).as("event-to-alert latency recorded").isNotNull();
        StringBuilder sb = new StringBuilder("event-to-alert latency during the replay (not a benchmark): n=" + latency.count());
        for (var p : latency.takeSnapshot().percentileValues()) {
            sb.append(String.format(java.util.Locale.ROOT, " p%.0f=%.0f ms", p.percentile() * 100,
                    p.value(java.util.concurrent.TimeUnit.MILLISECONDS)));
        }
        System.out.println(sb);
    }

    private static String describe(List<Alert> alerts) {
        StringBuilder sb = new StringBuilder();
        for (Alert a : alerts) {
            sb.append("\n  ").append(a.getState()).append(a.getProvisional() ? " (p) " : " ").append(a.getLevel()).append(' ')
                    .append(a.getWindowStart()).append(' ').append(Math.round(a.getValue())).append(' ').append(a.getAlertId(), 0, 8);
        }
        return sb.toString();
    }

    private static void printCounts(Map<String, List<Alert>> actual, Map<String, List<Expected>> expected) {
        StringBuilder sb = new StringBuilder("\n2017 Q1 PM10 alerts (family pm10-daily-pl), confirmed records per scope:\n");
        actual.forEach((scope, list) -> {
            Map<String, Long> counts = new TreeMap<>();
            for (Alert a : list) {
                counts.merge((a.getProvisional() ? "provisional " : "") + a.getState() + " " + a.getLevel(), 1L, Long::sum);
            }
            long informationDays = expected.getOrDefault(scope, List.of()).size();
            sb.append("  ").append(scope).append(": ").append(counts).append(" (expected confirmed transitions ")
                    .append(informationDays).append(")\n");
        });
        System.out.println(sb);
    }

    private List<ConsumerRecord<String, SpecificRecord>> readAll(TopicSpec<? extends SpecificRecord> topic) {
        List<ConsumerRecord<String, SpecificRecord>> out = new ArrayList<>();
        @SuppressWarnings("unchecked")
        org.apache.kafka.common.serialization.Deserializer<SpecificRecord> de =
                (org.apache.kafka.common.serialization.Deserializer<SpecificRecord>) serdes.value(topic).deserializer();
        String clientId = "alerting-it-reader-" + UUID.randomUUID();
        TopicReplica.readToEnd(clientId, clients.consumer(clientId, null), List.of(topic.name()), serdes.key().deserializer(),
                de, out::add, Duration.ofSeconds(30));
        // Per-partition order is what matters for one key; sort by the alert's own change time within a key.
        return out;
    }
}
