package pl.krakow.pulse.indicators.iv4;

import pl.krakow.pulse.runtime.streams.TopologyOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.events.common.GeoPoint;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.events.mobility.BikeStationStatus;
import pl.krakow.pulse.events.mobility.StopEvent;
import pl.krakow.pulse.events.mobility.TransportMode;
import pl.krakow.pulse.events.mobility.VehiclePosition;
import pl.krakow.pulse.indicators.Iv3EnvironmentTopology;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.catalog.IndicatorKeys;
import pl.krakow.pulse.platform.catalog.Scopes;
import pl.krakow.pulse.platform.registry.InMemorySchemaRegistryClient;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.Topics;

/** Named edge cases of the IV.4 topology on constructed events (not recordings). */
class Iv4MobilityTopologyTest {

    private static final ZoneId WARSAW = ZoneId.of("Europe/Warsaw");
    /** 2026-10-31 10:00 UTC, a plain Saturday. */
    private static final Instant T0 = Instant.parse("2026-10-31T10:00:00Z");
    private static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");
    private static final double LAT = 50.0617;
    private static final double LON = 19.9373;
    /** One kilometre of latitude on the sphere the processor uses (R = 6371.0088 km). */
    private static final double KM_NORTH = 180 / (Math.PI * 6371.0088);
    /** Kraków's tram feed, as ingest-mobility names it. */
    private static final String KRAKOW_TRAMS = "gtfs-rt:krakow-T";
    private static final String POZNAN = "gtfs-rt:poznan-ztm";
    private static final String KRAKOW = Scopes.KRAKOW_CITY;
    private static final String LINE_52 = Scopes.line("krakow-T", "52");
    /** Poznań, Stary Rynek. */
    private static final double POZNAN_LAT = 52.4083;
    private static final double POZNAN_LON = 16.9335;

    @TempDir
    Path stateDir;

    private final PulseSerdes serdes = new PulseSerdes(new InMemorySchemaRegistryClient());
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, VehiclePosition> positions;
    private TestInputTopic<String, StopEvent> stops;
    private TestInputTopic<String, BikeStationStatus> bikes;
    private TestOutputTopic<String, IndicatorValue> table;
    private final Map<String, IndicatorValue> latest = new HashMap<>();

    @BeforeEach
    void start() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "pulse-indicators-iv4-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(p)));
        Iv4MobilityTopology.build(builder, serdes, IndicatorCatalog.bundled(), WARSAW,
                TopologyOptions.defaults().withMeters(meters).withClock(Clock.fixed(NOW, WARSAW))
                        .withPunctuationInterval(Duration.ofSeconds(1)));
        driver = new TopologyTestDriver(builder.build(p), p, NOW);
        positions = driver.createInputTopic(Topics.VEHICLE_POSITIONS.name(), serdes.key().serializer(),
                serdes.value(Topics.VEHICLE_POSITIONS).serializer());
        stops = driver.createInputTopic(Topics.STOP_EVENTS.name(), serdes.key().serializer(), serdes.value(Topics.STOP_EVENTS).serializer());
        bikes = driver.createInputTopic(Topics.BIKE_STATIONS.name(), serdes.key().serializer(),
                serdes.value(Topics.BIKE_STATIONS).serializer());
        table = driver.createOutputTopic(Topics.INDICATORS_IV4.name(), serdes.key().deserializer(),
                serdes.value(Topics.INDICATORS_IV4).deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void flush() {
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        table.readKeyValuesToList().forEach(kv -> latest.put(kv.key, kv.value));
    }

    private IndicatorValue value(String indicator, String scope, Instant window) {
        return latest.get(IndicatorKeys.key(indicator, scope, window, WARSAW));
    }

    private void position(String vehicle, String trip, double lat, double lon, Instant at, boolean inService) {
        position(KRAKOW_TRAMS, vehicle, trip, "52", TransportMode.TRAM, lat, lon, "I", at, inService);
    }

    private void position(String feed, String vehicle, String trip, String line, TransportMode mode, double lat, double lon,
                          String district, Instant at, boolean inService) {
        VehiclePosition v = VehiclePosition.newBuilder().setEventId(feed + vehicle + at).setEventTime(at).setFeed(feed)
                .setSourceId("test").setVehicleId(vehicle).setTripId(trip).setRouteId("r1").setLineName(line)
                .setMode(mode).setPosition(new GeoPoint(lat, lon)).setFeedTimestamp(at).setDistrict(district)
                .setInService(inService).setIngestedAt(NOW).build();
        positions.pipeInput("test", v, at);
    }

    private void stopEvent(String trip, int seq, Integer delay, Instant at) {
        stopEvent(KRAKOW_TRAMS, trip, "52", seq, delay, at);
    }

    private void stopEvent(String feed, String trip, String line, int seq, Integer delay, Instant at) {
        StopEvent e = StopEvent.newBuilder().setEventId(feed + trip + seq).setEventTime(at).setFeed(feed).setSourceId("test")
                .setTripId(trip).setRouteId("r1").setLineName(line).setStopSequence(seq).setDepartureDelaySeconds(delay)
                .setIngestedAt(NOW).build();
        stops.pipeInput("test", e, at);
    }

    private void bikeStation(String system, String station, int bikesAvailable, String district, Instant at) {
        BikeStationStatus s = BikeStationStatus.newBuilder().setEventId(system + station + at).setEventTime(at)
                .setFeed("gbfs:" + system).setSourceId("test").setStationId(station).setBikesAvailable(bikesAvailable)
                .setDocksAvailable(5).setIsRenting(true).setIsReturning(true).setDistrict(district).setIngestedAt(NOW).build();
        bikes.pipeInput(system, s, at);
    }

    @Test
    void vehicleLeavingServiceDropsOutOfTheCountAtOnce() {
        position("a", "t1", LAT, LON, T0, true);
        position("b", "t2", LAT, LON, T0.plusSeconds(5), true);
        position("b", "t2", LAT, LON, T0.plusSeconds(70), false); // absent from the next snapshot
        position("a", "t1", LAT, LON, T0.plusSeconds(71), true);
        position("a", "t1", LAT, LON, T0.plusSeconds(125), true); // enters minute 2: minute 1 becomes FINAL
        flush();
        assertThat(value(VehiclesProcessor.IN_SERVICE, KRAKOW, T0).getValue()).isEqualTo(2.0);
        IndicatorValue minute1 = value(VehiclesProcessor.IN_SERVICE, KRAKOW, T0.plusSeconds(60));
        assertThat(minute1.getValue()).isEqualTo(1.0);
        assertThat(minute1.getStatus()).isEqualTo(IndicatorStatus.FINAL);
        assertThat(value(VehiclesProcessor.IN_SERVICE, LINE_52, T0.plusSeconds(60)).getValue()).isEqualTo(1.0);
        assertThat(value(VehiclesProcessor.IN_SERVICE, Scopes.mode("krakow", "tram"), T0.plusSeconds(60)).getValue()).isEqualTo(1.0);
    }

    @Test
    void vehicleSilentForFiveMinutesDropsOut() {
        position("a", "t1", LAT, LON, T0, true);
        position("b", "t2", LAT, LON, T0, true);
        for (int s = 60; s <= 6 * 60; s += 60) {
            position("a", "t1", LAT, LON, T0.plusSeconds(s), true); // b never reports again
        }
        flush();
        assertThat(value(VehiclesProcessor.IN_SERVICE, KRAKOW, T0.plusSeconds(3 * 60)).getValue()).isEqualTo(2.0);
        // minute 5 ends at T0+6 min: b, last seen at T0, is older than 5 minutes there
        assertThat(value(VehiclesProcessor.IN_SERVICE, KRAKOW, T0.plusSeconds(5 * 60)).getValue()).isEqualTo(1.0);
    }

    @Test
    void commercialSpeedIsDistanceOverTimeAndJumpsAreDiscarded() {
        position("a", "t1", LAT, LON, T0, true);
        position("a", "t1", LAT + KM_NORTH, LON, T0.plusSeconds(120), true);      // 1 km in 2 min = 30 km/h
        position("a", "t1", LAT + 4 * KM_NORTH, LON, T0.plusSeconds(180), true);  // 3 km in 1 min = 180 km/h: a jump
        position("a", "t1", LAT + 4 * KM_NORTH, LON, T0.plusSeconds(600), true);  // 7-min gap: discarded
        position("b", "t9", LAT, LON, T0.plusSeconds(3600), true);               // next hour closes this one
        flush();
        IndicatorValue speed = value(VehiclesProcessor.SPEED, LINE_52, T0);
        assertThat(speed.getValue()).isCloseTo(30.0, within(1e-6));
        assertThat(speed.getObservedCount()).isEqualTo(1);
        assertThat(speed.getStatus()).isEqualTo(IndicatorStatus.FINAL);
    }

    @Test
    void onTimeWindowIsInclusiveOfMinus60AndPlus180Seconds() {
        stopEvent("t1", 1, -61, T0);
        stopEvent("t1", 2, -60, T0.plusSeconds(1));
        stopEvent("t1", 3, 180, T0.plusSeconds(2));
        stopEvent("t1", 4, 181, T0.plusSeconds(3));
        flush();
        assertThat(value(DelayProcessor.ON_TIME, KRAKOW, T0).getValue()).isEqualTo(50.0);
        assertThat(value(DelayProcessor.ON_TIME, LINE_52, T0).getObservedCount()).isEqualTo(4);
    }

    @Test
    void stopEventAfterItsHourWasFinalIsCountedAsLateNotApplied() {
        stopEvent("t1", 1, 0, T0);
        stopEvent("t2", 1, 0, T0.plus(Duration.ofHours(1)).plus(Duration.ofMinutes(16))); // past the hour's 15-min grace
        stopEvent("t3", 1, 600, T0.plusSeconds(30)); // late for the hour (FINAL already), still in the open day
        flush();
        IndicatorValue hour = value(DelayProcessor.ON_TIME, KRAKOW, T0);
        assertThat(hour.getStatus()).isEqualTo(IndicatorStatus.FINAL);
        assertThat(hour.getValue()).isEqualTo(100.0);
        assertThat(meters.counter("pulse.indicators.iv4.late", "processor", "iv4-delays").count()).isEqualTo(2.0); // city + line
        Instant day = Instant.parse("2026-10-30T23:00:00Z"); // 2026-10-31 00:00 CET (summer time ended on 25 October)
        assertThat(value(DelayProcessor.ON_TIME, KRAKOW, day).getObservedCount()).isEqualTo(3);
    }

    @Test
    void krakowsAndPoznansLineOneAreDifferentSeriesOfTheirOwnCity() {
        stopEvent(KRAKOW_TRAMS, "k1", "1", 1, 0, T0);            // on time
        stopEvent(POZNAN, "p1", "1", 1, 600, T0.plusSeconds(1)); // 10 min late
        stopEvent(POZNAN, "p1", "1", 2, 900, T0.plusSeconds(2));
        position(KRAKOW_TRAMS, "k", "k1", "1", TransportMode.TRAM, LAT, LON, "I", T0.plusSeconds(3), true);
        position(POZNAN, "p", "p1", "1", TransportMode.BUS, POZNAN_LAT, POZNAN_LON, null, T0.plusSeconds(4), true);
        flush();
        assertThat(value(DelayProcessor.ON_TIME, Scopes.line("krakow-T", "1"), T0).getValue()).isEqualTo(100.0);
        assertThat(value(DelayProcessor.ON_TIME, Scopes.line("krakow-T", "1"), T0).getObservedCount()).isEqualTo(1);
        assertThat(value(DelayProcessor.ON_TIME, Scopes.line("poznan-ztm", "1"), T0).getValue()).isEqualTo(0.0);
        assertThat(value(DelayProcessor.ON_TIME, Scopes.line("poznan-ztm", "1"), T0).getObservedCount()).isEqualTo(2);
        assertThat(value(DelayProcessor.ON_TIME, KRAKOW, T0).getObservedCount()).isEqualTo(1);
        assertThat(value(DelayProcessor.ON_TIME, Scopes.city("poznan"), T0).getObservedCount()).isEqualTo(2);
        assertThat(value(VehiclesProcessor.IN_SERVICE, KRAKOW, T0).getValue()).isEqualTo(1.0);
        assertThat(value(VehiclesProcessor.IN_SERVICE, Scopes.city("poznan"), T0).getValue()).isEqualTo(1.0);
        assertThat(value(VehiclesProcessor.IN_SERVICE, Scopes.mode("krakow", "tram"), T0).getValue()).isEqualTo(1.0);
        assertThat(value(VehiclesProcessor.IN_SERVICE, Scopes.mode("poznan", "bus"), T0).getValue()).isEqualTo(1.0);
        assertThat(value(VehiclesProcessor.IN_SERVICE, Scopes.line("poznan-ztm", "1"), T0).getValue()).isEqualTo(1.0);
        // no scope without its city
        assertThat(latest.values()).extracting(IndicatorValue::getScope)
                .allMatch(scope -> scope.startsWith("city:") || scope.startsWith("line:") || scope.startsWith("mode:")
                        || scope.startsWith("district:"));
    }

    @Test
    void aFeedNamingNoKnownCityIsItsOwnSystemAndNeverCountsInKrakowsDistricts() {
        position("gtfs-rt:replay", "x", "t1", "52", TransportMode.BUS, LAT, LON, "I", T0, true);
        flush();
        assertThat(value(VehiclesProcessor.IN_SERVICE, "system:replay", T0).getValue()).isEqualTo(1.0);
        assertThat(value(VehiclesProcessor.IN_SERVICE, Scopes.line("replay", "52"), T0).getValue()).isEqualTo(1.0);
        assertThat(value(VehiclesProcessor.IN_SERVICE, KRAKOW, T0)).isNull();
        assertThat(value(VehiclesProcessor.IN_SERVICE, "district:I", T0)).isNull();
    }

    @Test
    void bikeAvailabilityIsPerSystemAndDistrictsCountOnlyKrakowsSystems() {
        bikeStation("oslo-bysykkel", "o1", 3, null, T0);
        bikeStation("oslo-bysykkel", "o2", 0, null, T0);
        bikeStation("krakow-test", "k1", 2, "XVIII", T0);
        bikeStation("elsewhere", "e1", 2, "XVIII", T0); // a district from a system that is not Kraków's: not counted there
        flush();
        assertThat(value(BikeAvailabilityProcessor.AVAILABILITY, "system:oslo-bysykkel", T0).getValue()).isEqualTo(50.0);
        assertThat(value(BikeAvailabilityProcessor.AVAILABILITY, "system:krakow-test", T0).getValue()).isEqualTo(100.0);
        assertThat(value(BikeAvailabilityProcessor.AVAILABILITY, "district:XVIII", T0).getObservedCount()).isEqualTo(1);
        assertThat(value(BikeAvailabilityProcessor.AVAILABILITY, KRAKOW, T0)).isNull();
    }
}
