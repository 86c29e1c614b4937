package pl.krakow.pulse.indicators;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.testsupport.data.KrakowPmHourly2017Q1;

/**
 * {@code iv3.aqi.class} over the real GIOŚ/WIOŚ Kraków hourly PM10 and PM2.5 of 2017-Q1 (see
 * data/air-quality-krakow/PROVENANCE.md), replayed in time order. Expected classes are computed here with plain Java
 * over the file and the band table of {@link AqiClassTopologyTest#EEA_2024}, never with the code under test: per
 * station-hour with a value, the worst class over the pollutants of (a) their hourly values — the bundled catalog,
 * the EEA index as revised in 2024 — and (b) their 24-hour running means (the 24 hours ending with that hour, by
 * epoch seconds, at least 18 values) — a catalog averaging PM as the EEA index did before that revision.
 */
class RealKrakowDataAqiClassTest extends IndicatorsTestBase {

    /** Far after the cut: its stream time closes every hour of the quarter. */
    private static final Instant CLOSE_ALL = Instant.parse("2017-04-10T00:00:00Z");

    record Reading(Pollutant pollutant, String station, long hourEndEpochSecond, double valueUgM3) {
    }

    /** Expected class of a station-hour and the number of pollutants it was decided from. */
    record Expected(int value, int pollutants) {
    }

    @Test
    void everyStationHourOfQ1GetsTheWorstEeaClassOfItsHourlyValues() {
        List<Reading> readings = read();
        Map<String, Expected> expected = hourlyClasses(readings);

        Map<String, IndicatorValue> finals = replay(readings, IndicatorCatalog.bundled());

        assertMatches(finals, expected, 5);
        // 8 series with data (Swoszowice has none) × 2,160 hours, minus the missing hours PROVENANCE.md lists,
        // on 6 stations.
        assertThat(readings).hasSize(8 * 2160 - 111 - 57 - 56 - 42 - 33 - 25 - 1);
        assertThat(expected).hasSize(12_679);
        Map<Integer, Long> byClass = histogram(expected);
        assertThat(byClass.keySet()).as("a smog winter reaches every class").containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6);
    }

    @Test
    void withPmOn24HourRunningMeansEveryStationHourOfQ1MatchesThePlainJavaMeans() {
        List<Reading> readings = read();
        // Per station and pollutant, the hourly values by the epoch second of the hour's end.
        Map<String, Map<Pollutant, TreeMap<Long, Double>>> series = new HashMap<>();
        for (Reading r : readings) {
            series.computeIfAbsent(r.station(), s -> new HashMap<>())
                    .computeIfAbsent(r.pollutant(), p -> new TreeMap<>()).put(r.hourEndEpochSecond(), r.valueUgM3());
        }
        Map<String, Expected> expected = new HashMap<>();
        int withoutPmMean = 0;
        Set<String> seen = new HashSet<>();
        for (Reading r : readings) {
            String key = key(r.station(), r.hourEndEpochSecond());
            if (!seen.add(key)) {
                continue; // the station-hour's other pollutant
            }
            int worst = 0;
            int pollutants = 0;
            for (Map.Entry<Pollutant, TreeMap<Long, Double>> values : series.get(r.station()).entrySet()) {
                // The 24 hours ending with this one: hour ends in (end − 24 h, end].
                Map<Long, Double> window = values.getValue().subMap(r.hourEndEpochSecond() - 24 * 3600, false,
                        r.hourEndEpochSecond(), true);
                if (window.size() >= 18) {
                    double sum = 0;
                    for (double v : window.values()) { // oldest first
                        sum += v;
                    }
                    worst = Math.max(worst, AqiClassTopologyTest.eeaClass(values.getKey(), sum / window.size()));
                    pollutants++;
                }
            }
            if (worst > 0) {
                expected.put(key, new Expected(worst, pollutants));
            } else {
                withoutPmMean++;
            }
        }

        Map<String, IndicatorValue> finals = replay(readings, AqiClassTopologyTest.catalogWithPmRunningMeans());

        assertMatches(finals, expected, 5);
        assertThat(expected).hasSize(12_424);
        assertThat(withoutPmMean).as("the first 17 hours of every station, and after gaps").isEqualTo(255);
        Map<String, Expected> hourly = hourlyClasses(readings);
        assertThat(expected.entrySet().stream().filter(e -> hourly.get(e.getKey()).value() != e.getValue().value()))
                .as("station-hours whose class the running mean changes").hasSize(5_842);
        // The running mean smooths: fewer hours in the extreme classes than with hourly values.
        Map<Integer, Long> byClass = histogram(expected);
        assertThat(byClass).containsKeys(1, 2, 3, 4, 5);
        // 2017-03-26 (23 hours, Europe/Warsaw) is in the quarter: its hours are among those checked.
        assertThat(expected.keySet()).anyMatch(k -> k.endsWith("|2017-03-26T03:00:00+02:00"));
    }

    /** Per station-hour, the worst class over the hourly values of its pollutants. */
    private static Map<String, Expected> hourlyClasses(List<Reading> readings) {
        Map<String, Expected> out = new HashMap<>();
        for (Reading r : readings) {
            out.merge(key(r.station(), r.hourEndEpochSecond()),
                    new Expected(AqiClassTopologyTest.eeaClass(r.pollutant(), r.valueUgM3()), 1),
                    (a, b) -> new Expected(Math.max(a.value(), b.value()), a.pollutants() + b.pollutants()));
        }
        return out;
    }

    private static Map<Integer, Long> histogram(Map<String, Expected> expected) {
        Map<Integer, Long> out = new TreeMap<>();
        expected.values().forEach(e -> out.merge(e.value(), 1L, Long::sum));
        return out;
    }

    /** Replays the readings in time order through the topology and returns the single FINAL value per table key. */
    private Map<String, IndicatorValue> replay(List<Reading> readings, IndicatorCatalog catalog) {
        startDriver(catalog, clock.instant());
        readings.stream().sorted(Comparator.comparingLong(Reading::hourEndEpochSecond)).forEach(r ->
                pipe(hourly(r.station(), r.pollutant(), Instant.ofEpochSecond(r.hourEndEpochSecond()), r.valueUgM3())));
        pipe(hourly("Sentinel", Pollutant.NO2, CLOSE_ALL, 0));
        assertThat(counter("pulse.indicators.late.events", "indicator", AqiClassTopologyTest.AQI)).isZero();
        Map<String, IndicatorValue> out = new HashMap<>();
        for (KeyValue<String, IndicatorValue> kv : table.readKeyValuesToList()) {
            if (kv.value.getIndicatorId().equals(AqiClassTopologyTest.AQI) && kv.value.getStatus() == IndicatorStatus.FINAL
                    && !kv.key.contains("Sentinel")) {
                assertThat(out.put(kv.key, kv.value)).as("one FINAL per hour: " + kv.key).isNull();
            }
        }
        return out;
    }

    private static void assertMatches(Map<String, IndicatorValue> finals, Map<String, Expected> expected, int expectedCount) {
        assertThat(finals.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((key, e) -> {
            IndicatorValue v = finals.get(key);
            assertThat(v.getValue()).as(key).isEqualTo((double) e.value());
            assertThat(v.getObservedCount()).as(key).isEqualTo(e.pollutants());
            assertThat(v.getExpectedCount()).as(key).isEqualTo(expectedCount);
            assertThat(v.getRevision()).as(key).isEqualTo(1);
            assertThat(v.getWindowEnd().toEpochMilli() - v.getWindowStart().toEpochMilli()).isEqualTo(3_600_000L);
        });
    }

    /** The table key of a station-hour: the hour's start in Europe/Warsaw with its offset, as ISO text. */
    private static String key(String station, long hourEndEpochSecond) {
        Instant start = Instant.ofEpochSecond(hourEndEpochSecond - 3600);
        return AqiClassTopologyTest.AQI + "|station:" + station + "|"
                + DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(start.atZone(WARSAW));
    }

    private static List<Reading> read() {
        return KrakowPmHourly2017Q1.read().stream()
                .map(r -> new Reading(r.pollutant(), r.station(), r.hourEnd().getEpochSecond(), r.valueUgM3()))
                .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
    }
}
