package pl.krakow.pulse.indicators.iv5;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.events.common.GeoPoint;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.events.safety.Incident;
import pl.krakow.pulse.events.safety.IncidentCategory;
import pl.krakow.pulse.indicators.Iv3EnvironmentTopology;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.registry.InMemorySchemaRegistryClient;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.Topics;

/** A {@link TopologyTestDriver} over the production {@link Iv5SafetyTopology#build} with the bundled catalog. */
abstract class Iv5TestBase {

    static final ZoneId WARSAW = ZoneId.of("Europe/Warsaw");
    static final Instant WALL = Instant.parse("2026-11-25T12:00:00Z");

    @TempDir
    Path stateDir;

    final PulseSerdes serdes = new PulseSerdes(new InMemorySchemaRegistryClient());
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    TopologyTestDriver driver;
    TestInputTopic<String, Incident> incidents;
    TestOutputTopic<String, IndicatorValue> table;
    private int seq;

    /** Wall-clock settle before finalising; zero in most tests so one flush finalises what is due. */
    Duration settle = Duration.ZERO;

    void start(PopulationTable population) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "pulse-indicators-iv5-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(p)));
        Iv3EnvironmentTopology.Options options = Iv3EnvironmentTopology.Options.defaults().withMeters(meters)
                .withClock(Clock.fixed(WALL, ZoneOffset.UTC));
        Topology topology = Iv5SafetyTopology.build(builder, serdes, IndicatorCatalog.bundled(), WARSAW, population, options, settle).build(p);
        driver = new TopologyTestDriver(topology, p, WALL);
        incidents = driver.createInputTopic(Topics.INCIDENTS.name(), serdes.key().serializer(), serdes.value(Topics.INCIDENTS).serializer());
        table = driver.createOutputTopic(Topics.INDICATORS_IV5.name(), serdes.key().deserializer(),
                serdes.value(Topics.INDICATORS_IV5).deserializer());
    }

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    void pipe(Incident i) {
        incidents.pipeInput(i.getEventId(), i, i.getEventTime());
    }

    /** Lets the wall-clock punctuation emit the dirty windows, and returns what was emitted. */
    List<IndicatorValue> flush() {
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        List<IndicatorValue> out = new ArrayList<>();
        for (TestRecord<String, IndicatorValue> r : table.readRecordsToList()) {
            out.add(r.value());
        }
        return out;
    }

    /** Latest value per table key. */
    static Map<String, IndicatorValue> latest(List<IndicatorValue> values) {
        Map<String, IndicatorValue> m = new LinkedHashMap<>();
        for (IndicatorValue v : values) {
            m.put(v.getIndicatorId() + "|" + v.getScope() + "|" + v.getWindowStart(), v);
        }
        return m;
    }

    Incident incident(String at, IncidentCategory category, int injured, int killed, String scope) {
        Instant t = Instant.parse(at);
        return Incident.newBuilder().setEventId("test:" + (++seq)).setEventTime(t).setFeed("test").setSourceId("test")
                .setSourceRecordId(String.valueOf(seq)).setCategory(category).setInjured(injured).setKilled(killed)
                .setLocation(scope.startsWith("district") ? new GeoPoint(50.06, 19.94) : null)
                .setScope(scope).setReportedAt(t).setIngestedAt(t.plusSeconds(60)).build();
    }
}
