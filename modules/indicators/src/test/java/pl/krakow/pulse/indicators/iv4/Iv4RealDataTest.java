package pl.krakow.pulse.indicators.iv4;

import pl.krakow.pulse.runtime.streams.TopologyOptions;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.transit.realtime.GtfsRealtime.FeedEntity;
import com.google.transit.realtime.GtfsRealtime.FeedMessage;
import com.google.transit.realtime.GtfsRealtime.TripUpdate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.indicators.Iv3EnvironmentTopology;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReplayInput;
import pl.krakow.pulse.ingest.mobility.MobilityBundledData;
import pl.krakow.pulse.ingest.mobility.MobilityFeeds;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.catalog.IndicatorKeys;
import pl.krakow.pulse.platform.catalog.Scopes;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.registry.InMemorySchemaRegistryClient;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.ingest.EventSink;

/**
 * The IV.4 topology over the bundled real recordings (parsed by ingest-mobility, piped into the production
 * topology), against expectations computed here from the raw files with the protobuf bindings and Jackson.
 */
class Iv4RealDataTest {

    private static final ZoneId WARSAW = ZoneId.of("Europe/Warsaw");
    private static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");
    private static final Duration PUNCTUATION = Duration.ofSeconds(1);

    @TempDir
    Path stateDir;

    private final PulseSerdes serdes = new PulseSerdes(new InMemorySchemaRegistryClient());
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestOutputTopic<String, IndicatorValue> table;
    private final Map<String, IndicatorValue> latest = new HashMap<>();

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private void startDriver() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "pulse-indicators-iv4-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(p)));
        Iv4MobilityTopology.build(builder, serdes, IndicatorCatalog.bundled(), WARSAW,
                TopologyOptions.defaults().withMeters(meters).withClock(Clock.fixed(NOW, WARSAW))
                        .withPunctuationInterval(PUNCTUATION));
        driver = new TopologyTestDriver(builder.build(p), p, NOW);
        table = driver.createOutputTopic(Topics.INDICATORS_IV4.name(), serdes.key().deserializer(),
                serdes.value(Topics.INDICATORS_IV4).deserializer());
    }

    /** Parses the inputs with one parser session and pipes the accepted events in event-time order. */
    private void replay(FeedParser parser, List<ReplayInput> inputs) throws Exception {
        List<ParseOutcome.Accepted<?>> events = new ArrayList<>();
        for (ReplayInput in : inputs) {
            try (Stream<ParseOutcome> s = parser.parse(in.open(), in.name())) {
                s.forEach(o -> {
                    if (o instanceof ParseOutcome.Accepted<?> a) {
                        events.add(a);
                    }
                });
            }
        }
        events.sort(Comparator.comparing(ParseOutcome.Accepted::eventTime));
        for (ParseOutcome.Accepted<?> a : events) {
            pipe(a);
        }
        driver.advanceWallClockTime(PUNCTUATION.multipliedBy(2));
        table.readKeyValuesToList().forEach(kv -> latest.put(kv.key, kv.value));
    }

    @SuppressWarnings("unchecked")
    private <V extends SpecificRecord> void pipe(ParseOutcome.Accepted<V> a) {
        TopicSpec<V> topic = a.topic();
        driver.createInputTopic(topic.name(), serdes.key().serializer(), serdes.value(topic).serializer())
                .pipeInput(a.key(), a.value(), a.eventTime());
    }

    private MobilityFeeds feeds() {
        return new MobilityFeeds(PulseConfig.defaults(), new NullSink(), IngestContext.defaults(Clock.fixed(NOW, WARSAW))
                .withMeters(meters));
    }

    private Double value(String indicator, String scope, Instant windowStart) {
        IndicatorValue v = latest.get(IndicatorKeys.key(indicator, scope, windowStart, WARSAW));
        return v == null ? null : v.getValue();
    }

    @Test
    void krakowVehiclesInServicePerSnapshotAndModeEqualADirectDecode() throws Exception {
        startDriver();
        replay(feeds().realtimeParser(MobilityBundledData.krakowFeedOfFile()), MobilityBundledData.krakowVehiclePositions());

        // Expected, from the files alone: per header minute M, the distinct vehicles of the snapshots whose own
        // timestamp lies in [M+1min-5min, M+1min) — the catalog's "position in the last 5 min".
        Map<Instant, Map<String, Set<String>>> expected = new HashMap<>();
        for (String file : MobilityBundledData.krakowVehiclePositionFiles()) {
            FeedMessage m;
            try (InputStream in = MobilityBundledData.open(MobilityBundledData.RT_KRAKOW_DIR + file)) {
                m = FeedMessage.parseFrom(in);
            }
            Instant minute = Instant.ofEpochSecond(m.getHeader().getTimestamp() / 60 * 60);
            String mode = file.contains("_T_") ? "tram" : "bus";
            for (FeedEntity e : m.getEntityList()) {
                long ts = e.getVehicle().getTimestamp();
                if (ts * 1000 >= minute.toEpochMilli() + 60_000 - 300_000 && ts * 1000 < minute.toEpochMilli() + 60_000) {
                    String id = mode + ':' + e.getVehicle().getVehicle().getId();
                    expected.computeIfAbsent(minute, k -> new HashMap<>()).computeIfAbsent("city:krakow", k -> new HashSet<>()).add(id);
                    expected.get(minute).computeIfAbsent("mode:krakow/" + mode, k -> new HashSet<>()).add(id);
                }
            }
        }
        assertThat(expected).hasSize(13); // 9 single bus snapshots + 4 minutes with a bus and a tram snapshot
        for (var e : expected.entrySet()) {
            for (var scope : e.getValue().entrySet()) {
                assertThat(value(VehiclesProcessor.IN_SERVICE, scope.getKey(), e.getKey()))
                        .as("%s at %s", scope.getKey(), e.getKey())
                        .isEqualTo((double) scope.getValue().size());
            }
        }
        // 2024-08-20 14:28 UTC: both feeds, as a spot check of the per-mode split
        Instant pair = Instant.parse("2024-08-20T14:28:00Z");
        assertThat(value(VehiclesProcessor.IN_SERVICE, Scopes.KRAKOW_CITY, pair))
                .isEqualTo(value(VehiclesProcessor.IN_SERVICE, "mode:krakow/bus", pair)
                        + value(VehiclesProcessor.IN_SERVICE, "mode:krakow/tram", pair));
        // every value is Kraków's: its scope says so
        assertThat(latest.values()).extracting(IndicatorValue::getScope).allMatch(scope -> scope.equals("city:krakow")
                || scope.startsWith("mode:krakow/") || scope.startsWith("district:") || scope.startsWith("line:krakow-"));
    }

    @Test
    void poznanOnTimeShareAndDelayPercentilesEqualADirectComputation() throws Exception {
        startDriver();
        replay(feeds().realtimeParser(n -> MobilityBundledData.poznanFeed()), List.of(MobilityBundledData.poznanTripUpdates()));

        FeedMessage m;
        try (InputStream in = MobilityBundledData.open(MobilityBundledData.RT_POZNAN_DIR + MobilityBundledData.POZNAN_TRIP_UPDATES)) {
            m = FeedMessage.parseFrom(in);
        }
        List<Integer> delays = new ArrayList<>();
        Set<java.time.LocalDate> days = new HashSet<>();
        for (FeedEntity e : m.getEntityList()) {
            TripUpdate tu = e.getTripUpdate();
            for (TripUpdate.StopTimeUpdate s : tu.getStopTimeUpdateList()) {
                Integer d = s.hasDeparture() && s.getDeparture().hasDelay() ? Integer.valueOf(s.getDeparture().getDelay())
                        : s.hasArrival() && s.getArrival().hasDelay() ? Integer.valueOf(s.getArrival().getDelay()) : null;
                if (d != null) {
                    delays.add(d);
                    days.add(Instant.ofEpochSecond(tu.getTimestamp()).atZone(WARSAW).toLocalDate());
                }
            }
        }
        assertThat(days).hasSize(1);
        Instant day = days.iterator().next().atStartOfDay(WARSAW).toInstant();
        long onTime = delays.stream().filter(d -> d >= -60 && d <= 180).count();
        assertThat(value(DelayProcessor.ON_TIME, Scopes.KRAKOW_CITY, day)).as("Poznań's delays are not Kraków's").isNull();
        assertThat(latest.values()).extracting(IndicatorValue::getScope)
                .allMatch(scope -> scope.equals("city:poznan") || scope.startsWith("line:poznan-ztm/"));
        assertThat(value(DelayProcessor.ON_TIME, "city:poznan", day)).isCloseTo(100.0 * onTime / delays.size(),
                org.assertj.core.data.Offset.offset(1e-9));
        List<Integer> sorted = delays.stream().sorted().toList();
        // A sketch, not an exact order statistic: the estimate's rank among the real delays must be q ± 2 %.
        for (double q : new double[]{0.5, 0.9}) {
            double estimate = value(q == 0.5 ? DelayProcessor.DELAY_P50 : DelayProcessor.DELAY_P90, "city:poznan", day);
            double below = sorted.stream().filter(d -> d < estimate).count() / (double) sorted.size();
            double atOrBelow = sorted.stream().filter(d -> d <= estimate).count() / (double) sorted.size();
            assertThat(q).as("p%d = %s over %d delays: rank [%s, %s]", (int) (q * 100), estimate, sorted.size(), below, atOrBelow)
                    .isBetween(below - 0.02, atOrBelow + 0.02);
        }
    }

    @Test
    void osloBikeAvailabilityPerSnapshotEqualsADirectComputation() throws Exception {
        startDriver();
        replay(feeds().gbfsParser(MobilityBundledData.OSLO_SYSTEM), MobilityBundledData.osloGbfs());
        ObjectMapper json = new ObjectMapper();
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
            long updated = root.path("last_updated").asLong();
            Instant window = Instant.ofEpochSecond(updated / 900 * 900);
            assertThat(value(BikeAvailabilityProcessor.AVAILABILITY, "system:oslo-bysykkel", window)).as(file)
                    .isEqualTo(100.0 * ok / total);
        }
        assertThat(latest.values()).extracting(IndicatorValue::getScope).containsOnly("system:oslo-bysykkel");
    }

    /** Reference records of the static feeds are not what these tests look at. */
    private static final class NullSink implements EventSink {
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
