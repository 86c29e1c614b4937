package pl.krakow.pulse.indicators.iv5;

import pl.krakow.pulse.runtime.streams.TopologyOptions;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
        TopologyOptions options = TopologyOptions.defaults().withMeters(meters)
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

    /** Local day and category of one incident, read from a file apart from the topology under test. */
    record DayCategory(String area, LocalDate day, IncidentCategory category) {
    }

    /**
     * Every rolling-30-day count the table must hold, in plain Java: for each area and each day on which the area
     * has an incident (the days the area's rolling window is published for), the area's count over the 30 days
     * ending that day, and the count of every category with at least one incident in those 30 days.
     */
    static Map<String, Integer> expectedRolling30(List<DayCategory> incidents) {
        Map<String, Map<LocalDate, Map<IncidentCategory, Integer>>> byArea = new TreeMap<>();
        for (DayCategory i : incidents) {
            byArea.computeIfAbsent(i.area(), a -> new TreeMap<>()).computeIfAbsent(i.day(), d -> new EnumMap<>(IncidentCategory.class))
                    .merge(i.category(), 1, Integer::sum);
        }
        Map<String, Integer> out = new TreeMap<>();
        byArea.forEach((area, days) -> {
            for (LocalDate end : days.keySet()) {
                LocalDate start = end.minusDays(29);
                Instant startInstant = start.atStartOfDay(WARSAW).toInstant();
                Map<IncidentCategory, Integer> perCategory = new EnumMap<>(IncidentCategory.class);
                for (LocalDate d = start; !d.isAfter(end); d = d.plusDays(1)) {
                    days.getOrDefault(d, Map.of()).forEach((c, n) -> perCategory.merge(c, n, Integer::sum));
                }
                out.put("iv5.incidents.count_30d|" + area + "|" + startInstant,
                        perCategory.values().stream().mapToInt(Integer::intValue).sum());
                perCategory.forEach((c, n) -> out.put("iv5.incidents.count_30d|" + area + "/"
                        + c.name().toLowerCase(Locale.ROOT) + "|" + startInstant, n));
            }
        });
        return out;
    }

    /** The published rolling-30-day counts (latest value per key). */
    static Map<String, Integer> publishedRolling30(Map<String, IndicatorValue> latest) {
        Map<String, Integer> out = new TreeMap<>();
        latest.forEach((k, v) -> {
            if (k.startsWith("iv5.incidents.count_30d|")) {
                out.put(k, v.getValue().intValue());
            }
        });
        return out;
    }

    static void assertRollingWindows(Map<String, Integer> expected, Map<String, Integer> published, String what) {
        long categoryWindows = expected.keySet().stream().filter(k -> k.contains("/")).count();
        long categoryPublished = expected.keySet().stream().filter(k -> k.contains("/") && published.containsKey(k)).count();
        System.out.printf("%s: %d rolling-30-day windows expected (%d per category), %d of the category windows published%n",
                what, expected.size(), categoryWindows, categoryPublished);
        Map<String, Integer> missing = new TreeMap<>(expected);
        missing.keySet().removeAll(published.keySet());
        Map<String, String> wrong = new TreeMap<>();
        expected.forEach((k, n) -> {
            if (published.containsKey(k) && !published.get(k).equals(n)) {
                wrong.put(k, published.get(k) + " instead of " + n);
            }
        });
        Set<String> unexpected = new TreeSet<>(published.keySet());
        unexpected.removeAll(expected.keySet());
        assertThat(missing).as("%s: windows not published", what).isEmpty();
        assertThat(wrong).as("%s: windows with a wrong count", what).isEmpty();
        assertThat(unexpected).as("%s: windows published that the data do not have", what).isEmpty();
    }
}
