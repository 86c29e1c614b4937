package pl.krakow.pulse.indicators;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.catalog.IndicatorKeys;

/**
 * {@code iv3.aqi.class} from the bundled catalog (EEA European Air Quality Index bands for PM10 and PM2.5). Expected
 * classes are computed in this test from the EEA band table typed here, independently of the catalog and the code.
 */
class AqiClassTopologyTest extends IndicatorsTestBase {

    static final String AQI = "iv3.aqi.class";
    static final String FILE = "/data/air-quality-krakow/krakow_pm_hourly_2017Q1.csv";
    static final Map<String, String> COLUMNS = Map.of(
            "pm10_wadow", "PM10/MpKrakWadow", "pm10_piastow", "PM10/MpKrakOsPias", "pm10_krasinskiego", "PM10/MpKrakAlKras",
            "pm10_swoszowice", "PM10/MpKrakSwoszo", "pm10_zloty_rog", "PM10/MpKrakZloRog", "pm10_kurdwanow", "PM10/MpKrakBujaka",
            "pm10_dietla", "PM10/MpKrakDietla", "pm25_krasinskiego", "PM25/MpKrakAlKras", "pm25_kurdwanow", "PM25/MpKrakBujaka");

    /** EEA European Air Quality Index, 6 levels: good, fair, moderate, poor, very poor, extremely poor. */
    static int eeaClass(String pollutant, double v) {
        if (pollutant.equals("PM10")) {
            return v <= 20 ? 1 : v <= 40 ? 2 : v <= 50 ? 3 : v <= 100 ? 4 : v <= 150 ? 5 : 6;
        }
        return v <= 10 ? 1 : v <= 20 ? 2 : v <= 25 ? 3 : v <= 50 ? 4 : v <= 75 ? 5 : 6;
    }

    static String aqiKey(String station, Instant hourStart) {
        return IndicatorKeys.key(AQI, IndicatorKeys.stationScope(station), hourStart, WARSAW);
    }

    Map<String, IndicatorValue> latestAqi() {
        Map<String, IndicatorValue> out = new HashMap<>();
        table.readKeyValuesToList().forEach(kv -> {
            if (kv.value.getIndicatorId().equals(AQI)) {
                out.put(kv.key, kv.value);
            }
        });
        return out;
    }

    @Test
    void realKrakowHoursGetTheWorstEeaClassOverTheirPollutants() throws IOException {
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        long from = Instant.parse("2017-01-01T00:00:00Z").getEpochSecond();
        long to = Instant.parse("2017-01-08T00:00:00Z").getEpochSecond();
        String[] lines;
        try (InputStream in = AqiClassTopologyTest.class.getResourceAsStream(FILE)) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\r?\n");
        }
        String[] header = lines[0].split(",");
        TreeMap<Long, String[]> rows = new TreeMap<>();
        for (int l = 1; l < lines.length; l++) {
            String[] c = lines[l].split(",", -1);
            long epoch = Long.parseLong(c[1]);
            if (epoch >= from && epoch < to) {
                rows.put(epoch, c);
            }
        }
        Map<String, Integer> expectedClass = new HashMap<>();
        Map<String, Integer> expectedPollutants = new HashMap<>();
        for (var row : rows.entrySet()) {
            Instant hourEnd = Instant.ofEpochSecond(row.getKey());
            for (int i = 2; i < header.length; i++) {
                String cell = row.getValue()[i];
                if (cell.isEmpty()) {
                    continue;
                }
                String[] series = COLUMNS.get(header[i]).split("/");
                double v = Double.parseDouble(cell);
                pipe(hourly(series[1], Pollutant.valueOf(series[0]), hourEnd, v));
                String key = aqiKey(series[1], hourEnd.minus(HOUR));
                expectedClass.merge(key, eeaClass(series[0], v), Math::max);
                expectedPollutants.merge(key, 1, Integer::sum);
            }
        }
        // Stream time far beyond the last hour + grace: every hour is FINAL.
        pipe(hourly(DIETLA, Pollutant.PM10, Instant.parse("2017-01-10T00:00:00Z"), 10));

        Map<String, IndicatorValue> aqi = latestAqi();
        assertThat(expectedClass).hasSizeGreaterThan(900); // 933 station-hours with a value in that week
        for (var e : expectedClass.entrySet()) {
            IndicatorValue v = aqi.get(e.getKey());
            assertThat(v).as(e.getKey()).isNotNull();
            assertThat(v.getValue()).as(e.getKey()).isEqualTo((double) e.getValue());
            assertThat(v.getStatus()).isEqualTo(IndicatorStatus.FINAL);
            assertThat(v.getRevision()).isEqualTo(1);
            assertThat(v.getObservedCount()).isEqualTo(expectedPollutants.get(e.getKey()));
            assertThat(v.getExpectedCount()).isEqualTo(2);
        }
        assertThat(aqi).hasSize(expectedClass.size() + 1); // plus the closing hour, still PROVISIONAL
        // Smog week: the real data must exercise the upper classes, not only "good".
        assertThat(expectedClass.values()).contains(1, 4, 6);
    }

    @Test
    void correctionReclassifiesTheHourDuplicateIsSilentAndTheHourIsFinalOnceAfterGrace() {
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        String key = aqiKey(KRASINSKIEGO, T0.minus(HOUR));
        pipe(hourly(KRASINSKIEGO, Pollutant.PM10, T0, 30));    // PM10 30 → 2 (fair)
        pipe(hourly(KRASINSKIEGO, Pollutant.PM25, T0, 60));    // PM2.5 60 → 5 (very poor): worst wins
        pipe(hourly(KRASINSKIEGO, Pollutant.PM25, T0, 5));     // corrected to 5 → 1, hour back to 2
        pipe(hourly(KRASINSKIEGO, Pollutant.PM10, T0, 30));    // same value again: class unchanged, nothing emitted
        List<IndicatorValue> values = table.readKeyValuesToList().stream().filter(kv -> kv.key.equals(key))
                .map(kv -> kv.value).toList();
        assertThat(values).extracting(IndicatorValue::getValue).containsExactly(2.0, 5.0, 2.0);
        assertThat(values).allSatisfy(v -> assertThat(v.getStatus()).isEqualTo(IndicatorStatus.PROVISIONAL));
        KeyValueStore<String, String> store = driver.getKeyValueStore("iv3-aqi-class-by-hour-and-station");
        try (var all = store.all()) {
            assertThat(all).toIterable().hasSize(1);
        }

        pipe(hourly(DIETLA, Pollutant.PM10, T0.plus(GRACE).plus(HOUR), 10)); // stream time past the hour's end + grace
        List<IndicatorValue> finals = table.readKeyValuesToList().stream().filter(kv -> kv.key.equals(key)).map(kv -> kv.value).toList();
        assertThat(finals).singleElement().satisfies(v -> {
            assertThat(v.getStatus()).isEqualTo(IndicatorStatus.FINAL);
            assertThat(v.getRevision()).isEqualTo(1);
            assertThat(v.getValue()).isEqualTo(2.0);
            assertThat(v.getObservedCount()).isEqualTo(2);
        });
        assertThat(store.get(String.format("%013d|%s", T0.minus(HOUR).toEpochMilli(), KRASINSKIEGO))).isNull();

        pipe(hourly(KRASINSKIEGO, Pollutant.PM10, T0, 300));   // the hour is closed: late, counted, nothing changes
        assertThat(table.readKeyValuesToList()).noneMatch(kv -> kv.key.equals(key));
        assertThat(counter("pulse.indicators.late.events", "indicator", AQI)).isEqualTo(1.0);
    }

    @Test
    void coalescedModePublishesAnHoursLatestClassOncePerIntervalAndFinalCarriesTheCurrentClass() {
        emitInterval = Duration.ofMillis(100);
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        String key = aqiKey(KRASINSKIEGO, T0.minus(HOUR));
        pipe(hourly(KRASINSKIEGO, Pollutant.PM10, T0, 30));    // → 2
        pipe(hourly(KRASINSKIEGO, Pollutant.PM25, T0, 60));    // → 5
        assertThat(aqiRecords()).as("nothing before the interval elapses").isEmpty();

        driver.advanceWallClockTime(Duration.ofMillis(100));
        assertThat(aqiRecords()).singleElement().extracting(kv -> kv.value).satisfies(v -> {
            assertThat(v.getValue()).isEqualTo(5.0);
            assertThat(v.getStatus()).isEqualTo(IndicatorStatus.PROVISIONAL);
        });
        pipe(hourly(KRASINSKIEGO, Pollutant.PM25, T0, 60));    // same class: nothing to publish
        driver.advanceWallClockTime(Duration.ofMillis(100));
        assertThat(aqiRecords()).isEmpty();

        pipe(hourly(KRASINSKIEGO, Pollutant.PM25, T0, 5));     // back to 2, not yet published when the hour closes
        pipe(hourly(DIETLA, Pollutant.PM10, T0.plus(GRACE).plus(HOUR), 10));
        List<IndicatorValue> closing = aqiRecords().stream().filter(kv -> kv.key.equals(key)).map(kv -> kv.value).toList();
        assertThat(closing).singleElement().satisfies(v -> {
            assertThat(v.getStatus()).isEqualTo(IndicatorStatus.FINAL);
            assertThat(v.getValue()).isEqualTo(2.0);
        });
        driver.advanceWallClockTime(Duration.ofMillis(100));
        // Only Dietla's new hour is published; the closed hour is not re-published as PROVISIONAL.
        assertThat(aqiRecords()).singleElement()
                .satisfies(kv -> assertThat(kv.key).isEqualTo(aqiKey(DIETLA, T0.plus(GRACE))));
    }

    /** The AQI records written since the last read (the table also carries the other IV.3 indicators). */
    private List<org.apache.kafka.streams.KeyValue<String, IndicatorValue>> aqiRecords() {
        return table.readKeyValuesToList().stream().filter(kv -> kv.value.getIndicatorId().equals(AQI)).toList();
    }

    @Test
    void processorStoreAndSinkHaveExplicitNames() {
        String description = topology(IndicatorCatalog.bundled()).describe().toString();
        assertThat(description).contains("iv3-aqi-class-processor", "iv3-aqi-class-by-hour-and-station",
                "iv3-aqi-class-indicator-sink");
        assertThat(Iv3EnvironmentTopology.storeNames(IndicatorCatalog.bundled())).contains("iv3-aqi-class-by-hour-and-station");
    }
}
