package pl.krakow.pulse.indicators;

import static org.assertj.core.api.Assertions.assertThat;

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
 * O3 maximum daily 8-hour running mean through the production topology built from the bundled catalog. There is
 * no real O3 data in the bundle: every value here is hand-made; expected values are worked out in the comments.
 */
class O3Max8hTopologyTest extends IndicatorsTestBase {

    private static final String O3_MAX8H = "iv3.o3.max_8h";
    private static final String T0_KEY = O3_MAX8H + "|station:" + KRASINSKIEGO + "|2017-01-10T00:00:00+01:00";
    /** 2017-01-09, the day before T0. */
    private static final Instant T0_MINUS_1D = Instant.parse("2017-01-08T23:00:00Z");

    private List<KeyValue<String, IndicatorValue>> output;

    private void o3(Instant hourEnd, double valueUgM3) {
        pipe(hourly(KRASINSKIEGO, Pollutant.O3, hourEnd, valueUgM3));
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
    void dailyMaximumOfValidEightHourMeans() {
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        // Hours 00–08 … 23–24 local: 100, except 08–16 (indices 8..15) = 140.
        for (int h = 0; h < 24; h++) {
            o3(hourEnd(T0, h), h >= 8 && h <= 15 ? 140.0 : 100.0);
        }
        drain();
        IndicatorValue v = latest(T0_KEY);
        // The mean ending at 16:00 covers exactly 08–16: 140. Means ending 01:00 … 05:00 have 1 … 5 of 8 hours
        // (no data of the previous day): invalid; those ending 06:00 … 24:00 have ≥ 6: 19 valid means ≥ 18.
        assertThat(v.getValue()).isEqualTo(140.0);
        assertThat(v.getObservedCount()).isEqualTo(19);
        assertThat(v.getExpectedCount()).isEqualTo(24);
        assertThat(v.getValid()).isTrue();
        assertThat(v.getStatus()).isEqualTo(IndicatorStatus.PROVISIONAL);
        // Published from the day's first hour on: no valid 8-h mean yet (null, invalid), then 100 from the 6th hour.
        assertThat(valuesOf(T0_KEY).get(0).getValue()).isNull();
        assertThat(valuesOf(T0_KEY).get(0).getValid()).isFalse();
        assertThat(valuesOf(T0_KEY).stream().filter(x -> x.getValue() != null).findFirst().orElseThrow().getValue())
                .isEqualTo(100.0);
    }

    @Test
    void runningMeanBelongsToTheDayInWhichItEndsAndTurnsFinal() {
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        for (int h = 16; h < 24; h++) {
            o3(hourEnd(T0_MINUS_1D, h), 200.0);   // 2017-01-09 16–24: 200
        }
        for (int h = 0; h < 24; h++) {
            o3(hourEnd(T0, h), 50.0);             // 2017-01-10: 50
        }
        drain();
        // The mean ending 2017-01-10 01:00 covers 01-09 17–24 (7 × 200) and 00–01 (50): 1450 / 8 = 181.25, the
        // day's maximum; it belongs to the 10th, not the 9th. Every mean of the 10th has 8 hours: 24 valid.
        IndicatorValue v = latest(T0_KEY);
        assertThat(v.getValue()).isEqualTo(181.25);
        assertThat(v.getObservedCount()).isEqualTo(24);
        // The 9th: means ending 22:00, 23:00, 24:00 have 6, 7, 8 hours of 200; 3 valid means < 18: invalid.
        IndicatorValue previous = latest(O3_MAX8H + "|station:" + KRASINSKIEGO + "|2017-01-09T00:00:00+01:00");
        assertThat(previous.getValue()).isEqualTo(200.0);
        assertThat(previous.getValid()).isFalse();
        assertThat(previous.getStatus()).isEqualTo(IndicatorStatus.FINAL); // its hours closed while the 10th streamed

        o3(AFTER_GRACE, 50.0);   // stream time = the 10th's end + 3 h: its last hour FINAL, so the day FINAL
        drain();
        List<IndicatorValue> finals = valuesOf(T0_KEY).stream().filter(x -> x.getStatus() == IndicatorStatus.FINAL).toList();
        assertThat(finals).singleElement().satisfies(f -> {
            assertThat(f.getValue()).isEqualTo(181.25);
            assertThat(f.getRevision()).isEqualTo(1);
        });
        try (KeyValueIterator<String, ?> it = driver.<String, Object>getKeyValueStore("iv3-o3-max-8h-by-station").all()) {
            List<String> keys = new java.util.ArrayList<>();
            it.forEachRemaining(kv -> keys.add(kv.key));
            // Only the 11th is held (its lead hours and its first hour); the 9th and 10th are gone.
            assertThat(keys).hasSize(1);
        }
    }

    @Test
    void correctionOfALateHourUpdatesBothDays() {
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        for (int h = 0; h < 24; h++) {
            o3(hourEnd(T0, h), 60.0);
        }
        o3(Instant.parse("2017-01-11T00:00:00Z"), 60.0);           // 2017-01-11 00–01
        drain();
        assertThat(latest(T0_KEY).getValue()).isEqualTo(60.0);
        o3(hourEnd(T0, 23), 140.0);   // correction of 2017-01-10 23–24 (within grace): 60 → 140
        drain();
        // The 10th: the mean ending 24:00 = (7 × 60 + 140) / 8 = 70. The 11th (only its 00–01 hour so far): ending
        // 01:00 = (6 × 60 + 140 + 60) / 8 = 70; ending 02:00 = (5 × 60 + 140 + 60) / 7 = 71.43; ending 03:00 =
        // (4 × 60 + 140 + 60) / 6 = 73.33 (6 of 8 hours: still valid); ending 04:00 has 5 hours: invalid. Max 73.33.
        assertThat(latest(T0_KEY).getValue()).isEqualTo(70.0);
        assertThat(latest(O3_MAX8H + "|station:" + KRASINSKIEGO + "|2017-01-11T00:00:00+01:00").getValue())
                .isCloseTo(440.0 / 6, org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void o3NodesAndStoreAreNamed() {
        TopologyDescription description = topology(IndicatorCatalog.bundled()).describe();
        List<String> names = new java.util.ArrayList<>();
        List<String> stores = new java.util.ArrayList<>();
        description.subtopologies().forEach(s -> s.nodes().forEach(n -> {
            names.add(n.name());
            if (n instanceof TopologyDescription.Processor p) {
                stores.addAll(p.stores());
            }
        }));
        assertThat(names).contains("iv3-o3-hourly-processor", "iv3-o3-max-8h-processor", "iv3-o3-max-8h-indicator-sink");
        assertThat(stores).contains("iv3-o3-max-8h-by-station");
    }
}
