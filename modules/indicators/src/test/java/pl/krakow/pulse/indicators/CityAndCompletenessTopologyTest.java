package pl.krakow.pulse.indicators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;

/**
 * The city scope of the PM daily means (max over stations, two stages through a named repartition topic) and
 * data completeness (station and city), through the production topology built from the bundled catalog.
 * All values are hand-made fixtures; expected values are worked out by hand in the comments.
 */
class CityAndCompletenessTopologyTest extends IndicatorsTestBase {

    private static final String COMPLETENESS = "iv3.data.completeness";
    private static final String T0_DAY = "|2017-01-10T00:00:00+01:00";
    private static final String DST_DAY = "|2017-03-26T00:00:00+01:00";
    private static final String CITY_PM10 = PM10_DAILY + "|city:krakow" + T0_DAY;
    private static final String CITY_PM25 = PM25_DAILY + "|city:krakow" + T0_DAY;
    private static final String NOWA_HUTA = "MpKrakBulwar";

    private List<KeyValue<String, IndicatorValue>> output;

    private void day(String station, Pollutant pollutant, Instant dayStart, int hours, double valueUgM3) {
        for (int h = 0; h < hours; h++) {
            pipe(hourly(station, pollutant, hourEnd(dayStart, h), valueUgM3));
        }
    }

    /** A PM10 value of the next day whose end is the day's end + grace: stream time closes the T0 day. */
    private void closeT0Day() {
        pipe(hourly(KRASINSKIEGO, Pollutant.PM10, AFTER_GRACE, 10.0));
    }

    private void drain() {
        output = table.readKeyValuesToList();
    }

    private List<IndicatorValue> valuesOf(String key) {
        return output.stream().filter(kv -> kv.key.equals(key)).map(kv -> kv.value).toList();
    }

    private IndicatorValue latest(String key) {
        List<IndicatorValue> v = valuesOf(key);
        assertThat(v).as(key).isNotEmpty();
        return v.get(v.size() - 1);
    }

    @Test
    void cityDailyMeanIsTheMaximumOverStations() {
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        day(KRASINSKIEGO, Pollutant.PM10, T0, 24, 60.0);
        day(DIETLA, Pollutant.PM10, T0, 24, 40.0);
        day(NOWA_HUTA, Pollutant.PM10, T0, 24, 55.0);
        drain();
        IndicatorValue city = latest(CITY_PM10);
        // max(60, 40, 55) = 60; three stations reported, all valid.
        assertThat(city.getValue()).isEqualTo(60.0);
        assertThat(city.getScope()).isEqualTo("city:krakow");
        assertThat(city.getObservedCount()).isEqualTo(3);
        assertThat(city.getExpectedCount()).isEqualTo(3);
        assertThat(city.getValid()).isTrue();
        assertThat(city.getStatus()).isEqualTo(IndicatorStatus.PROVISIONAL);
        assertThat(city.getRevision()).isZero();
        assertThat(city.getWindowStart()).isEqualTo(T0);
        assertThat(city.getWindowEnd()).isEqualTo(T0_DAY_END);
        assertThat(valuesOf(CITY_PM10)).allMatch(v -> v.getStatus() == IndicatorStatus.PROVISIONAL);
    }

    @Test
    void invalidStationIsExcludedFromTheCityMaximum() {
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        day(KRASINSKIEGO, Pollutant.PM10, T0, 10, 90.0);  // 10 h < 18: invalid, mean 90 must not count
        day(DIETLA, Pollutant.PM10, T0, 24, 40.0);
        drain();
        IndicatorValue city = latest(CITY_PM10);
        assertThat(city.getValue()).isEqualTo(40.0);
        assertThat(city.getObservedCount()).isEqualTo(1);  // valid stations
        assertThat(city.getExpectedCount()).isEqualTo(2);  // stations reporting the day
        assertThat(city.getCoverage()).isEqualTo(0.5);
        assertThat(city.getValid()).isTrue();
    }

    @Test
    void cityWithoutAnyValidStationIsPublishedInvalidWithoutValue() {
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        day(KRASINSKIEGO, Pollutant.PM10, T0, 5, 90.0);
        drain();
        IndicatorValue city = latest(CITY_PM10);
        assertThat(city.getValue()).isNull();
        assertThat(city.getValid()).isFalse();
        assertThat(city.getObservedCount()).isZero();
        assertThat(city.getExpectedCount()).isEqualTo(1);
    }

    @Test
    void cityIsFinalOnceWhenEveryStationIsFinal() {
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        day(KRASINSKIEGO, Pollutant.PM10, T0, 24, 60.0);
        day(DIETLA, Pollutant.PM10, T0, 24, 40.0);
        drain();
        assertThat(valuesOf(CITY_PM10)).noneMatch(v -> v.getStatus() == IndicatorStatus.FINAL);
        closeT0Day();
        drain();
        // Both station days close on the same stream-time step; the first FINAL station alone (the other still
        // PROVISIONAL) changes nothing, the second makes every station FINAL: exactly one FINAL, revision 1.
        List<IndicatorValue> finals = valuesOf(CITY_PM10).stream().filter(v -> v.getStatus() == IndicatorStatus.FINAL).toList();
        assertThat(finals).hasSize(1);
        assertThat(finals.get(0).getRevision()).isEqualTo(1);
        assertThat(finals.get(0).getValue()).isEqualTo(60.0);
        assertThat(finals.get(0).getObservedCount()).isEqualTo(2);
        assertThat(valuesOf(CITY_PM10)).hasSize(1);
    }

    @Test
    void pm25HasItsOwnCityValueFromTheCatalogEntryOnly() {
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        day(KRASINSKIEGO, Pollutant.PM25, T0, 24, 30.0);
        day(DIETLA, Pollutant.PM25, T0, 24, 35.0);
        drain();
        assertThat(latest(CITY_PM25).getValue()).isEqualTo(35.0);
        assertThat(latest(CITY_PM25).getUnit()).isEqualTo(UNIT);
        assertThat(valuesOf(CITY_PM10)).isEmpty();
    }

    @Test
    void cityStoreHoldsStationsOfTheDayAndIsCleanedAfterRetention() {
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        day(KRASINSKIEGO, Pollutant.PM10, T0, 24, 60.0);
        day(DIETLA, Pollutant.PM10, T0, 24, 40.0);
        assertThat(driver.getKeyValueStore("iv3-pm10-daily-mean-city-stations-by-day").get(CITY_PM10)).isNotNull();
        // end + grace + 1 day retention = 2017-01-12T02:00Z; one more hour for the hourly stream-time purge.
        pipe(hourly(KRASINSKIEGO, Pollutant.PM10, Instant.parse("2017-01-12T04:00:00Z"), 10.0));
        try (KeyValueIterator<?, ?> it = driver.getKeyValueStore("iv3-pm10-daily-mean-city-stations-by-day").all()) {
            List<Object> keys = new java.util.ArrayList<>();
            it.forEachRemaining(kv -> keys.add(kv.key));
            assertThat(keys).doesNotContain(CITY_PM10);
        }
    }

    @Test
    void completenessIsTheShareOfExpectedStationHours() {
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        day(KRASINSKIEGO, Pollutant.PM10, T0, 18, 30.0);
        drain();
        IndicatorValue c = latest(COMPLETENESS + "|station:" + KRASINSKIEGO + T0_DAY);
        assertThat(c.getValue()).isEqualTo(75.0);  // 18 / 24 × 100
        assertThat(c.getUnit()).isEqualTo("%");
        assertThat(c.getObservedCount()).isEqualTo(18);
        assertThat(c.getExpectedCount()).isEqualTo(24);
        assertThat(c.getValid()).isTrue();
        assertThat(c.getStatus()).isEqualTo(IndicatorStatus.PROVISIONAL);
        // one value per new hour: 1/24 … 18/24
        assertThat(valuesOf(COMPLETENESS + "|station:" + KRASINSKIEGO + T0_DAY)).hasSize(18);
    }

    @Test
    void correctionOfAnHourAlreadyHeldDoesNotRepeatCompleteness() {
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        day(KRASINSKIEGO, Pollutant.PM10, T0, 3, 30.0);
        pm10(hourEnd(T0, 1), 99.0); // a correction: same hour count
        drain();
        assertThat(valuesOf(COMPLETENESS + "|station:" + KRASINSKIEGO + T0_DAY)).hasSize(3);
    }

    @Test
    void completenessOfTheDstSpringDayCountsTwentyThreeExpectedHours() {
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        day(KRASINSKIEGO, Pollutant.PM10, DST_SPRING_DAY, 23, 30.0);
        day(DIETLA, Pollutant.PM10, DST_SPRING_DAY, 20, 30.0);
        drain();
        IndicatorValue kras = latest(COMPLETENESS + "|station:" + KRASINSKIEGO + DST_DAY);
        assertThat(kras.getValue()).isEqualTo(100.0);  // 23 / 23
        assertThat(kras.getExpectedCount()).isEqualTo(23);
        IndicatorValue dietla = latest(COMPLETENESS + "|station:" + DIETLA + DST_DAY);
        assertThat(dietla.getValue()).isCloseTo(2000.0 / 23, within(1e-9));  // 20 / 23 × 100 = 86.96
        // City completeness = mean over the reporting stations: (100 + 2000/23) / 2 = 93.478…
        IndicatorValue city = latest(COMPLETENESS + "|city:krakow" + DST_DAY);
        assertThat(city.getValue()).isCloseTo((100.0 + 2000.0 / 23) / 2, within(1e-9));
        assertThat(city.getExpectedCount()).isEqualTo(2);
        assertThat(city.getObservedCount()).isEqualTo(2);
    }

    @Test
    void completenessTurnsFinalWithItsDay() {
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        day(KRASINSKIEGO, Pollutant.PM10, T0, 24, 30.0);
        closeT0Day();
        drain();
        IndicatorValue c = latest(COMPLETENESS + "|station:" + KRASINSKIEGO + T0_DAY);
        assertThat(c.getStatus()).isEqualTo(IndicatorStatus.FINAL);
        assertThat(c.getRevision()).isEqualTo(1);
        assertThat(c.getValue()).isEqualTo(100.0);
        IndicatorValue city = latest(COMPLETENESS + "|city:krakow" + T0_DAY);
        assertThat(city.getStatus()).isEqualTo(IndicatorStatus.FINAL);
        assertThat(city.getValue()).isEqualTo(100.0);
    }

    @Test
    void cityStagesAreNamedWithExplicitRepartitionTopics() {
        IndicatorCatalog bundled = IndicatorCatalog.bundled();
        TopologyDescription description = topology(bundled).describe();
        List<String> names = new java.util.ArrayList<>();
        List<String> topics = new java.util.ArrayList<>();
        description.subtopologies().forEach(s -> s.nodes().forEach(n -> {
            names.add(n.name());
            if (n instanceof TopologyDescription.Sink sink && sink.topic() != null) {
                topics.add(sink.topic());
            }
        }));
        assertThat(names).contains("iv3-pm10-daily-mean-city-rekey", "iv3-pm10-daily-mean-city-processor",
                "iv3-pm10-daily-mean-city-indicator-sink", "iv3-pm25-daily-mean-city-processor",
                "iv3-data-completeness-processor", "iv3-data-completeness-indicator-sink",
                "iv3-data-completeness-city-processor");
        assertThat(topics).contains("iv3-pm10-daily-mean-city-by-day-repartition",
                "iv3-pm25-daily-mean-city-by-day-repartition", "iv3-data-completeness-city-by-day-repartition");
        assertThat(names).noneMatch(n -> n.startsWith("KSTREAM-") || n.startsWith("KTABLE-"));
    }
}
