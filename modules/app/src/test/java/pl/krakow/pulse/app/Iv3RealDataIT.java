package pl.krakow.pulse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.ingest.ReplayReport;
import pl.krakow.pulse.platform.catalog.IndicatorKeys;
import pl.krakow.pulse.testsupport.data.KrakowPm10Days2017Q1;

/**
 * The vertical slice on real data: the bundled GIOŚ/WIOŚ 2017 Q1 file is replayed through the
 * embedded broker and registry into the IV.3 topology, and every station's every PM10 daily mean
 * on indicators.iv3.v1 equals the value computed independently from the CSV.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Iv3RealDataIT {

    @TempDir
    static Path dataDir;

    PulseRuntime runtime;
    Map<String, TreeMap<LocalDate, KrakowPm10Days2017Q1.Day>> expected;
    ReplayReport replay;

    @BeforeAll
    void replayTheBundledFile() throws Exception {
        expected = KrakowPm10Days2017Q1.pm10Days();
        runtime = PulseRuntime.start(PulseTestRuntime.config(dataDir, true), false);
        replay = runtime.awaitReplay(Duration.ofMinutes(2));
        int stationDays = KrakowPm10Days2017Q1.stationDays(expected);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() ->
                PulseTestRuntime.readTable(runtime).keySet().stream().filter(k -> k.startsWith("iv3.pm10.daily_mean|station:")).count()
                        >= stationDays
                        && allMatch(PulseTestRuntime.readTable(runtime)));
    }

    private boolean allMatch(Map<String, IndicatorValue> table) {
        for (var station : expected.entrySet()) {
            for (var day : station.getValue().entrySet()) {
                IndicatorValue v = table.get(key(station.getKey(), day.getKey()));
                if (v == null || v.getObservedCount() != day.getValue().count()) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String key(String station, LocalDate day) {
        return IndicatorKeys.key("iv3.pm10.daily_mean", IndicatorKeys.stationScope(station),
                day.atStartOfDay(KrakowPm10Days2017Q1.WARSAW).toInstant(), KrakowPm10Days2017Q1.WARSAW);
    }

    @AfterAll
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void theBundledImgwWeatherIsReplayedToTheWeatherTopic() throws Exception {
        // Independent expectation: one observation per non-blank line of the bundled IMGW file (no header).
        long lines;
        try (var in = pl.krakow.pulse.ingest.environment.BundledData.openResource(
                pl.krakow.pulse.ingest.environment.BundledData.WEATHER_CSV)) {
            lines = new String(in.readAllBytes(), java.nio.charset.Charset.forName("windows-1250")).lines()
                    .filter(l -> !l.isBlank()).count();
        }
        assertThat(lines).isEqualTo(744);
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(
                runtime.clients().consumer("it-weather-" + java.util.UUID.randomUUID(), null),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(pl.krakow.pulse.platform.topics.Topics.WEATHER.name()).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())).toList();
            long records = consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum()
                    - consumer.beginningOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
            assertThat(records).isEqualTo(lines);
        }
    }

    @Test
    void replayAcceptsEveryNonEmptyValueOfTheFile() {
        assertThat(replay).isNotNull();
        assertThat(replay.rejected()).isZero();
        assertThat(replay.accepted()).isEqualTo(KrakowPm10Days2017Q1.nonEmptyValueCells());
    }

    @Test
    void everyStationsEveryDailyMeanEqualsThePlainJavaComputation() {
        Map<String, IndicatorValue> table = PulseTestRuntime.readTable(runtime);
        int checked = 0;
        for (var station : expected.entrySet()) {
            for (var day : station.getValue().entrySet()) {
                IndicatorValue v = table.get(key(station.getKey(), day.getKey()));
                assertThat(v).as(station.getKey() + " " + day.getKey()).isNotNull();
                KrakowPm10Days2017Q1.Day d = day.getValue();
                int expectedHours = (int) Duration.between(day.getKey().atStartOfDay(KrakowPm10Days2017Q1.WARSAW),
                        day.getKey().plusDays(1).atStartOfDay(KrakowPm10Days2017Q1.WARSAW)).toHours();
                assertThat(v.getValue()).as(station.getKey() + " " + day.getKey()).isCloseTo(d.mean(), within(1e-9));
                assertThat(v.getObservedCount()).isEqualTo(d.count());
                assertThat(v.getExpectedCount()).isEqualTo(expectedHours);
                assertThat(v.getValid()).as("valid iff >= 18 hours: " + station.getKey() + " " + day.getKey())
                        .isEqualTo(d.count() >= 18);
                assertThat(v.getUnit()).isEqualTo("µg/m³");
                assertThat(v.getGoal()).isEqualTo("IV.3");
                checked++;
            }
        }
        // 6 reporting stations (Swoszowice sent nothing); 1 Jan .. 31 Mar plus the first local hour of 1 April
        // (the last row ends at 2017-03-31T23:00Z = 01:00 CEST).
        assertThat(expected).hasSize(6);
        assertThat(checked).isEqualTo(KrakowPm10Days2017Q1.stationDays(expected)).isBetween(6 * 90, 6 * 91);
    }

    @Test
    void daysWhoseGraceHasPassedAreFinal() {
        Map<String, IndicatorValue> table = PulseTestRuntime.readTable(runtime);
        Duration grace = Duration.ofHours(3);
        // Stream time is per partition and at least the station's own newest event time; it never exceeds the
        // file's last hour (2017-03-31T23:00Z = 01:00 CEST on 1 April), before which 31 March's grace cannot pass.
        for (var station : expected.entrySet()) {
            java.time.Instant lastEvent = KrakowPm10Days2017Q1.lastPm10EventTime(station.getKey());
            for (LocalDate day : station.getValue().keySet()) {
                IndicatorValue v = table.get(key(station.getKey(), day));
                java.time.Instant closes = day.plusDays(1).atStartOfDay(KrakowPm10Days2017Q1.WARSAW).toInstant().plus(grace);
                if (!closes.isAfter(lastEvent)) {
                    assertThat(v.getStatus()).as(station.getKey() + " " + day).isEqualTo(IndicatorStatus.FINAL);
                    assertThat(v.getRevision()).isEqualTo(1);
                }
                if (!day.isBefore(LocalDate.of(2017, 3, 31))) {
                    assertThat(v.getStatus()).as(station.getKey() + " " + day).isEqualTo(IndicatorStatus.PROVISIONAL);
                    assertThat(v.getRevision()).isZero();
                }
            }
        }
        Map<IndicatorStatus, Long> byStatus = table.entrySet().stream()
                .filter(e -> e.getKey().startsWith("iv3.pm10.daily_mean|station:"))
                .map(Map.Entry::getValue)
                .collect(Collectors.groupingBy(IndicatorValue::getStatus, Collectors.counting()));
        assertThat(byStatus.get(IndicatorStatus.FINAL)).isBetween(6L * 85, 6L * 89);
    }
}
