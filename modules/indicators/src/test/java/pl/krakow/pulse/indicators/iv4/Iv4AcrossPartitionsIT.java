package pl.krakow.pulse.indicators.iv4;

import pl.krakow.pulse.runtime.streams.TopologyOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.events.mobility.BikeStationStatus;
import pl.krakow.pulse.runtime.streams.StreamsApplication;
import pl.krakow.pulse.indicators.Iv3EnvironmentTopology;
import pl.krakow.pulse.ingest.EventSink;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReplayInput;
import pl.krakow.pulse.ingest.mobility.MobilityBundledData;
import pl.krakow.pulse.ingest.mobility.MobilityFeeds;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.catalog.IndicatorKeys;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.testsupport.kafka.EmbeddedPlatform;
import pl.krakow.pulse.testsupport.kafka.IndicatorTable;

/**
 * IV.4 when its input partitions progress at very different speeds, on the real embedded broker with the production
 * {@code indicators-iv4} application ({@link Iv4MobilityTopology#application}, exactly-once): the bundled real Oslo
 * GBFS station_status recordings (18 snapshots, 2024-11-20 06:03–11:41 UTC, 259 stations each), parsed by
 * ingest-mobility, on {@code mobility.bike-stations.v1} with 2 partitions — the stations split between them by
 * explicit partition (sorted station ids, alternately), so every 15-minute window needs both (the production key is
 * the system id, so there it is several feeds that spread over partitions; the one task and its watermark are the
 * same). <b>Partition 0's
 * stations, all 18 snapshots, go first</b> and are processed (it runs 5½ hours ahead of partition 1), then
 * partition 1's in bursts. All of them are repartitioned into the one IV.4 task.
 *
 * <p>Nothing may be closed early by the fast partition: {@code pulse.indicators.iv4.late} stays 0, every window's
 * value is the share of the snapshot's stations with a bike and a free dock computed in plain Java over the JSON
 * files, each window has at most one FINAL record, and a window is FINAL exactly where the watermark — the smaller
 * of the two partitions' latest snapshot times — has passed its end + grace. Before the watermark (issue 13) the
 * task closed windows at the largest event time it had seen, i.e. at partition 0's, and dropped partition 1's
 * stations as late.
 */
class Iv4AcrossPartitionsIT {

    private static final ZoneId WARSAW = ZoneId.of("Europe/Warsaw");
    private static final int PARTITIONS = 2;
    private static final String SCOPE = "system:" + MobilityBundledData.OSLO_SYSTEM;
    private static final long WINDOW_MS = Duration.ofMinutes(15).toMillis();
    /**
     * Longer than the test runs: no partition turns idle, so the watermark is exactly the smaller of the partitions'
     * latest snapshot times and the test can say which windows it has passed (an idle partition would be left out).
     */
    private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);
    /** The parser's clock (ingestedAt, the plausibility check of snapshot times): after the recordings. */
    private static final Instant PARSED_AT = Instant.parse("2026-11-01T00:00:00Z");

    /** The plain-Java value of one window: its snapshot's available and total stations. */
    record Availability(int available, int total) {
        double percent() {
            return 100.0 * available / total;
        }
    }

    @TempDir
    Path dir;

    private EmbeddedPlatform platform;
    private KafkaClients clients;
    private PulseSerdes serdes;
    private PulseMetrics metrics;
    private StreamsApplication app;

    @BeforeEach
    void startBroker() {
        platform = EmbeddedPlatform.start(dir, "iv4-partitions-it");
        clients = platform.clients();
        serdes = platform.serdes();
        metrics = platform.metrics();
    }

    @AfterEach
    void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void everyBikeWindowEqualsTheSnapshotsAndNoneIsClosedByTheFastPartition() throws Exception {
        long started = System.nanoTime();
        platform.provision(PARTITIONS);
        List<ParseOutcome.Accepted<BikeStationStatus>> statuses = parseOslo();
        List<String> stations = new ArrayList<>(new TreeSet<>(statuses.stream().map(a -> a.value().getStationId()).toList()));
        Map<String, Integer> partitionOf = new HashMap<>();
        for (int i = 0; i < stations.size(); i++) {
            partitionOf.put(stations.get(i), i % PARTITIONS);
        }
        Map<Integer, List<ParseOutcome.Accepted<BikeStationStatus>>> byPartition = new TreeMap<>();
        statuses.forEach(a -> byPartition.computeIfAbsent(partitionOf.get(a.value().getStationId()), p -> new ArrayList<>()).add(a));

        Map<String, Availability> expected = expectedFromTheJson();
        assertThat(expected).hasSize(18); // one snapshot per window
        long watermarkMs = byPartition.values().stream()
                .mapToLong(list -> list.get(list.size() - 1).eventTime().toEpochMilli()).min().orElseThrow();
        long graceMs = IndicatorCatalog.bundled().indicator(BikeAvailabilityProcessor.AVAILABILITY).orElseThrow()
                .graceDuration().toMillis();
        List<String> passed = expected.keySet().stream()
                .filter(k -> windowStart(k).toEpochMilli() + WINDOW_MS + graceMs <= watermarkMs).toList();
        Map<String, Integer> firstShare = new TreeMap<>();
        byPartition.get(0).forEach(a -> firstShare.merge(key(windowStart(a.eventTime())), 1, Integer::sum));

        var options = TopologyOptions.defaults().withMeters(metrics.registry()).withClock(Clock.systemUTC())
                .withIdleTimeout(IDLE_TIMEOUT).withPunctuationInterval(Duration.ofMillis(200));
        app = platform.track(Iv4MobilityTopology.application(clients, serdes, IndicatorCatalog.bundled(), WARSAW, metrics, dir.resolve("state"),
                options));
        assertThat(app.applicationId()).endsWith("indicators-iv4");
        app.start();
        await().atMost(Duration.ofSeconds(60)).until(app::isRunning);

        Table table = new Table();
        try (table; KafkaProducer<String, BikeStationStatus> producer = new KafkaProducer<>(
                clients.producer("iv4-partitions-it-producer"), serdes.key().serializer(),
                serdes.value(Topics.BIKE_STATIONS).serializer())) {
            // Partition 0 first, all 18 snapshots of its stations, and wait until the table shows them all: the one
            // IV.4 task has seen 11:41 before partition 1 has sent its 06:03 snapshot.
            byPartition.get(0).forEach(a -> send(producer, a, 0));
            producer.flush();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                    .untilAsserted(() -> assertThat(table.poll().latestObserved()).isEqualTo(firstShare));

            // Then partition 1 in bursts of 1..300 station statuses.
            Random random = new Random(20241120L);
            List<ParseOutcome.Accepted<BikeStationStatus>> rest = byPartition.get(1);
            for (int from = 0; from < rest.size(); ) {
                int to = Math.min(rest.size(), from + 1 + random.nextInt(300));
                rest.subList(from, to).forEach(a -> send(producer, a, 1));
                producer.flush();
                from = to;
            }

            // Caught up: the last window (partition 1's last statuses, never closed here) holds every station, and
            // the windows the watermark has passed are FINAL. What they hold is asserted below.
            String last = key(windowStart(statuses.get(statuses.size() - 1).eventTime()));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
                table.poll();
                assertThat(table.latestObserved().get(last)).isEqualTo(expected.get(last).total());
                assertThat(table.finalsPerKey().keySet()).containsAll(passed);
            });
            // Anything after the last FINAL is read once the application consumed all its input.
            platform.awaitInputConsumed(Duration.ofSeconds(60));
            table.readToEnd();
        }

        Map<String, IndicatorValue> latest = table.latest();
        List<String> mismatches = new ArrayList<>();
        expected.forEach((k, want) -> {
            IndicatorValue v = latest.get(k);
            IndicatorStatus status = passed.contains(k) ? IndicatorStatus.FINAL : IndicatorStatus.PROVISIONAL;
            if (v == null || v.getStatus() != status || v.getRevision() != (status == IndicatorStatus.FINAL ? 1 : 0)
                    || v.getObservedCount() != want.total() || Math.abs(v.getValue() - want.percent()) > 1e-9) {
                mismatches.add(k + ": want " + want.percent() + " % of " + want.total() + " " + status + ", got "
                        + (v == null ? "nothing" : v.getValue() + " % of " + v.getObservedCount() + " " + v.getStatus()
                        + " rev " + v.getRevision()));
            }
        });
        double late = metrics.registry().find("pulse.indicators.iv4.late").counters().stream().mapToDouble(Counter::count).sum();
        assertSoftly(softly -> {
            softly.assertThat(late).as("pulse.indicators.iv4.late").isZero();
            softly.assertThat(mismatches).as("windows that differ from the snapshots").isEmpty();
            softly.assertThat(latest.keySet()).as("no window beyond the snapshots' (and only Oslo's)").isEqualTo(expected.keySet());
            softly.assertThat(table.finalsPerKey().values()).as("FINAL records per window").containsOnly(1);
            softly.assertThat(passed).as("windows the watermark passes").hasSize(17); // 11:30 UTC waits for 11:50
        });
        System.out.printf(Locale.ROOT, "IV.4 across %d partitions: %d station statuses of %d stations (partition 0: %d first, "
                        + "partition 1: %d in bursts), %d windows, %d FINAL (watermark %s), %d table records, 0 late, %.1f s%n",
                PARTITIONS, statuses.size(), stations.size(), byPartition.get(0).size(), byPartition.get(1).size(),
                expected.size(), passed.size(), Instant.ofEpochMilli(watermarkMs), table.records.size(),
                (System.nanoTime() - started) / 1e9);
    }

    private static void send(KafkaProducer<String, BikeStationStatus> producer, ParseOutcome.Accepted<BikeStationStatus> a,
                             int partition) {
        producer.send(new ProducerRecord<>(Topics.BIKE_STATIONS.name(), partition, a.key(), a.value()));
    }

    /** The recordings through ingest-mobility's GBFS parser, one session (station list first), in snapshot order. */
    @SuppressWarnings("unchecked")
    private static List<ParseOutcome.Accepted<BikeStationStatus>> parseOslo() throws Exception {
        IngestContext context = IngestContext.defaults(Clock.fixed(PARSED_AT, ZoneOffset.UTC));
        FeedParser parser = new MobilityFeeds(PulseConfig.defaults(), new NoSink(), context).gbfsParser(MobilityBundledData.OSLO_SYSTEM);
        List<ParseOutcome.Accepted<BikeStationStatus>> out = new ArrayList<>();
        for (ReplayInput in : MobilityBundledData.osloGbfs()) {
            try (Stream<ParseOutcome> s = parser.parse(in.open(), in.name())) {
                s.forEach(o -> {
                    if (o instanceof ParseOutcome.Accepted<?> a && a.topic().name().equals(Topics.BIKE_STATIONS.name())) {
                        out.add((ParseOutcome.Accepted<BikeStationStatus>) a);
                    }
                });
            }
        }
        out.sort(Comparator.comparing(ParseOutcome.Accepted::eventTime));
        return out;
    }

    /**
     * Per window, from the JSON files alone: a station is available when installed, renting, returning, with at
     * least one bike and one free dock (INDICATORS.md); a window holds one snapshot.
     */
    private static Map<String, Availability> expectedFromTheJson() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, Availability> out = new TreeMap<>();
        for (String file : MobilityBundledData.osloStatusFiles()) {
            JsonNode root;
            try (InputStream in = MobilityBundledData.open(MobilityBundledData.GBFS_OSLO_DIR + file)) {
                root = json.readTree(in);
            }
            int total = 0;
            int ok = 0;
            for (JsonNode s : root.path("data").path("stations")) {
                total++;
                if (s.path("is_installed").asBoolean() && s.path("is_renting").asBoolean() && s.path("is_returning").asBoolean()
                        && s.path("num_bikes_available").asInt() >= 1 && s.path("num_docks_available").asInt() >= 1) {
                    ok++;
                }
            }
            Availability previous = out.put(key(windowStart(Instant.ofEpochSecond(root.path("last_updated").asLong()))),
                    new Availability(ok, total));
            assertThat(previous).as("two snapshots in one window: %s", file).isNull();
        }
        return out;
    }

    private static Instant windowStart(Instant t) {
        return Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), WINDOW_MS) * WINDOW_MS);
    }

    private static Instant windowStart(String key) {
        return OffsetDateTime.parse(key.substring(key.lastIndexOf('|') + 1)).toInstant();
    }

    private static String key(Instant windowStart) {
        return IndicatorKeys.key(BikeAvailabilityProcessor.AVAILABILITY, SCOPE, windowStart, WARSAW);
    }

    /** Everything written to {@code indicators.iv4.v1} (read committed), in order. */
    private final class Table extends IndicatorTable {

        Table() {
            super(platform, Topics.INDICATORS_IV4);
        }

        @Override
        public Table poll() {
            super.poll();
            return this;
        }

        /** Per window, the stations behind its latest value. */
        Map<String, Integer> latestObserved() {
            Map<String, Integer> out = new TreeMap<>();
            latest().forEach((k, v) -> out.put(k, v.getObservedCount()));
            return out;
        }
    }

    /** {@link MobilityFeeds} wants a sink for the replays it runs itself; the GBFS parser taken from it hands nothing to it. */
    private static final class NoSink implements EventSink {
        @Override
        public void accept(ParseOutcome.Accepted<?> event) {
        }

        @Override
        public void reject(ParseOutcome.Rejected rejection) {
        }

        @Override
        public void flush() {
        }
    }
}
