package pl.krakow.pulse.indicators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.indicators.aqi.AqiClassDefinition;
import pl.krakow.pulse.indicators.aqi.AqiClassKind;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.catalog.IndicatorKeys;

/**
 * {@code iv3.aqi.class} through the production topology: the bundled catalog (the EEA European Air Quality Index as
 * revised in 2024: hourly values of all five pollutants) and a catalog that averages PM over 24-hour running means
 * (as the EEA index did before that revision). Expected classes come from the band table typed here
 * ({@link #EEA_2024}), independently of the catalog and the code.
 */
class AqiClassTopologyTest extends IndicatorsTestBase {

    static final String AQI = "iv3.aqi.class";
    static final String STORE = "iv3-aqi-class-by-hour-and-station";

    /**
     * EEA European Air Quality Index after its 2024 revision: upper bounds (µg/m³) of good, fair, moderate, poor and
     * very poor; above the last bound is extremely poor (6).
     */
    static final Map<Pollutant, double[]> EEA_2024 = Map.of(
            Pollutant.PM10, new double[] {15, 45, 120, 195, 270},
            Pollutant.PM25, new double[] {5, 15, 50, 90, 140},
            Pollutant.NO2, new double[] {10, 25, 60, 100, 150},
            Pollutant.O3, new double[] {60, 100, 120, 160, 180},
            Pollutant.SO2, new double[] {20, 40, 125, 190, 275});

    static int eeaClass(Pollutant pollutant, double valueUgM3) {
        double[] bounds = EEA_2024.get(pollutant);
        int c = 1;
        for (double bound : bounds) {
            if (valueUgM3 > bound) {
                c++;
            }
        }
        return c;
    }

    /**
     * The bundled bands, with PM10 and PM2.5 applied to 24-hour running means (18 of 24 hours needed); the PM10
     * hourly value beside it because the IV.3 topology needs a daily or hourly indicator to build.
     */
    static IndicatorCatalog catalogWithPmRunningMeans() {
        return catalogFromYaml(GOAL_IV3 + """
                indicators:
                  - {id: iv3.pm10.hourly, goal: IV.3, unit: "µg/m³", kind: hourly_value, pollutant: PM10,
                     scopes: [station], window: PT1H, grace: PT3H, implemented: true}
                  - id: iv3.aqi.class
                    goal: IV.3
                    name: {pl: "Indeks jakości powietrza", en: "Air-quality index class"}
                    unit: "class 1-6"
                    kind: aqi_class
                    scopes: [station]
                    window: PT1H
                    grace: PT3H
                    bands:
                      PM10: [15, 45, 120, 195, 270]
                      PM25: [5, 15, 50, 90, 140]
                      NO2: [10, 25, 60, 100, 150]
                      O3: [60, 100, 120, 160, 180]
                      SO2: [20, 40, 125, 190, 275]
                    averaging: {PM10: PT24H, PM25: PT24H}
                    implemented: true
                """);
    }

    static String aqiKey(String station, Instant hourStart) {
        return IndicatorKeys.key(AQI, IndicatorKeys.stationScope(station), hourStart, WARSAW);
    }

    /** The AQI records written since the last read (the table also carries the other IV.3 indicators). */
    private List<KeyValue<String, IndicatorValue>> aqiRecords() {
        return table.readKeyValuesToList().stream().filter(kv -> kv.value.getIndicatorId().equals(AQI)).toList();
    }

    private static List<IndicatorValue> valuesOf(List<KeyValue<String, IndicatorValue>> records, String key) {
        return records.stream().filter(kv -> kv.key.equals(key)).map(kv -> kv.value).toList();
    }

    private long storedHoursOf(String station) {
        KeyValueStore<String, String> store = driver.getKeyValueStore(STORE);
        long n = 0;
        try (var all = store.all()) {
            while (all.hasNext()) {
                if (all.next().key.endsWith("|" + station)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** PM10 hourly values of {@link #KRASINSKIEGO} for hours {@code first + 1}, {@code first + 2}, … after T0. */
    private void pm10Hours(int first, double... valuesUgM3) {
        for (int i = 0; i < valuesUgM3.length; i++) {
            pm10(hourEnd(T0, first + i), valuesUgM3[i]);
        }
    }

    static double[] repeat(double valueUgM3, int hours) {
        double[] out = new double[hours];
        Arrays.fill(out, valueUgM3);
        return out;
    }

    @Test
    void bundledCatalogIsTheRevisedEeaIndexOnHourlyValuesWithItsSource() {
        IndicatorCatalog.Indicator aqi = IndicatorCatalog.bundled().indicator(AQI).orElseThrow();
        AqiClassDefinition def = AqiClassKind.INSTANCE.parse(aqi);
        assertThat(def.bands().keySet()).containsExactlyInAnyOrderElementsOf(EEA_2024.keySet());
        EEA_2024.forEach((p, bounds) -> {
            assertThat(def.bands().get(p)).as(p.name()).containsExactly(bounds);
            assertThat(def.averagingHours(p)).as(p.name()).isEqualTo(1);
        });
        assertThat(aqi.source()).contains("https://airindex.eea.europa.eu/AQI/index.html", "ETC HE Report 2024/17");
    }

    @Test
    void averagingMustBeWholeHoursUpToADayForAPollutantWithBands() {
        AqiClassDefinition def = AqiClassKind.INSTANCE.parse(catalogWithPmRunningMeans().indicator(AQI).orElseThrow());
        assertThat(def.averagingHours(Pollutant.PM10)).isEqualTo(24);
        assertThat(def.requiredHours(Pollutant.PM10)).isEqualTo(18);
        assertThat(def.averagingHours(Pollutant.NO2)).isEqualTo(1);
        for (String averaging : List.of("{PM10: PT30M}", "{PM10: PT25H}", "{PM10: P2D}", "{CO: PT8H}", "{PM10: daily}")) {
            String yaml = GOAL_IV3 + """
                    indicators:
                      - {id: iv3.aqi.class, goal: IV.3, kind: aqi_class, unit: c, implemented: true,
                         bands: {PM10: [15, 45]}, averaging: %s}
                    """.formatted(averaging);
            assertThatThrownBy(() -> AqiClassKind.INSTANCE.parse(catalogFromYaml(yaml).indicator(AQI).orElseThrow()))
                    .as(averaging).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void no2IsClassifiedFromItsHourlyValueAndTheWorstPollutantWins() {
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        pipe(hourly(KRASINSKIEGO, Pollutant.NO2, T0_PLUS_1H, 70));   // NO2 70 → 4 (poor)
        pipe(hourly(KRASINSKIEGO, Pollutant.PM10, T0_PLUS_1H, 30));  // PM10 30 → 2: NO2 stays the worst
        Instant secondHourEnd = T0_PLUS_1H.plus(HOUR);
        pipe(hourly(KRASINSKIEGO, Pollutant.NO2, secondHourEnd, 5));  // the next hour's NO2 alone: 1, no averaging
        pipe(hourly(KRASINSKIEGO, Pollutant.PM10, secondHourEnd, 50)); // PM10 50 → 3, now the worst

        List<KeyValue<String, IndicatorValue>> records = aqiRecords();
        List<IndicatorValue> first = valuesOf(records, aqiKey(KRASINSKIEGO, T0));
        // The PM10 value left the class as it was, but the class is now read from two pollutants: published again.
        assertThat(first).extracting(IndicatorValue::getValue, IndicatorValue::getObservedCount)
                .containsExactly(tuple(4.0, 1), tuple(4.0, 2));
        List<IndicatorValue> second = valuesOf(records, aqiKey(KRASINSKIEGO, T0_PLUS_1H));
        assertThat(second).extracting(IndicatorValue::getValue).containsExactly(1.0, 3.0);
        assertThat(second.get(1).getObservedCount()).isEqualTo(2);
        assertThat(second.get(1).getExpectedCount()).isEqualTo(5); // the five pollutants of the EEA index
        assertThat(second.get(1).getCoverage()).isEqualTo(0.4);
        assertThat(eeaClass(Pollutant.NO2, 70)).isEqualTo(4);
        assertThat(eeaClass(Pollutant.PM10, 50)).isEqualTo(3);
    }

    @Test
    void correctionReclassifiesTheHourDuplicateIsSilentAndTheHourIsFinalOnceAfterGrace() {
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        String key = aqiKey(KRASINSKIEGO, T0.minus(HOUR));
        pipe(hourly(KRASINSKIEGO, Pollutant.PM10, T0, 30));    // PM10 30 → 2 (fair)
        pipe(hourly(KRASINSKIEGO, Pollutant.PM25, T0, 60));    // PM2.5 60 → 4 (poor): worst wins
        pipe(hourly(KRASINSKIEGO, Pollutant.PM25, T0, 5));     // corrected to 5 → 1, hour back to 2
        pipe(hourly(KRASINSKIEGO, Pollutant.PM10, T0, 30));    // same value again: class unchanged, nothing emitted
        List<IndicatorValue> values = valuesOf(aqiRecords(), key);
        assertThat(values).extracting(IndicatorValue::getValue).containsExactly(2.0, 4.0, 2.0);
        assertThat(values).allSatisfy(v -> assertThat(v.getStatus()).isEqualTo(IndicatorStatus.PROVISIONAL));
        assertThat(storedHoursOf(KRASINSKIEGO)).isEqualTo(1);

        pipe(hourly(DIETLA, Pollutant.PM10, T0.plus(GRACE).plus(HOUR), 10)); // stream time past the hour's end + grace
        assertThat(valuesOf(aqiRecords(), key)).singleElement().satisfies(v -> {
            assertThat(v.getStatus()).isEqualTo(IndicatorStatus.FINAL);
            assertThat(v.getRevision()).isEqualTo(1);
            assertThat(v.getValue()).isEqualTo(2.0);
            assertThat(v.getObservedCount()).isEqualTo(2);
        });
        assertThat(storedHoursOf(KRASINSKIEGO)).as("hourly values only: a FINAL hour is deleted").isZero();

        pipe(hourly(KRASINSKIEGO, Pollutant.PM10, T0, 300));   // the hour is closed: late, counted, nothing changes
        assertThat(aqiRecords()).noneMatch(kv -> kv.key.equals(key));
        assertThat(counter("pulse.indicators.late.events", "indicator", AQI)).isEqualTo(1.0);
    }

    @Test
    void coalescedModePublishesAnHoursLatestClassOncePerIntervalAndFinalCarriesTheCurrentClass() {
        emitInterval = Duration.ofMillis(100);
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        String key = aqiKey(KRASINSKIEGO, T0.minus(HOUR));
        pipe(hourly(KRASINSKIEGO, Pollutant.PM10, T0, 30));    // → 2
        pipe(hourly(KRASINSKIEGO, Pollutant.PM25, T0, 60));    // → 4
        assertThat(aqiRecords()).as("nothing before the interval elapses").isEmpty();

        driver.advanceWallClockTime(Duration.ofMillis(100));
        assertThat(aqiRecords()).singleElement().extracting(kv -> kv.value).satisfies(v -> {
            assertThat(v.getValue()).isEqualTo(4.0);
            assertThat(v.getStatus()).isEqualTo(IndicatorStatus.PROVISIONAL);
        });
        pipe(hourly(KRASINSKIEGO, Pollutant.PM25, T0, 60));    // same class: nothing to publish
        driver.advanceWallClockTime(Duration.ofMillis(100));
        assertThat(aqiRecords()).isEmpty();

        pipe(hourly(KRASINSKIEGO, Pollutant.PM25, T0, 5));     // back to 2, not yet published when the hour closes
        pipe(hourly(DIETLA, Pollutant.PM10, T0.plus(GRACE).plus(HOUR), 10));
        assertThat(valuesOf(aqiRecords(), key)).singleElement().satisfies(v -> {
            assertThat(v.getStatus()).isEqualTo(IndicatorStatus.FINAL);
            assertThat(v.getValue()).isEqualTo(2.0);
        });
        driver.advanceWallClockTime(Duration.ofMillis(100));
        // Only Dietla's new hour is published; the closed hour is not re-published as PROVISIONAL.
        assertThat(aqiRecords()).singleElement()
                .satisfies(kv -> assertThat(kv.key).isEqualTo(aqiKey(DIETLA, T0.plus(GRACE))));
    }

    @Test
    void runningMeanOver24HoursDecidesThePmClass() {
        startDriver(catalogWithPmRunningMeans(), clock.instant());
        double[] hours = repeat(10, 24);
        hours[23] = 200; // hourly, 200 would be very poor (5)
        pm10Hours(0, hours);

        List<KeyValue<String, IndicatorValue>> records = aqiRecords();
        assertThat(records).filteredOn(kv -> kv.value.getStatus() == IndicatorStatus.PROVISIONAL)
                .as("hours 1..17 have fewer than 18 values: no class").hasSize(24 - 17);
        // Hours 18..23: 18..23 values of 10 → mean 10 → good.
        assertThat(valuesOf(records, aqiKey(KRASINSKIEGO, hourEnd(T0, 17).minus(HOUR))))
                .first().satisfies(v -> {
                    assertThat(v.getValue()).isEqualTo(1.0);
                    assertThat(v.getObservedCount()).isEqualTo(1);
                });
        // Hour 24: (23 × 10 + 200) / 24 = 17.9 → fair (2), not very poor.
        double mean = (23 * 10 + 200) / 24.0;
        assertThat(eeaClass(Pollutant.PM10, mean)).isEqualTo(2);
        assertThat(eeaClass(Pollutant.PM10, 200)).isEqualTo(5);
        assertThat(valuesOf(records, aqiKey(KRASINSKIEGO, hourEnd(T0, 23).minus(HOUR))))
                .extracting(IndicatorValue::getValue).containsExactly(2.0);
        // The mean moves on: hour 47's 24 hours are 24..47, the 200 still in them; hour 48's are 25..48, all 10.
        pm10Hours(24, repeat(10, 24));
        records = aqiRecords();
        assertThat(valuesOf(records, aqiKey(KRASINSKIEGO, hourEnd(T0, 46).minus(HOUR))))
                .extracting(IndicatorValue::getValue).containsExactly(2.0);
        assertThat(valuesOf(records, aqiKey(KRASINSKIEGO, hourEnd(T0, 47).minus(HOUR))))
                .extracting(IndicatorValue::getValue).containsExactly(1.0);
    }

    @Test
    void tooFewHoursInTheRunningMeanGiveNoPmSubIndex() {
        startDriver(catalogWithPmRunningMeans(), clock.instant());
        pm10Hours(0, repeat(100, 17)); // 17 of 24 hours: no running mean, no PM sub-index, no class
        assertThat(aqiRecords()).as("no pollutant has a sub-index: nothing published").isEmpty();

        Instant hour17End = hourEnd(T0, 16);
        pipe(hourly(KRASINSKIEGO, Pollutant.NO2, hour17End, 5)); // NO2 stays hourly: 5 → good
        assertThat(aqiRecords()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo(aqiKey(KRASINSKIEGO, hour17End.minus(HOUR)));
            assertThat(kv.value.getValue()).isEqualTo(1.0); // PM10 at 100 (moderate) is not in it
            assertThat(kv.value.getObservedCount()).isEqualTo(1);
        });

        pm10(hourEnd(T0, 17), 100); // the 18th hour: mean 100 → moderate
        assertThat(aqiRecords()).singleElement().satisfies(kv -> assertThat(kv.value.getValue()).isEqualTo(3.0));

        // A gap: 7 hours missing from a station's 24 leave 17 values, again no PM sub-index.
        pipe(hourly(DIETLA, Pollutant.PM10, hourEnd(T0, 17), 100));
        for (int h = 25; h < 41; h++) {
            pipe(hourly(DIETLA, Pollutant.PM10, hourEnd(T0, h), 100));
        }
        assertThat(aqiRecords()).noneMatch(kv -> kv.key.contains(DIETLA));
    }

    @Test
    void correctionWithinGraceReclassifiesTheOpenLaterHoursAndALateValueChangesNone() {
        startDriver(catalogWithPmRunningMeans(), clock.instant());
        pm10Hours(0, repeat(10, 24)); // stream time: the end of hour 24; hours 1..21 FINAL
        assertThat(aqiRecords()).filteredOn(kv -> kv.value.getStatus() == IndicatorStatus.FINAL).hasSize(21 - 17);

        // Hour 22 ends 2 h before stream time: open. Its mean and those of hours 23 and 24 include it.
        pm10(hourEnd(T0, 21), 500);
        List<KeyValue<String, IndicatorValue>> records = aqiRecords();
        assertThat(records).extracting(kv -> kv.key).containsExactly(
                aqiKey(KRASINSKIEGO, hourEnd(T0, 20)), aqiKey(KRASINSKIEGO, hourEnd(T0, 21)),
                aqiKey(KRASINSKIEGO, hourEnd(T0, 22)));
        // (21 × 10 + 500) / 22 = 32.3, (22 × 10 + 500) / 23 = 31.3, (23 × 10 + 500) / 24 = 30.4: fair.
        assertThat(records).allSatisfy(kv -> {
            assertThat(kv.value.getValue()).isEqualTo(2.0);
            assertThat(kv.value.getStatus()).isEqualTo(IndicatorStatus.PROVISIONAL);
        });

        // Hour 20 ended 4 h before stream time (+ 3 h grace): FINAL, so late; hours 21..24 keep their means.
        pm10(hourEnd(T0, 19), 5000);
        assertThat(aqiRecords()).isEmpty();
        assertThat(counter("pulse.indicators.late.events", "indicator", AQI)).isEqualTo(1.0);

        // Closing everything: FINAL for the three corrected hours with the corrected class; no FINAL hour revised.
        pipe(hourly(DIETLA, Pollutant.PM10, hourEnd(T0, 24).plus(Duration.ofDays(2)), 10));
        List<KeyValue<String, IndicatorValue>> closing = aqiRecords().stream()
                .filter(kv -> kv.key.contains(KRASINSKIEGO)).toList();
        assertThat(closing).extracting(kv -> kv.key).containsExactly(
                aqiKey(KRASINSKIEGO, hourEnd(T0, 20)), aqiKey(KRASINSKIEGO, hourEnd(T0, 21)),
                aqiKey(KRASINSKIEGO, hourEnd(T0, 22)));
        assertThat(closing).allSatisfy(kv -> {
            assertThat(kv.value.getStatus()).isEqualTo(IndicatorStatus.FINAL);
            assertThat(kv.value.getRevision()).isEqualTo(1);
            assertThat(kv.value.getValue()).isEqualTo(2.0);
        });
    }

    @Test
    void runningMeanSpans24ElapsedHoursAcrossTheSpringDstChange() {
        startDriver(catalogWithPmRunningMeans(), clock.instant());
        // 24 hours ending 2017-03-25 22:00 UTC (23:00 CET) … 2017-03-26 21:00 UTC (23:00 CEST): on the 23-hour day
        // "the same clock time yesterday" is only 23 hours back, so the first hour's 200 is in the mean only if the
        // window counts elapsed hours.
        Instant first = Instant.parse("2017-03-25T22:00:00Z");
        for (int i = 0; i < 25; i++) {
            pm10(first.plus(Duration.ofHours(i)), i == 0 ? 200 : 10);
        }
        List<KeyValue<String, IndicatorValue>> records = aqiRecords();
        Instant lastOf24Start = Instant.parse("2017-03-26T20:00:00Z");
        assertThat(aqiKey(KRASINSKIEGO, lastOf24Start)).endsWith("|2017-03-26T22:00:00+02:00");
        assertThat(valuesOf(records, aqiKey(KRASINSKIEGO, lastOf24Start))).singleElement().satisfies(v -> {
            assertThat(v.getValue()).isEqualTo(2.0); // (200 + 23 × 10) / 24 = 17.9: fair; without the 200: good
            assertThat(v.getWindowEnd()).isEqualTo(v.getWindowStart().plus(HOUR));
        });
        // The 25th hour's 24 hours no longer hold the 200: good.
        assertThat(valuesOf(records, aqiKey(KRASINSKIEGO, lastOf24Start.plus(HOUR))))
                .extracting(IndicatorValue::getValue).containsExactly(1.0);
        // Across the gap the hour windows are adjacent: 01:00–02:00 CET is followed by 03:00–04:00 CEST.
        assertThat(aqiKey(KRASINSKIEGO, Instant.parse("2017-03-26T00:00:00Z"))).endsWith("|2017-03-26T01:00:00+01:00");
        assertThat(aqiKey(KRASINSKIEGO, Instant.parse("2017-03-26T01:00:00Z"))).endsWith("|2017-03-26T03:00:00+02:00");
    }

    @Test
    void stateKeepsOnlyTheHoursRunningMeansStillReadAndIsChangelogged() {
        startDriver(catalogWithPmRunningMeans(), clock.instant());
        for (int h = 0; h < 72; h++) {
            pm10(hourEnd(T0, h), 10);
            pipe(hourly(DIETLA, Pollutant.PM25, hourEnd(T0, h), 10));
            // Open: the 3 hours whose end + 3 h grace is after stream time. Kept: the 23 FINAL hours before the
            // oldest open one, which its 24-hour mean reads. Never more than 24 + 3 − 1 = 26 per station.
            assertThat(storedHoursOf(KRASINSKIEGO)).as("hour %d", h + 1).isEqualTo(Math.min(h + 1, 26));
        }
        assertThat(storedHoursOf(DIETLA)).isEqualTo(26);

        pipe(hourly("Sentinel", Pollutant.NO2, hourEnd(T0, 72).plus(Duration.ofDays(2)), 10));
        assertThat(storedHoursOf(KRASINSKIEGO)).as("nothing reads them any more").isZero();
        assertThat(storedHoursOf(DIETLA)).isZero();
        assertThat(driver.producedTopicNames()).contains("pulse-indicators-iv3-test-" + STORE + "-changelog");
    }

    @Test
    void processorStoreAndSinkHaveExplicitNames() {
        String description = topology(IndicatorCatalog.bundled()).describe().toString();
        assertThat(description).contains("iv3-aqi-class-processor", STORE, "iv3-aqi-class-indicator-sink");
        assertThat(Iv3EnvironmentTopology.storeNames(IndicatorCatalog.bundled())).contains(STORE);
    }
}
