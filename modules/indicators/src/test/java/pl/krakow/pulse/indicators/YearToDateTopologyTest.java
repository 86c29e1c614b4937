package pl.krakow.pulse.indicators;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.indicators.ytd.YearState;
import pl.krakow.pulse.indicators.ytd.YearToDateKind;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.testsupport.time.TestInstants;

/**
 * The year-to-date indicators ({@code exceedance_days}, {@code annual_mean}) and the hourly value, through the
 * production topology built from the bundled catalog. Expected values are worked out by hand in the comments.
 */
class YearToDateTopologyTest extends IndicatorsTestBase {

    private static final String PM10_EXCEEDANCE = "iv3.pm10.exceedance_days";
    private static final String PM10_ANNUAL = "iv3.pm10.annual_mean";
    private static final String PM25_EXCEEDANCE = "iv3.pm25.exceedance_days";
    private static final String PM10_HOURLY = "iv3.pm10.hourly";
    private static final String YEAR_2017 = "|2017-01-01T00:00:00+01:00";
    /** 2017-01-01 00:00 local (CET) and 2018-01-01 00:00 local. */
    private static final Instant YEAR_2017_START = TestInstants.JAN_1_2017_WARSAW;
    private static final Instant YEAR_2018_START = Instant.parse("2017-12-31T23:00:00Z");
    private static final Instant YEAR_2019_START = Instant.parse("2018-12-31T23:00:00Z");
    /** 2017-12-31, the last local day of 2017: [2017-12-30T23:00Z, 2017-12-31T23:00Z). */
    private static final Instant DEC_31_2017 = Instant.parse("2017-12-30T23:00:00Z");
    /** Days after T0 (2017-01-10, 24-hour winter days). */
    private static final Instant T0_PLUS_1D = Instant.parse("2017-01-10T23:00:00Z");
    private static final Instant T0_PLUS_2D = Instant.parse("2017-01-11T23:00:00Z");
    private static final Instant T0_PLUS_3D = Instant.parse("2017-01-12T23:00:00Z");

    /** Pipes {@code hours} hourly values of one local day (hours 0, 1, …) of a station. */
    private void day(String station, Pollutant pollutant, Instant dayStart, int hours, double valueUgM3) {
        for (int h = 0; h < hours; h++) {
            pipe(hourly(station, pollutant, hourEnd(dayStart, h), valueUgM3));
        }
    }

    private List<KeyValue<String, IndicatorValue>> output;

    private void drain() {
        output = table.readKeyValuesToList();
    }

    /** Values emitted (since the last drain) under one table key, in order. */
    private List<IndicatorValue> valuesOf(String key) {
        return output.stream().filter(kv -> kv.key.equals(key)).map(kv -> kv.value).toList();
    }

    private IndicatorValue latest(String key) {
        List<IndicatorValue> v = valuesOf(key);
        assertThat(v).as(key).isNotEmpty();
        return v.get(v.size() - 1);
    }

    private static String key(String indicator, String station, String yearStart) {
        return indicator + "|station:" + station + yearStart;
    }

    @Test
    void correctionThatFlipsADayAboveFiftyChangesTheExceedanceCountByExactlyOne() {
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        String exceedance = key(PM10_EXCEEDANCE, KRASINSKIEGO, YEAR_2017);
        day(KRASINSKIEGO, Pollutant.PM10, T0, 24, 60.0);          // 2017-01-10: mean 60 > 50
        day(KRASINSKIEGO, Pollutant.PM10, T0_PLUS_1D, 24, 48.0);  // 2017-01-11: mean 48
        drain();
        assertThat(latest(exceedance).getValue()).isEqualTo(1.0);
        // The 10th turned FINAL during the 11th (its end + 3 h): the same mean, so no extra count or value.
        assertThat(valuesOf(exceedance)).extracting(IndicatorValue::getValue).containsOnly(0.0, 1.0);

        // A correction to the 11th's first hour (the day is still open): 48 → 120 makes the mean
        // (23 × 48 + 120) / 24 = 1224 / 24 = 51 > 50.
        pm10(hourEnd(T0_PLUS_1D, 0), 120.0);
        drain();
        assertThat(valuesOf(exceedance)).hasSize(1);
        assertThat(latest(exceedance).getValue()).isEqualTo(2.0);
        assertThat(latest(exceedance).getStatus()).isEqualTo(IndicatorStatus.PROVISIONAL);

        // Corrected back to 48: (23 × 48 + 48) / 24 = 48, below the limit again.
        pm10(hourEnd(T0_PLUS_1D, 0), 48.0);
        drain();
        assertThat(valuesOf(exceedance)).hasSize(1);
        assertThat(latest(exceedance).getValue()).isEqualTo(1.0);

        // The same correction again is a duplicate: nothing changes, nothing is emitted.
        pm10(hourEnd(T0_PLUS_1D, 0), 48.0);
        drain();
        assertThat(valuesOf(exceedance)).isEmpty();
    }

    @Test
    void invalidDaysAreNotCounted() {
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        String exceedance = key(PM10_EXCEEDANCE, KRASINSKIEGO, YEAR_2017);
        day(KRASINSKIEGO, Pollutant.PM10, T0, 17, 200.0); // 17 of 24 hours: invalid, however high
        drain();
        IndicatorValue first = latest(exceedance);
        assertThat(first.getValue()).isEqualTo(0.0);
        assertThat(first.getObservedCount()).isZero();
        // 2017-01-10 is day 10 of the year: days elapsed = 10.
        assertThat(first.getExpectedCount()).isEqualTo(10);
        assertThat(first.getValid()).isFalse();
        assertThat(first.getWindowStart()).isEqualTo(YEAR_2017_START);
        assertThat(first.getWindowEnd()).isEqualTo(YEAR_2018_START);
        assertThat(first.getUnit()).isEqualTo("days");

        day(KRASINSKIEGO, Pollutant.PM10, T0_PLUS_1D, 18, 60.0); // 18 hours: valid, 60 > 50
        drain();
        IndicatorValue second = latest(exceedance);
        assertThat(second.getValue()).isEqualTo(1.0);
        assertThat(second.getObservedCount()).isEqualTo(1);
        assertThat(second.getExpectedCount()).isEqualTo(11);
        assertThat(second.getCoverage()).isEqualTo(1.0 / 11);
        assertThat(second.getValid()).isFalse();
    }

    @Test
    void annualMeanUsesOnlyValidDays() {
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        String annual = key(PM10_ANNUAL, KRASINSKIEGO, YEAR_2017);
        // Four consecutive days from 1 January so that days elapsed = days sent.
        Instant jan1 = YEAR_2017_START;
        Instant jan2 = Instant.parse("2017-01-01T23:00:00Z");
        Instant jan3 = Instant.parse("2017-01-02T23:00:00Z");
        Instant jan4 = Instant.parse("2017-01-03T23:00:00Z");
        day(KRASINSKIEGO, Pollutant.PM10, jan1, 24, 30.0);
        day(KRASINSKIEGO, Pollutant.PM10, jan2, 10, 500.0); // invalid: 10 hours
        day(KRASINSKIEGO, Pollutant.PM10, jan3, 24, 60.0);
        drain();
        IndicatorValue three = latest(annual);
        // (30 + 60) / 2 = 45; 2 valid of 3 days: 2 < ⌈0.75 × 3⌉ = 3, not valid
        assertThat(three.getValue()).isEqualTo(45.0);
        assertThat(three.getObservedCount()).isEqualTo(2);
        assertThat(three.getExpectedCount()).isEqualTo(3);
        assertThat(three.getCoverage()).isEqualTo(2.0 / 3);
        assertThat(three.getValid()).isFalse();
        assertThat(three.getUnit()).isEqualTo(UNIT);

        day(KRASINSKIEGO, Pollutant.PM10, jan4, 24, 90.0);
        drain();
        IndicatorValue four = latest(annual);
        // (30 + 60 + 90) / 3 = 60; 3 valid of 4 days: 3 ≥ ⌈0.75 × 4⌉ = 3, valid
        assertThat(four.getValue()).isEqualTo(60.0);
        assertThat(four.getObservedCount()).isEqualTo(3);
        assertThat(four.getExpectedCount()).isEqualTo(4);
        assertThat(four.getValid()).isTrue();
        // While the fourth day was still invalid (< 18 h) the mean stayed 45.
        assertThat(valuesOf(annual).get(0).getValue()).isEqualTo(45.0);
    }

    @Test
    void yearBoundaryStartsANewCount() {
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        day(KRASINSKIEGO, Pollutant.PM10, DEC_31_2017, 24, 80.0); // its last hour is stamped 2018-01-01 00:00 local
        drain();
        IndicatorValue dec31 = latest(key(PM10_EXCEEDANCE, KRASINSKIEGO, YEAR_2017));
        assertThat(dec31.getValue()).isEqualTo(1.0);
        assertThat(dec31.getExpectedCount()).isEqualTo(365);

        day(KRASINSKIEGO, Pollutant.PM10, YEAR_2018_START, 24, 80.0);
        drain();
        String year2018 = key(PM10_EXCEEDANCE, KRASINSKIEGO, "|2018-01-01T00:00:00+01:00");
        IndicatorValue jan1 = latest(year2018);
        assertThat(jan1.getValue()).isEqualTo(1.0);
        assertThat(jan1.getExpectedCount()).isEqualTo(1);
        assertThat(jan1.getValid()).isTrue();
        assertThat(jan1.getWindowStart()).isEqualTo(YEAR_2018_START);
        assertThat(jan1.getWindowEnd()).isEqualTo(YEAR_2019_START);
        // 31 December turned FINAL at 2018-01-01 03:00 local: 2017 is closed, FINAL once, and its state deleted.
        List<IndicatorValue> closing2017 = valuesOf(key(PM10_EXCEEDANCE, KRASINSKIEGO, YEAR_2017));
        assertThat(closing2017).hasSize(1);
        assertThat(closing2017.get(0).getStatus()).isEqualTo(IndicatorStatus.FINAL);
        assertThat(closing2017.get(0).getRevision()).isEqualTo(1);
        assertThat(closing2017.get(0).getValue()).isEqualTo(1.0);
        assertThat(latest(key(PM10_ANNUAL, KRASINSKIEGO, YEAR_2017)).getStatus()).isEqualTo(IndicatorStatus.FINAL);
        KeyValueStore<String, YearState> store = driver.getKeyValueStore("iv3-pm10-year-to-date-by-station");
        assertThat(store.get("station:" + KRASINSKIEGO + "|2017")).isNull();
        assertThat(store.get("station:" + KRASINSKIEGO + "|2018")).isNotNull();
    }

    @Test
    void yearOfAStationWithoutAValueOnTheLastDayClosesWhenTheNextYearArrives() {
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        Instant dec30 = Instant.parse("2017-12-29T23:00:00Z");
        day(DIETLA, Pollutant.PM10, dec30, 24, 70.0);                       // Dietla stops on 30 December
        day(KRASINSKIEGO, Pollutant.PM10, YEAR_2018_START, 24, 10.0);      // stream time moves to 2018-01-02
        drain();
        List<IndicatorValue> dietla2017 = valuesOf(key(PM10_EXCEEDANCE, DIETLA, YEAR_2017));
        assertThat(dietla2017.get(dietla2017.size() - 1).getStatus()).isEqualTo(IndicatorStatus.FINAL);
        assertThat(dietla2017.stream().filter(v -> v.getStatus() == IndicatorStatus.FINAL)).hasSize(1);
        assertThat(dietla2017.get(dietla2017.size() - 1).getValue()).isEqualTo(1.0);
        KeyValueStore<String, YearState> store = driver.getKeyValueStore("iv3-pm10-year-to-date-by-station");
        try (KeyValueIterator<String, YearState> it = store.all()) {
            assertThat(it.next().key).isEqualTo("station:" + KRASINSKIEGO + "|2018");
            assertThat(it.hasNext()).isFalse();
        }
    }

    @Test
    void yearClosesOnTheDailyProcessorsProgressWhenNoStationOfThePollutantReportsInTheNewYear() {
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        day(DIETLA, Pollutant.PM10, Instant.parse("2017-12-29T23:00:00Z"), 24, 70.0); // the last PM10 of the partition
        // Only PM2.5 in the new year: no PM10 daily value ever reaches the year-to-date processor again, but the
        // task's stream time moves, and the PM10 daily-mean processor's progress marker closes the year.
        day(KRASINSKIEGO, Pollutant.PM25, YEAR_2018_START, 24, 10.0);
        drain();
        List<IndicatorValue> dietla2017 = valuesOf(key(PM10_EXCEEDANCE, DIETLA, YEAR_2017));
        assertThat(dietla2017.stream().filter(v -> v.getStatus() == IndicatorStatus.FINAL)).singleElement()
                .satisfies(v -> assertThat(v.getRevision()).isEqualTo(1));
        try (KeyValueIterator<String, YearState> it =
                     driver.<String, YearState>getKeyValueStore("iv3-pm10-year-to-date-by-station").all()) {
            assertThat(it.hasNext()).as("the PM10 station-year is closed and deleted").isFalse();
        }
    }

    @Test
    void pm25ExceedanceDaysIsACatalogEntryOnly() {
        IndicatorCatalog.Indicator entry = IndicatorCatalog.bundled().indicator(PM25_EXCEEDANCE).orElseThrow();
        assertThat(entry.kind()).isEqualTo("exceedance_days");
        assertThat(YearToDateKind.EXCEEDANCE_DAYS.parse(entry).thresholdUgM3()).isEqualTo(25.0);
        assertThat(entry.implemented()).isTrue();

        startDriver(IndicatorCatalog.bundled(), clock.instant());
        String exceedance = key(PM25_EXCEEDANCE, KRASINSKIEGO, YEAR_2017);
        day(KRASINSKIEGO, Pollutant.PM25, T0, 24, 26.0);          // 26 > 25: counted
        day(KRASINSKIEGO, Pollutant.PM25, T0_PLUS_1D, 24, 25.0);  // exactly 25 is not above the limit
        day(KRASINSKIEGO, Pollutant.PM25, T0_PLUS_2D, 24, 40.0);  // counted
        drain();
        IndicatorValue v = latest(exceedance);
        assertThat(v.getValue()).isEqualTo(2.0);
        assertThat(v.getObservedCount()).isEqualTo(3);
        assertThat(v.getIndicatorId()).isEqualTo(PM25_EXCEEDANCE);
        // PM2.5 values never touch the PM10 count.
        assertThat(valuesOf(key(PM10_EXCEEDANCE, KRASINSKIEGO, YEAR_2017))).isEmpty();
    }

    @Test
    void hourlyValueIsTheLatestValueProvisionalThenFinal() {
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        String hourKey = PM10_HOURLY + "|station:" + KRASINSKIEGO + "|2017-01-10T00:00:00+01:00";
        pm10(hourEnd(T0, 0), 40.0);
        drain();
        IndicatorValue first = latest(hourKey);
        assertThat(first.getValue()).isEqualTo(40.0);
        assertThat(first.getStatus()).isEqualTo(IndicatorStatus.PROVISIONAL);
        assertThat(first.getWindowStart()).isEqualTo(T0);
        assertThat(first.getWindowEnd()).isEqualTo(T0_PLUS_1H);
        assertThat(first.getExpectedCount()).isEqualTo(1);
        assertThat(first.getValid()).isTrue();

        pm10(hourEnd(T0, 0), 44.0); // re-sent with another value: the latest one wins
        drain();
        assertThat(latest(hourKey).getValue()).isEqualTo(44.0);
        assertThat(latest(hourKey).getStatus()).isEqualTo(IndicatorStatus.PROVISIONAL);

        pm10(hourEnd(T0, 2), 10.0); // stream time 03:00 local: hour 00-01 not yet past its end + 3 h
        drain();
        assertThat(valuesOf(hourKey)).isEmpty();
        pm10(hourEnd(T0, 3), 10.0); // stream time 04:00 local = the hour's end + 3 h grace
        drain();
        IndicatorValue fin = latest(hourKey);
        assertThat(valuesOf(hourKey)).hasSize(1);
        assertThat(fin.getValue()).isEqualTo(44.0);
        assertThat(fin.getStatus()).isEqualTo(IndicatorStatus.FINAL);
        assertThat(fin.getRevision()).isEqualTo(1);
        // Only the hours still within grace are held.
        try (KeyValueIterator<?, ?> it = driver.getKeyValueStore("iv3-pm10-hourly-by-station").all()) {
            int open = 0;
            while (it.hasNext()) {
                it.next();
                open++;
            }
            assertThat(open).isEqualTo(2); // 02-03 and 03-04
        }
    }

    @Test
    void bundledTopologyNamesEveryNodeAndStore() {
        IndicatorCatalog bundled = IndicatorCatalog.bundled();
        TopologyDescription description = topology(bundled).describe();
        List<String> names = new java.util.ArrayList<>();
        List<String> stores = new java.util.ArrayList<>();
        description.subtopologies().forEach(s -> s.nodes().forEach(n -> {
            names.add(n.name());
            if (n instanceof TopologyDescription.Processor p) {
                stores.addAll(p.stores());
            }
        }));
        assertThat(names).contains("iv3-pm10-year-to-date-processor", "iv3-pm10-year-to-date-indicator-sink",
                "iv3-pm25-year-to-date-processor", "iv3-pm10-hourly-processor", "iv3-pm10-hourly-indicator-sink",
                "iv3-pm10-hourly-late-sink");
        assertThat(names).noneMatch(n -> n.startsWith("KSTREAM-") || n.startsWith("KTABLE-"));
        assertThat(stores).containsExactlyInAnyOrderElementsOf(Iv3EnvironmentTopology.storeNames(bundled));
        assertThat(stores).contains("iv3-pm10-year-to-date-by-station", "iv3-pm25-year-to-date-by-station",
                "iv3-pm10-hourly-by-station", "iv3-pm10-hourly-closing-time");
        // One sub-topology for everything keyed by station, plus one per city stage (its repartition topic's consumer).
        assertThat(description.subtopologies()).hasSize(1 + Iv3EnvironmentTopology.cities(bundled).size());
        assertThat(Iv3EnvironmentTopology.cities(bundled)).hasSize(3);
    }
}
