package pl.krakow.pulse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.transit.realtime.GtfsRealtime.FeedEntity;
import com.google.transit.realtime.GtfsRealtime.FeedMessage;
import com.google.transit.realtime.GtfsRealtime.TripUpdate;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.ingest.ReplayReport;
import pl.krakow.pulse.ingest.mobility.MobilityBundledData;
import pl.krakow.pulse.platform.catalog.IndicatorKeys;
import pl.krakow.pulse.platform.catalog.Scopes;
import pl.krakow.pulse.runtime.RuntimeConfig;
import pl.krakow.pulse.publish.PublishConfig;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.ingest.environment.EnvironmentIngestConfig;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.testsupport.kafka.TopicReader;

/**
 * The mobility slice end to end, exactly as {@code pulse run} starts it: the embedded broker and registry,
 * the bundled Kraków static GTFS → reference topics, the bundled Kraków VehiclePositions, Poznań TripUpdates and
 * Oslo GBFS replayed through ingest-mobility into their topics, and the IV.4 application's table
 * {@code indicators.iv4.v1}, compared with values computed here from the raw files.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Iv4MobilityIT {

    private static final ZoneId WARSAW = ZoneId.of("Europe/Warsaw");

    @TempDir
    static Path dataDir;

    PulseRuntime runtime;
    List<ReplayReport> reports;

    @BeforeAll
    void start() throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of(
                PlatformConfig.DATA_DIR.name(), dataDir.toString(),
                RunConfig.EMBEDDED_KAFKA_PORT.name(), "0",
                RunConfig.EMBEDDED_REGISTRY_PORT.name(), "0",
                PublishConfig.HTTP_HOST.name(), "127.0.0.1",
                PublishConfig.HTTP_PORT.name(), "0",
                EnvironmentIngestConfig.PUSH_MQTT_ENABLED.name(), "false",
                RuntimeConfig.PUNCTUATION_INTERVAL.name(), "PT1S",
                RunConfig.REPLAY_ON_START.name(), "true"));
        runtime = PulseRuntime.start(ConfigCatalog.load(null, Map.of(), settings), false);
        reports = runtime.mobility().awaitReplay(Duration.ofMinutes(3));
        // The table converges: PROVISIONAL values of half-processed snapshots come first (punctuation every second).
        Map<Instant, Double> oslo = osloAvailability();
        double[] poznan = poznanOnTime();
        Map<String, Integer> krakow = krakowLastPair();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            Map<String, IndicatorValue> table = read(Topics.INDICATORS_IV4);
            return oslo.entrySet().stream().allMatch(e -> matches(table.get(key("iv4.bike.availability", OSLO, e.getKey())), e.getValue()))
                    && matches(table.get(key("iv4.pt.on_time", POZNAN, poznanDay())), poznan[0])
                    && krakow.entrySet().stream().allMatch(e -> matches(table.get(key("iv4.pt.vehicles_in_service", e.getKey(),
                    LAST_PAIR_MINUTE)), e.getValue()));
        });
    }

    private static final Instant LAST_PAIR_MINUTE = Instant.parse("2024-08-20T17:00:00Z");
    /** The scopes of the two other cities' recordings, spelled out: never Kraków's {@code city:krakow}. */
    private static final String POZNAN = "city:poznan";
    private static final String OSLO = "system:oslo-bysykkel";

    private static boolean matches(IndicatorValue v, double expected) {
        return v != null && v.getValue() != null && Math.abs(v.getValue() - expected) < 1e-9;
    }

    @AfterAll
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    private static String key(String indicator, String scope, Instant window) {
        return IndicatorKeys.key(indicator, scope, window, WARSAW);
    }

    @Test
    void theThreeBundledRecordingsWereReplayedWithoutRejections() {
        assertThat(reports).hasSize(3);
        assertThat(reports).allSatisfy(r -> {
            assertThat(r.rejected()).isZero();
            assertThat(r.accepted()).isPositive();
        });
        assertThat(runtime.indicatorsIv4().isRunning()).isTrue();
        assertThat(runtime.readiness().checks()).containsKey("indicators-iv4");
    }

    @Test
    void krakowStopsAndRoutesAreOnTheReferenceTopics() throws Exception {
        Map<String, ?> stops = read(Topics.REFERENCE_STOPS);
        Map<String, ?> routes = read(Topics.REFERENCE_ROUTES);
        int expectedStops = 0;
        int expectedRoutes = 0;
        for (String id : MobilityBundledData.STATIC_FEED_IDS) {
            var feed = MobilityBundledData.krakowStaticFeed(id);
            expectedStops += feed.stops().size();
            expectedRoutes += feed.routes().size();
        }
        assertThat(stops).hasSize(expectedStops).hasSize(335 + 2_971 + 794); // PROVENANCE.md row counts
        assertThat(routes).hasSize(expectedRoutes).hasSize(23 + 162 + 38);
    }

    @Test
    void osloAvailabilityPerSnapshotEqualsADirectComputation() throws Exception {
        Map<String, IndicatorValue> table = read(Topics.INDICATORS_IV4);
        for (var e : osloAvailability().entrySet()) {
            assertThat(table.get(key("iv4.bike.availability", OSLO, e.getKey())).getValue()).as(e.getKey().toString())
                    .isCloseTo(e.getValue(), within(1e-9));
        }
    }

    @Test
    void poznanOnTimeShareEqualsADirectComputation() throws Exception {
        double[] expected = poznanOnTime();
        IndicatorValue v = read(Topics.INDICATORS_IV4).get(key("iv4.pt.on_time", POZNAN, poznanDay()));
        assertThat(v.getValue()).isCloseTo(expected[0], within(1e-9));
        assertThat(v.getObservedCount()).isEqualTo((int) expected[1]);
        assertThat(v.getGoal()).isEqualTo("IV.4");
    }

    @Test
    void everyValueNamesItsCityOrSystemAndNoOtherCitysValueIsKrakows() throws Exception {
        Map<String, IndicatorValue> table = read(Topics.INDICATORS_IV4);
        assertThat(table.values()).extracting(IndicatorValue::getScope).allMatch(scope -> scope.equals(Scopes.KRAKOW_CITY)
                || scope.startsWith("mode:krakow/") || scope.startsWith("district:") || scope.startsWith("line:krakow-")
                || scope.equals(POZNAN) || scope.startsWith("line:poznan-ztm/") || scope.equals(OSLO), "names its city or system");
        // Kraków's values come from Kraków's vehicles only: no on-time (no Kraków TripUpdates bundled), no bike value
        assertThat(table.values()).filteredOn(v -> v.getScope().equals(Scopes.KRAKOW_CITY))
                .extracting(IndicatorValue::getIndicatorId).containsOnly("iv4.pt.vehicles_in_service");
        // the API says whose they are (once the publish read model has read the table)
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode goal = new ObjectMapper().readTree(java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(runtime.httpUrl() + "/api/v1/goals/IV.4/indicators"))
                            .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body());
            Map<String, String> placeNames = new HashMap<>();
            goal.path("indicators").forEach(i -> i.path("values").forEach(v -> placeNames.put(v.path("scope").asText(),
                    v.path("placeName").asText())));
            assertThat(placeNames).containsEntry(Scopes.KRAKOW_CITY, "Kraków").containsEntry(POZNAN, "Poznań")
                    .containsEntry(OSLO, "Oslo Bysykkel");
        });
    }

    /** {share in %, number of stop delays} straight from the protobuf file. */
    private static double[] poznanOnTime() throws Exception {
        FeedMessage m;
        try (InputStream in = MobilityBundledData.open(MobilityBundledData.RT_POZNAN_DIR + MobilityBundledData.POZNAN_TRIP_UPDATES)) {
            m = FeedMessage.parseFrom(in);
        }
        int total = 0;
        int onTime = 0;
        for (FeedEntity e : m.getEntityList()) {
            for (TripUpdate.StopTimeUpdate s : e.getTripUpdate().getStopTimeUpdateList()) {
                Integer d = s.hasDeparture() && s.getDeparture().hasDelay() ? Integer.valueOf(s.getDeparture().getDelay())
                        : s.hasArrival() && s.getArrival().hasDelay() ? Integer.valueOf(s.getArrival().getDelay()) : null;
                if (d != null) {
                    total++;
                    onTime += d >= -60 && d <= 180 ? 1 : 0;
                }
            }
        }
        return new double[]{100.0 * onTime / total, total};
    }

    @Test
    void krakowVehiclesInServiceOfTheLastSnapshotPairEqualADirectDecode() throws Exception {
        Map<String, Integer> expected = krakowLastPair();
        Map<String, IndicatorValue> table = read(Topics.INDICATORS_IV4);
        for (var e : expected.entrySet()) {
            assertThat(table.get(key("iv4.pt.vehicles_in_service", e.getKey(), LAST_PAIR_MINUTE)).getValue()).as(e.getKey())
                    .isEqualTo((double) e.getValue());
        }
        assertThat(expected.get(Scopes.KRAKOW_CITY)).isEqualTo(expected.get("mode:krakow/bus") + expected.get("mode:krakow/tram"))
                .isGreaterThan(200);
    }

    /**
     * 2024-08-20 17:00 UTC: the bus (17:00:21) and tram (17:00:35) snapshots; vehicles whose own timestamp is within
     * the 5 minutes ending at 17:01, per scope city:krakow / mode:krakow/bus / mode:krakow/tram.
     */
    private static Map<String, Integer> krakowLastPair() throws Exception {
        Map<String, Set<String>> ids = new HashMap<>();
        for (String file : List.of("VehiclePositions_A_20240820T170021Z.pb", "VehiclePositions_T_20240820T170035Z.pb")) {
            FeedMessage m;
            try (InputStream in = MobilityBundledData.open(MobilityBundledData.RT_KRAKOW_DIR + file)) {
                m = FeedMessage.parseFrom(in);
            }
            String mode = file.contains("_T_") ? "tram" : "bus";
            for (FeedEntity e : m.getEntityList()) {
                long ms = e.getVehicle().getTimestamp() * 1000;
                if (ms >= LAST_PAIR_MINUTE.toEpochMilli() - 240_000 && ms < LAST_PAIR_MINUTE.toEpochMilli() + 60_000) {
                    String id = mode + ':' + e.getVehicle().getVehicle().getId();
                    ids.computeIfAbsent("mode:krakow/" + mode, k -> new HashSet<>()).add(id);
                    ids.computeIfAbsent(Scopes.KRAKOW_CITY, k -> new HashSet<>()).add(id);
                }
            }
        }
        Map<String, Integer> out = new HashMap<>();
        ids.forEach((scope, set) -> out.put(scope, set.size()));
        return out;
    }

    /** The Poznań snapshot (2026-01-28 15:03 UTC) lies in the local day starting 2026-01-28 00:00 CET. */
    private static Instant poznanDay() {
        return Instant.parse("2026-01-27T23:00:00Z");
    }

    private static Map<Instant, Double> osloAvailability() throws Exception {
        Map<Instant, Double> out = new HashMap<>();
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
            out.put(Instant.ofEpochSecond(root.path("last_updated").asLong() / 900 * 900), 100.0 * ok / total);
        }
        return out;
    }

    /** A topic as a table: the last value per key, read to the end of every partition. */
    private <V extends SpecificRecord> Map<String, V> read(TopicSpec<V> topic) {
        return TopicReader.latestPerKey(runtime.clients(), runtime.serdes(), topic);
    }
}
