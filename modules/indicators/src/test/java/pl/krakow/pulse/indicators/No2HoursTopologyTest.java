package pl.krakow.pulse.indicators;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;

/**
 * NO2 hourly value and NO2 hours above 200 µg/m³ year to date, through the production topology built from the
 * bundled catalog. There is no real NO2 data in the bundle: every value here is hand-made, expected values are
 * worked out by hand in the comments.
 */
class No2HoursTopologyTest extends IndicatorsTestBase {

    private static final String NO2_HOURLY = "iv3.no2.hourly";
    private static final String NO2_HOURS = "iv3.no2.hours_above_200";
    private static final String YEAR_2017 = "|2017-01-01T00:00:00+01:00";
    private static final String HOURS_KEY = NO2_HOURS + "|station:" + KRASINSKIEGO + YEAR_2017;
    /** 2018-01-01 00:00 local = end of 2017. */
    private static final Instant YEAR_2018_START = Instant.parse("2017-12-31T23:00:00Z");

    private List<KeyValue<String, IndicatorValue>> output;

    private void no2(Instant hourEnd, double valueUgM3) {
        pipe(hourly(KRASINSKIEGO, Pollutant.NO2, hourEnd, valueUgM3));
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
    void no2HourlyValueIsPublishedFromTheCatalog() {
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        no2(T0_PLUS_1H, 150.0);
        drain();
        IndicatorValue v = latest(NO2_HOURLY + "|station:" + KRASINSKIEGO + "|2017-01-10T00:00:00+01:00");
        assertThat(v.getValue()).isEqualTo(150.0);
        assertThat(v.getStatus()).isEqualTo(IndicatorStatus.PROVISIONAL);
    }

    @Test
    void countsDistinctHoursStrictlyAboveTwoHundred() {
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        no2(hourEnd(T0, 0), 210.0);   // above
        no2(hourEnd(T0, 1), 250.0);   // above
        no2(hourEnd(T0, 2), 200.0);   // = 200: not above
        no2(hourEnd(T0, 3), 180.0);
        drain();
        IndicatorValue v = latest(HOURS_KEY);
        assertThat(v.getValue()).isEqualTo(2.0);
        assertThat(v.getUnit()).isEqualTo("hours");
        assertThat(v.getObservedCount()).isEqualTo(4);
        // 2017-01-01 00:00 through 2017-01-10 04:00 local: 9 × 24 + 4 = 220 hours elapsed.
        assertThat(v.getExpectedCount()).isEqualTo(220);
        assertThat(v.getValid()).isFalse();   // 4 of 220 hours < 75 %
        assertThat(v.getWindowStart()).isEqualTo(Instant.parse("2016-12-31T23:00:00Z"));
        assertThat(v.getStatus()).isEqualTo(IndicatorStatus.PROVISIONAL);
    }

    @Test
    void correctedHourIsRecountedNotDoubleCounted() {
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        no2(hourEnd(T0, 0), 210.0);
        no2(hourEnd(T0, 1), 250.0);
        drain();
        assertThat(latest(HOURS_KEY).getValue()).isEqualTo(2.0);
        no2(hourEnd(T0, 1), 260.0);   // corrected, still above: the count stays 2, nothing emitted
        drain();
        assertThat(valuesOf(HOURS_KEY)).isEmpty();
        no2(hourEnd(T0, 1), 150.0);   // corrected below: 1
        drain();
        assertThat(latest(HOURS_KEY).getValue()).isEqualTo(1.0);
        no2(hourEnd(T0, 1), 150.0);   // duplicate: nothing
        no2(hourEnd(T0, 1), 201.0);   // corrected above again: 2
        drain();
        assertThat(valuesOf(HOURS_KEY)).extracting(IndicatorValue::getValue).containsExactly(2.0);
    }

    @Test
    void yearTurnsFinalWhenItsLastHourIsFinal() {
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        no2(T0_PLUS_1H, 230.0);
        no2(YEAR_2018_START, 300.0);  // 2017-12-31 23:00–24:00 local, the year's last hour
        // A 2018 value whose hour ends at the 2017 end + 3 h grace: stream time closes the last 2017 hour.
        no2(Instant.parse("2018-01-01T02:00:00Z"), 50.0);
        drain();
        List<IndicatorValue> finals = valuesOf(HOURS_KEY).stream().filter(v -> v.getStatus() == IndicatorStatus.FINAL).toList();
        assertThat(finals).singleElement().satisfies(v -> {
            assertThat(v.getValue()).isEqualTo(2.0);
            assertThat(v.getRevision()).isEqualTo(1);
        });
        assertThat(driver.getKeyValueStore("iv3-no2-hours-above-200-by-station").get("station:" + KRASINSKIEGO + "|2017")).isNull();
        assertThat(latest(NO2_HOURS + "|station:" + KRASINSKIEGO + "|2018-01-01T00:00:00+01:00").getValue()).isZero();
    }

    @Test
    void no2NodesAndStoreAreNamed() {
        TopologyDescription description = topology(IndicatorCatalog.bundled()).describe();
        List<String> names = new java.util.ArrayList<>();
        List<String> stores = new java.util.ArrayList<>();
        description.subtopologies().forEach(s -> s.nodes().forEach(n -> {
            names.add(n.name());
            if (n instanceof TopologyDescription.Processor p) {
                stores.addAll(p.stores());
            }
        }));
        assertThat(names).contains("iv3-no2-hourly-processor", "iv3-no2-hourly-indicator-sink",
                "iv3-no2-hours-above-200-processor", "iv3-no2-hours-above-200-indicator-sink");
        assertThat(stores).contains("iv3-no2-hourly-by-station", "iv3-no2-hours-above-200-by-station");
    }
}
