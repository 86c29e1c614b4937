package pl.krakow.pulse.indicators.iv5;

import pl.krakow.pulse.runtime.streams.TopologyOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.events.ingest.RejectedRecord;
import pl.krakow.pulse.runtime.streams.StreamsApplication;
import pl.krakow.pulse.indicators.Iv3EnvironmentTopology;
import pl.krakow.pulse.ingest.EventPublisher;
import pl.krakow.pulse.ingest.FeedFormats;
import pl.krakow.pulse.ingest.FileReplayer;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ProgressListener;
import pl.krakow.pulse.ingest.ReplayReport;
import pl.krakow.pulse.ingest.ReplaySpeed;
import pl.krakow.pulse.ingest.safety.SafetyTestData;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.testsupport.kafka.EmbeddedPlatform;
import pl.krakow.pulse.testsupport.kafka.TableReader;

/**
 * End to end on the real embedded KRaft broker and schema registry: the real city-guard register (plus one
 * malformed line) replayed with {@code cityguard-csv} → {@code safety.incidents.v1} (bad line →
 * {@code ingest.rejected.v1}) → the {@code indicators-iv5} application → {@code indicators.iv5.v1}.
 */
class Iv5ReplayIT {

    private static final ZoneId WARSAW = ZoneId.of("Europe/Warsaw");

    @TempDir
    Path dir;

    private EmbeddedPlatform platform;
    private KafkaClients clients;
    private PulseSerdes serdes;
    private PulseMetrics metrics;
    private StreamsApplication app;

    @BeforeEach
    void startPlatform() {
        platform = EmbeddedPlatform.builder(dir, "iv5-it").schemaRegistry().start()
                .provision(Topics.INCIDENTS, Topics.INDICATORS_IV5, Topics.REJECTED);
        serdes = platform.serdes();
        clients = platform.clients();
        metrics = platform.metrics();
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close(Duration.ofSeconds(30));
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void realRegisterReplayedIntoTheIv5Table() throws Exception {
        List<String> lines = SafetyTestData.lines(SafetyTestData.CITY_GUARD);
        List<String> withBadLine = new ArrayList<>(lines);
        String bad = "2018-05-11 10:00:00,INT-99999/18,opis,HANDEL,RYNEK /,MANDAT,100"; // 7 fields instead of 8
        withBadLine.add(5, bad);
        Path file = Files.writeString(dir.resolve("register.csv"), String.join("\n", withBadLine) + "\n");

        // Independently from the file: reports per local day of registration, and May's report count.
        Map<String, Integer> reportsPerDay = new HashMap<>();
        Set<String> seen = new HashSet<>();
        int mayReports = 0;
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = SafetyTestData.fields(line);
            if (!seen.add(f.get(1)) || f.get(7).compareTo(f.get(0)) < 0) {
                continue;
            }
            reportsPerDay.merge(f.get(0).substring(0, 10), 1, Integer::sum);
            if (f.get(0).startsWith("2018-05")) {
                mayReports++;
            }
        }

        ReplayReport report;
        try (EventPublisher publisher = new EventPublisher(clients, serdes, metrics, "iv5-it-replay")) {
            report = new FileReplayer(publisher, IngestContext.from(PulseConfig.defaults(), metrics.registry()))
                    .replayFiles(FeedFormats.discover().get("cityguard-csv"), List.of(file), ReplaySpeed.MAX, ProgressListener.NONE);
        }
        assertThat(report.accepted()).isEqualTo(reportsPerDay.values().stream().mapToInt(Integer::intValue).sum());

        app = Iv5SafetyTopology.application(clients, serdes, IndicatorCatalog.bundled(), WARSAW, PopulationTable.krakowDefault(),
                metrics, dir.resolve("state"), TopologyOptions.defaults().withMeters(metrics.registry()));
        app.start();

        String mayKey = "iv5.handling.time_month_p50|city:wroclaw|2018-05-01T00:00:00+02:00";
        String day = "2018-05-15";
        String dayKey = "iv5.incidents.count|city:wroclaw|" + day + "T00:00:00+02:00";
        int expectedMay = mayReports;
        Map<String, IndicatorValue> latest;
        List<RejectedRecord> rejected;
        try (TableReader<IndicatorValue> table = new TableReader<>(platform, Topics.INDICATORS_IV5);
             TableReader<RejectedRecord> dlq = new TableReader<>(platform, Topics.REJECTED)) {
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                table.poll();
                dlq.poll();
                assertThat(table.latest()).containsKeys(mayKey, dayKey);
                assertThat(table.latest().get(mayKey).getObservedCount()).isEqualTo(expectedMay);
                assertThat(dlq.records).isNotEmpty();
            });
            latest = table.latest();
            rejected = List.copyOf(dlq.records);
        }
        assertThat(latest.get(dayKey).getValue()).isEqualTo(reportsPerDay.get(day).doubleValue());
        assertThat(latest.get(mayKey).getUnit()).isEqualTo("min");
        assertThat(rejected).anySatisfy(r -> {
            assertThat(r.getFeed()).isEqualTo("cityguard-csv");
            assertThat(r.getReasonCode()).isEqualTo("MALFORMED");
            assertThat(new String(r.getRawPayload().array(), StandardCharsets.UTF_8)).isEqualTo(bad);
        });
        assertThat(app.applicationId()).endsWith("indicators-iv5");
        System.out.printf("IV.5 IT: %d incidents replayed, May handling p50 %.1f min over %d reports, %s on %s%n",
                report.accepted(), latest.get(mayKey).getValue(), mayReports, latest.get(dayKey).getValue(), day);
    }
}
