package pl.krakow.pulse.indicators.city;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;

/**
 * The city stage's revision rules, fed station values directly (a lagging partition's FINAL cannot be staged
 * in a single-partition TopologyTestDriver). Hand-made values.
 */
class CityAggregateProcessorTest {

    private static final Instant DAY_START = Instant.parse("2017-01-09T23:00:00Z");
    private static final Instant DAY_END = Instant.parse("2017-01-10T23:00:00Z");
    private static final String KEY = "iv3.pm10.daily_mean|city|2017-01-10T00:00:00+01:00";

    private final CityDefinition definition = new CityDefinition("iv3.pm10.daily_mean", "IV.3", "µg/m³",
            CityAggregate.MAX, Duration.ofHours(3), Duration.ofDays(1));
    private MockProcessorContext<String, IndicatorValue> context;
    private CityAggregateProcessor processor;

    @BeforeEach
    void setUp() {
        context = new MockProcessorContext<>();
        context.setCurrentStreamTimeMs(DAY_END.toEpochMilli());
        KeyValueStore<String, CityDayState> store = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(definition.storeName()), Serdes.String(), new CityDayStateSerde())
                .withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        processor = new CityAggregateProcessor(definition, Clock.fixed(Instant.parse("2017-01-11T06:00:00Z"), ZoneOffset.UTC),
                new SimpleMeterRegistry());
        processor.init(context);
    }

    private static IndicatorValue station(String code, double mean, boolean valid, IndicatorStatus status) {
        return new IndicatorValue("iv3.pm10.daily_mean", "IV.3", "station:" + code, DAY_START, DAY_END, "Europe/Warsaw",
                mean, "µg/m³", valid ? 24 : 10, 24, valid ? 1.0 : 10 / 24.0, valid, status,
                status == IndicatorStatus.FINAL ? 1 : 0, DAY_END, DAY_END);
    }

    private List<IndicatorValue> feed(IndicatorValue v) {
        context.resetForwards();
        processor.process(new Record<String, SpecificRecord>(KEY, v, DAY_END.toEpochMilli()));
        return context.forwarded().stream().map(f -> (IndicatorValue) f.record().value()).toList();
    }

    @Test
    void laterFinalStationValueRevisesTheFinalCityValue() {
        feed(station("A", 40, true, IndicatorStatus.PROVISIONAL));
        List<IndicatorValue> fin = feed(station("A", 40, true, IndicatorStatus.FINAL));
        assertThat(fin).singleElement().satisfies(v -> {
            assertThat(v.getStatus()).isEqualTo(IndicatorStatus.FINAL);
            assertThat(v.getRevision()).isEqualTo(1);
            assertThat(v.getValue()).isEqualTo(40.0);
        });
        // A lagging station's PROVISIONAL value is held: a FINAL city value never goes back to PROVISIONAL.
        assertThat(feed(station("B", 70, true, IndicatorStatus.PROVISIONAL))).isEmpty();
        // Its FINAL makes every station FINAL again with a new maximum: revision 2.
        assertThat(feed(station("B", 70, true, IndicatorStatus.FINAL))).singleElement().satisfies(v -> {
            assertThat(v.getStatus()).isEqualTo(IndicatorStatus.FINAL);
            assertThat(v.getRevision()).isEqualTo(2);
            assertThat(v.getValue()).isEqualTo(70.0);
            assertThat(v.getExpectedCount()).isEqualTo(2);
        });
        // A later FINAL that changes nothing in the city value (an invalid station) still revises the counts.
        assertThat(feed(station("C", 99, false, IndicatorStatus.FINAL))).singleElement().satisfies(v -> {
            assertThat(v.getRevision()).isEqualTo(3);
            assertThat(v.getValue()).isEqualTo(70.0);
            assertThat(v.getObservedCount()).isEqualTo(2);
            assertThat(v.getExpectedCount()).isEqualTo(3);
        });
    }

    @Test
    void stationUpdateThatDoesNotMoveTheMaximumEmitsNothing() {
        feed(station("A", 60, true, IndicatorStatus.PROVISIONAL));
        feed(station("B", 30, true, IndicatorStatus.PROVISIONAL));
        assertThat(feed(station("B", 35, true, IndicatorStatus.PROVISIONAL))).isEmpty();
        assertThat(feed(station("B", 35, true, IndicatorStatus.PROVISIONAL))).isEmpty(); // duplicate
    }

    @Test
    void stationValueForACleanedUpDayIsDroppedAndCounted() {
        context.setCurrentStreamTimeMs(DAY_END.plus(Duration.ofHours(27)).toEpochMilli());
        assertThat(feed(station("A", 60, true, IndicatorStatus.FINAL))).isEmpty();
    }

    @Test
    void stateRoundTripsThroughItsBinaryForm() {
        CityDayState s = new CityDayState(DAY_START.toEpochMilli(), DAY_END.toEpochMilli());
        s.put("station:A", 40.0, true, true, 5L);
        s.put("station:Zażółć", null, false, false, 7L);
        s.finalRevision(2);
        s.published(s.snapshot(CityAggregate.MEAN));
        CityDayState back = CityDayState.fromBytes(s.toBytes());
        assertThat(back.stations()).isEqualTo(s.stations());
        assertThat(back.published()).isEqualTo(s.published());
        assertThat(back.finalRevision()).isEqualTo(2);
        assertThat(back.lastIngestedAtMs()).isEqualTo(7L);
        assertThat(back.snapshot(CityAggregate.MEAN).value()).isEqualTo(40.0);
        assertThat(back.snapshot(CityAggregate.MEAN).valid()).isTrue();
        assertThat(back.snapshot(CityAggregate.MAX).allFinal()).isFalse();
    }
}
