package pl.krakow.pulse.indicators;

import pl.krakow.pulse.runtime.streams.StreamsApplication;
import pl.krakow.pulse.runtime.streams.TopologyOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.indicators.city.CityAggregateProcessor;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.catalog.IndicatorKeys;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.testsupport.kafka.EmbeddedPlatform;
import pl.krakow.pulse.testsupport.kafka.IndicatorTable;
import pl.krakow.pulse.testsupport.kafka.TableReader;
import pl.krakow.pulse.testsupport.data.KrakowPmHourly2017Q1;

/**
 * City values when the input partitions progress at very different speeds, on the real embedded broker with the
 * production {@link StreamsApplication} (exactly-once): the real GIOŚ/WIOŚ Kraków 2017-Q1 hourly PM10/PM2.5
 * file, stations spread over 2 or 6 partitions by explicit partition, <b>partition 0's whole quarter first</b> (it
 * runs ~90 days ahead of the others), then the other partitions in bursts of random length; one station silent for
 * a week. Every city value of every day — PM10 and PM2.5 daily mean (max over valid stations) and data completeness
 * (mean over reporting stations): value, observed and expected stations, validity, FINAL revision 1 — must equal
 * a plain-Java computation over the same readings, no city value may be revised, and the late counters stay 0.
 * The quarter's last days close by the idle release once the input stops (short idle timeout here).
 */
class CityValuesAcrossPartitionsIT {

    private static final ZoneId WARSAW = ZoneId.of("Europe/Warsaw");
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(40);
    /** The station that is silent for a week, and the week. */
    private static final String SILENT = "MpKrakDietla";
    private static final LocalDate SILENT_FROM = LocalDate.of(2017, 2, 6);
    private static final LocalDate SILENT_TO = LocalDate.of(2017, 2, 12);

    record Reading(Pollutant pollutant, String station, Instant hourEnd, double valueUgM3) {
        LocalDate day() {
            return hourEnd.minus(Duration.ofHours(1)).atZone(WARSAW).toLocalDate();
        }
    }

    /** The independent expectation of one city value. */
    record City(Double value, int observed, int expected, boolean valid) {
    }

    @TempDir
    Path dir;

    private EmbeddedPlatform platform;
    private KafkaClients clients;
    private PulseSerdes serdes;
    private PulseMetrics metrics;

    @BeforeEach
    void startBroker() {
        platform = EmbeddedPlatform.start(dir, "city-partitions-it");
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

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {2, 6})
    void everyCityValueOfTheQuarterMatchesPlainJavaWhenPartitionsProgressAtDifferentSpeeds(int partitions)
            throws Exception {
        platform.provision(partitions);
        List<Reading> readings = read().stream()
                .filter(r -> !(r.station().equals(SILENT) && !r.day().isBefore(SILENT_FROM) && !r.day().isAfter(SILENT_TO)))
                .sorted(java.util.Comparator.comparing(Reading::hourEnd))
                .toList();
        List<String> stations = readings.stream().map(Reading::station).distinct().sorted().toList();
        Map<String, Integer> partitionOf = new HashMap<>();
        for (int i = 0; i < stations.size(); i++) {
            partitionOf.put(stations.get(i), i % partitions);
        }

        var options = TopologyOptions.defaults().withMeters(metrics.registry()).withClock(Clock.systemUTC())
                .withIdleTimeout(IDLE_TIMEOUT).withPunctuationInterval(Duration.ofSeconds(1))
                .withEmitInterval(Duration.ofMillis(50));
        StreamsApplication app = platform.track(Iv3EnvironmentTopology.application(clients, serdes, IndicatorCatalog.bundled(), WARSAW,
                metrics, dir.resolve("state"), options));
        app.start();
        await().atMost(Duration.ofSeconds(60)).until(app::isRunning);

        try (KafkaProducer<String, AirQualityMeasurement> producer = new KafkaProducer<>(
                clients.producer("city-it-producer"), new StringSerializer(), serdes.value(Topics.AIR_QUALITY).serializer())) {
            // Partition 0 first, the whole quarter: its stage-1 task runs ~90 days ahead of the others.
            readings.stream().filter(r -> partitionOf.get(r.station()) == 0)
                    .forEach(r -> send(producer, r, 0));
            producer.flush();
            // The others in bursts of 1..400 readings, the partition of each burst drawn at random.
            Map<Integer, List<Reading>> rest = new TreeMap<>();
            readings.stream().filter(r -> partitionOf.get(r.station()) != 0)
                    .forEach(r -> rest.computeIfAbsent(partitionOf.get(r.station()), p -> new ArrayList<>()).add(r));
            Map<Integer, Integer> next = new HashMap<>();
            Random random = new Random(20170101L + partitions);
            List<Integer> open = new ArrayList<>(rest.keySet());
            while (!open.isEmpty()) {
                int p = open.get(random.nextInt(open.size()));
                List<Reading> list = rest.get(p);
                int from = next.getOrDefault(p, 0);
                int to = Math.min(list.size(), from + 1 + random.nextInt(400));
                for (int i = from; i < to; i++) {
                    send(producer, list.get(i), p);
                }
                next.put(p, to);
                if (to == list.size()) {
                    open.remove(Integer.valueOf(p));
                }
            }
            producer.flush();
        }

        Map<String, City> expected = new TreeMap<>();
        expected.putAll(cityMax(readings, Pollutant.PM10, "iv3.pm10.daily_mean"));
        expected.putAll(cityMax(readings, Pollutant.PM25, "iv3.pm25.daily_mean"));
        expected.putAll(cityCompleteness(readings));
        assertThat(expected.keySet().stream().filter(k -> k.startsWith("iv3.pm10.daily_mean|")).count()).isEqualTo(91);

        Map<String, List<IndicatorValue>> finals;
        try (IndicatorTable table = new IndicatorTable(platform, Topics.INDICATORS_IV3)) {
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(10)).untilAsserted(() ->
                    assertThat(cityFinals(table.poll()).keySet()).containsAll(expected.keySet()));
            // Anything that followed the last FINAL (a revision) is read once the application consumed all its input.
            platform.awaitInputConsumed(Duration.ofSeconds(60));
            table.readToEnd();
            finals = cityFinals(table);
        }
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, City> e : expected.entrySet()) {
            List<IndicatorValue> got = finals.get(e.getKey());
            IndicatorValue v = got.get(got.size() - 1);
            City want = e.getValue();
            boolean same = got.size() == 1 && v.getRevision() == 1 && v.getObservedCount() == want.observed()
                    && v.getExpectedCount() == want.expected() && v.getValid() == want.valid()
                    && (want.value() == null ? v.getValue() == null
                        : v.getValue() != null && Math.abs(v.getValue() - want.value()) < 1e-9);
            if (!same) {
                mismatches.add(e.getKey() + ": want " + want + ", got " + got.size() + " FINAL(s), last " + v.getValue() + " "
                        + v.getObservedCount() + "/" + v.getExpectedCount() + " valid=" + v.getValid() + " rev " + v.getRevision());
            }
        }
        assertThat(mismatches).as("city values that differ from the plain-Java computation").isEmpty();
        assertThat(finals.keySet()).as("no city value beyond the expected ones").isEqualTo(expected.keySet());
        assertThat(metrics.registry().find(CityAggregateProcessor.LATE).counters())
                .allSatisfy(c -> assertThat(c.count()).isZero());
        assertThat(metrics.registry().find(CityAggregateProcessor.LATE_REVISIONS).counters())
                .allSatisfy(c -> assertThat(c.count()).isZero());
        assertThat(metrics.registry().find("pulse.indicators.late.events").counters())
                .allSatisfy(c -> assertThat(c.count()).isZero());
    }

    private static void send(KafkaProducer<String, AirQualityMeasurement> producer, Reading r, int partition) {
        AirQualityMeasurement m = AirQualityMeasurement.newBuilder()
                .setEventId(r.station() + "-" + r.pollutant() + "-" + r.hourEnd()).setEventTime(r.hourEnd())
                .setFeed("it").setSourceId("CityValuesAcrossPartitionsIT").setStationCode(r.station())
                .setPollutant(r.pollutant()).setConcentrationUgM3(r.valueUgM3()).setAveragingPeriodSeconds(3600)
                .setValidated(false).setIngestedAt(Instant.now()).build();
        producer.send(new ProducerRecord<>(Topics.AIR_QUALITY.name(), partition, r.station(), m));
    }

    /** City = max over the valid (≥ 18 h) station means of a local day; expected = stations with any hour that day. */
    private static Map<String, City> cityMax(List<Reading> readings, Pollutant pollutant, String indicatorId) {
        Map<LocalDate, Map<String, double[]>> byDay = perStationDay(readings, pollutant);
        Map<String, City> out = new LinkedHashMap<>();
        byDay.forEach((day, stations) -> {
            Double max = null;
            int valid = 0;
            for (double[] sumCount : stations.values()) {
                if (sumCount[1] >= 18) {
                    valid++;
                    double mean = sumCount[0] / sumCount[1];
                    max = max == null ? mean : Math.max(max, mean);
                }
            }
            out.put(key(indicatorId, day), new City(max, valid, stations.size(), valid >= 1));
        });
        return out;
    }

    /** City completeness = mean over reporting stations of PM10 hours ÷ hours of the local day × 100. */
    private static Map<String, City> cityCompleteness(List<Reading> readings) {
        Map<String, City> out = new LinkedHashMap<>();
        perStationDay(readings, Pollutant.PM10).forEach((day, stations) -> {
            long hours = Duration.between(day.atStartOfDay(WARSAW), day.plusDays(1).atStartOfDay(WARSAW)).toHours();
            double sum = 0;
            for (double[] sumCount : stations.values()) {
                sum += sumCount[1] * 100.0 / hours;
            }
            out.put(key("iv3.data.completeness", day), new City(sum / stations.size(), stations.size(), stations.size(), true));
        });
        return out;
    }

    private static Map<LocalDate, Map<String, double[]>> perStationDay(List<Reading> readings, Pollutant pollutant) {
        Map<LocalDate, Map<String, double[]>> byDay = new TreeMap<>();
        Map<String, TreeSet<Instant>> seen = new HashMap<>();
        for (Reading r : readings) {
            if (r.pollutant() != pollutant || !seen.computeIfAbsent(r.station(), s -> new TreeSet<>()).add(r.hourEnd())) {
                continue; // one value per station-hour (the file has none twice; kept for clarity)
            }
            double[] acc = byDay.computeIfAbsent(r.day(), d -> new TreeMap<>()).computeIfAbsent(r.station(), s -> new double[2]);
            acc[0] += r.valueUgM3();
            acc[1]++;
        }
        return byDay;
    }

    private static String key(String indicatorId, LocalDate day) {
        return indicatorId + "|city:krakow|" + IndicatorKeys.isoWithOffset(day.atStartOfDay(WARSAW).toInstant(), WARSAW);
    }

    /** Every FINAL city record per key, in the order written. */
    private static Map<String, List<IndicatorValue>> cityFinals(TableReader<IndicatorValue> table) {
        Map<String, List<IndicatorValue>> out = new HashMap<>();
        for (int i = 0; i < table.keys.size(); i++) {
            if (table.keys.get(i).contains("|city:krakow|") && table.records.get(i).getStatus() == IndicatorStatus.FINAL) {
                out.computeIfAbsent(table.keys.get(i), k -> new ArrayList<>()).add(table.records.get(i));
            }
        }
        return out;
    }

    private static List<Reading> read() {
        return KrakowPmHourly2017Q1.read().stream()
                .map(r -> new Reading(r.pollutant(), r.station(), r.hourEnd(), r.valueUgM3())).toList();
    }
}
