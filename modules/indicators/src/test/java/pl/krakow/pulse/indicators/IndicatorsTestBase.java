package pl.krakow.pulse.indicators;

import pl.krakow.pulse.runtime.streams.TopologyOptions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.events.indicators.LateEvent;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.registry.InMemorySchemaRegistryClient;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.testsupport.time.MutableClock;
import pl.krakow.pulse.testsupport.time.TestInstants;

/**
 * Shared fixture of the indicator tests: named instants (written out as UTC literals, never computed by
 * the code under test), measurement factories, and a {@link TopologyTestDriver} over the production
 * {@link Iv3EnvironmentTopology#build} with a {@link SimpleMeterRegistry} and a settable clock.
 */
public abstract class IndicatorsTestBase {

    protected static final ZoneId WARSAW = TestInstants.WARSAW;
    protected static final String PM10_DAILY = "iv3.pm10.daily_mean";
    protected static final String PM25_DAILY = "iv3.pm25.daily_mean";
    protected static final String PM10_STORE = "iv3-pm10-daily-by-station";
    protected static final String KRASINSKIEGO = "MpKrakAlKras";
    protected static final String DIETLA = "MpKrakDietla";
    protected static final String UNIT = "µg/m³";
    protected static final Duration HOUR = Duration.ofHours(1);
    protected static final Duration GRACE = Duration.ofHours(3);

    /** 2017-01-10, a normal 24-hour day in winter (CET, UTC+1): local midnight = 23:00 UTC the day before. */
    protected static final Instant T0 = TestInstants.JAN_10_2017_WARSAW;
    protected static final Instant T0_PLUS_1H = Instant.parse("2017-01-10T00:00:00Z");
    /** End of the day starting at T0 (2017-01-11 00:00 local). */
    protected static final Instant T0_DAY_END = Instant.parse("2017-01-10T23:00:00Z");
    /** The day's end plus its 3-hour grace: stream time reaching this closes the day. */
    protected static final Instant AFTER_GRACE = Instant.parse("2017-01-11T02:00:00Z");
    protected static final String T0_DAY_KEY = PM10_DAILY + "|station:" + KRASINSKIEGO + "|2017-01-10T00:00:00+01:00";

    protected static final Instant DST_SPRING_DAY = TestInstants.DST_SPRING_DAY;
    protected static final Instant DST_SPRING_DAY_END = TestInstants.DST_SPRING_DAY_END;
    protected static final Instant DST_AUTUMN_DAY = TestInstants.DST_AUTUMN_DAY;
    protected static final Instant DST_AUTUMN_DAY_END = TestInstants.DST_AUTUMN_DAY_END;

    /** Ingestion lags the end of the measured hour by this much in the fixtures. */
    protected static final Duration INGEST_LAG = Duration.ofMinutes(20);

    @TempDir
    protected Path stateDir;

    protected final PulseSerdes serdes = new PulseSerdes(new InMemorySchemaRegistryClient());
    protected final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    protected final MutableClock clock = new MutableClock(Instant.parse("2017-01-11T06:00:00Z"));

    protected TopologyTestDriver driver;
    protected TestInputTopic<String, AirQualityMeasurement> measurements;
    protected TestOutputTopic<String, IndicatorValue> table;
    protected TestOutputTopic<String, LateEvent> lateTopic;
    private int eventSeq;

    /** ZERO: a PROVISIONAL value per change (the default); a test may set it before starting the driver. */
    protected Duration emitInterval = Duration.ZERO;
    /** True: PROVISIONAL values on (the default); a test may set it before starting the driver. */
    protected boolean provisional = true;

    protected TopologyOptions options() {
        return TopologyOptions.defaults().withMeters(meters).withClock(clock).withEmitInterval(emitInterval).withProvisional(provisional);
    }

    protected Properties streamsProps() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "pulse-indicators-iv3-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        return p;
    }

    /** The production topology as the application builds it (explicit-naming check on). */
    protected Topology topology(IndicatorCatalog catalog) {
        Properties props = streamsProps();
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
        return Iv3EnvironmentTopology.build(builder, serdes, catalog, WARSAW, options()).build(props);
    }

    /** Starts the driver with {@link #catalogPm10DailyOnly()}: only daily values in the output, as most tests expect. */
    protected void startDriver() {
        startDriver(catalogPm10DailyOnly(), clock.instant());
    }

    protected void startDriver(IndicatorCatalog catalog, Instant initialWallClock) {
        driver = new TopologyTestDriver(topology(catalog), streamsProps(), initialWallClock);
        measurements = driver.createInputTopic(Topics.AIR_QUALITY.name(), serdes.key().serializer(),
                serdes.value(Topics.AIR_QUALITY).serializer());
        table = driver.createOutputTopic(Topics.INDICATORS_IV3.name(), serdes.key().deserializer(),
                serdes.value(Topics.INDICATORS_IV3).deserializer());
        lateTopic = driver.createOutputTopic(Topics.LATE_EVENTS.name(), serdes.key().deserializer(),
                serdes.value(Topics.LATE_EVENTS).deserializer());
    }

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    /** An hourly mean stamped with the END of its hour, ingested {@link #INGEST_LAG} later. */
    protected AirQualityMeasurement hourly(String station, Pollutant pollutant, Instant hourEnd, double valueUgM3) {
        return hourly(station, pollutant, hourEnd, valueUgM3, hourEnd.plus(INGEST_LAG));
    }

    protected AirQualityMeasurement hourly(String station, Pollutant pollutant, Instant hourEnd, double valueUgM3,
                                           Instant ingestedAt) {
        return AirQualityMeasurement.newBuilder()
                .setEventId("test-" + station + "-" + pollutant + "-" + hourEnd + "-" + (eventSeq++))
                .setEventTime(hourEnd)
                .setFeed("test")
                .setSourceId("IndicatorsTestBase")
                .setStationCode(station)
                .setPollutant(pollutant)
                .setConcentrationUgM3(valueUgM3)
                .setAveragingPeriodSeconds(3600)
                .setValidated(false)
                .setIngestedAt(ingestedAt)
                .build();
    }

    /** Pipes a PM10 hourly mean of {@link #KRASINSKIEGO}. */
    protected void pm10(Instant hourEnd, double valueUgM3) {
        pipe(hourly(KRASINSKIEGO, Pollutant.PM10, hourEnd, valueUgM3));
    }

    protected void pipe(AirQualityMeasurement m) {
        // The broker timestamp is deliberately the ingestion time: the topology must use eventTime.
        measurements.pipeInput(m.getStationCode(), m, m.getIngestedAt());
    }

    /** The end of hour {@code index} (0-based) of a day starting at {@code dayStart}, by elapsed hours. */
    protected static Instant hourEnd(Instant dayStart, int index) {
        return dayStart.plus(Duration.ofHours(index + 1L));
    }

    protected double counter(String name, String... tags) {
        Counter c = meters.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    protected static IndicatorCatalog catalogFromYaml(String yaml) {
        try {
            return IndicatorCatalog.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An IV.3 catalog with only the PM10 daily mean implemented. */
    protected static IndicatorCatalog catalogPm10DailyOnly() {
        return catalogFromYaml(GOAL_IV3 + """
                indicators:
                  - id: iv3.pm10.daily_mean
                    goal: IV.3
                    name: {pl: "Średniodobowe stężenie PM10", en: "PM10 24-h mean"}
                    unit: "µg/m³"
                    kind: daily_mean
                    pollutant: PM10
                    scopes: [station]
                    window: P1D
                    grace: PT3H
                    minCoverage: 0.75
                    implemented: true
                """);
    }

    protected static final String GOAL_IV3 = """
            goals:
              - {id: IV.3, strategicGoal: IV, name: {pl: "Zrównoważone środowisko", en: "Sustainable environment"}, topic: indicators.iv3.v1}
            """;

    /** The IV.3 catalog with both PM10 and PM2.5 daily means implemented. */
    protected static IndicatorCatalog catalogWithPm25() {
        return catalogWithPm25(GRACE);
    }

    /** The IV.3 catalog with both PM10 and PM2.5 daily means implemented, both with the given grace. */
    protected static IndicatorCatalog catalogWithPm25(Duration grace) {
        return catalogFromYaml("""
                goals:
                  - {id: IV.3, strategicGoal: IV, name: {pl: "Zrównoważone środowisko", en: "Sustainable environment"}, topic: indicators.iv3.v1}
                indicators:
                  - id: iv3.pm10.daily_mean
                    goal: IV.3
                    name: {pl: "Średniodobowe stężenie PM10", en: "PM10 24-h mean"}
                    unit: "µg/m³"
                    kind: daily_mean
                    pollutant: PM10
                    scopes: [station]
                    window: P1D
                    grace: %1$s
                    minCoverage: 0.75
                    implemented: true
                  - id: iv3.pm25.daily_mean
                    goal: IV.3
                    name: {pl: "Średniodobowe stężenie PM2,5", en: "PM2.5 24-h mean"}
                    unit: "µg/m³"
                    kind: daily_mean
                    pollutant: PM25
                    scopes: [station]
                    window: P1D
                    grace: %1$s
                    minCoverage: 0.75
                    implemented: true
                """.formatted(grace));
    }
}
