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
import pl.krakow.pulse.runtime.streams.watermark.Progress;
import pl.krakow.pulse.runtime.streams.watermark.UpstreamWatermark;
import pl.krakow.pulse.testsupport.time.TestInstants;

/**
 * The city stage's watermark and revision rules, fed station values and the progress markers of two upstream
 * partitions directly (the interleavings of two stage-1 tasks cannot be staged in a single-task
 * TopologyTestDriver; {@code CityValuesAcrossPartitionsIT} runs them on the real broker). Hand-made values.
 */
class CityAggregateProcessorTest {

    private static final Instant DAY_START = TestInstants.JAN_10_2017_WARSAW;
    private static final Instant DAY_END = Instant.parse("2017-01-10T23:00:00Z");
    private static final Instant DUE = DAY_END.plus(Duration.ofHours(3));
    private static final String KEY = "iv3.pm10.daily_mean|city:krakow|2017-01-10T00:00:00+01:00";

    private final CityDefinition definition = new CityDefinition("iv3.pm10.daily_mean", "IV.3", "µg/m³",
            CityAggregate.MAX, Duration.ofHours(3), Duration.ofDays(1), "city:krakow", "Europe/Warsaw");
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private MockProcessorContext<String, IndicatorValue> context;
    private CityAggregateProcessor processor;

    @BeforeEach
    void setUp() {
        context = new MockProcessorContext<>();
        KeyValueStore<String, CityDayState> store = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(definition.storeName()), Serdes.String(), new CityDayStateSerde())
                .withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        KeyValueStore<Integer, byte[]> progress = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(definition.watermarkStoreName()), Serdes.Integer(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        progress.init(context.getStateStoreContext(), progress);
        context.addStateStore(progress);
        processor = new CityAggregateProcessor(definition, Clock.fixed(Instant.parse("2017-01-11T06:00:00Z"), ZoneOffset.UTC),
                meters);
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
        return forwarded();
    }

    private List<IndicatorValue> progress(int partition, Instant closing, boolean idle) {
        context.resetForwards();
        processor.process(new Progress(partition, 2, closing.toEpochMilli(), idle).<SpecificRecord>toRecord());
        return forwarded();
    }

    private List<IndicatorValue> forwarded() {
        return context.forwarded().stream().map(f -> (IndicatorValue) f.record().value()).toList();
    }

    private double counter(String name) {
        return meters.find(name).counter() == null ? 0 : meters.find(name).counter().count();
    }

    @Test
    void cityDayIsFinalOnlyWhenEveryPartitionHasPassedItsEndPlusGrace() {
        feed(station("A", 40, true, IndicatorStatus.PROVISIONAL));
        feed(station("A", 40, true, IndicatorStatus.FINAL));
        // Partition 0 (station A) is a day ahead; partition 1 (station B) has not reported the day's end yet.
        assertThat(progress(0, DUE.plus(Duration.ofDays(1)), false)).isEmpty();
        assertThat(progress(1, DAY_END.minus(Duration.ofHours(2)), false)).isEmpty();
        // B's values arrive after A's partition ran ahead: not late, they count.
        assertThat(feed(station("B", 70, true, IndicatorStatus.PROVISIONAL))).singleElement()
                .satisfies(v -> assertThat(v.getValue()).isEqualTo(70.0));
        feed(station("B", 72, true, IndicatorStatus.FINAL));
        List<IndicatorValue> fin = progress(1, DUE, false);
        assertThat(fin).singleElement().satisfies(v -> {
            assertThat(v.getScope()).isEqualTo("city:krakow");
            assertThat(v.getStatus()).isEqualTo(IndicatorStatus.FINAL);
            assertThat(v.getRevision()).isEqualTo(1);
            assertThat(v.getValue()).isEqualTo(72.0);
            assertThat(v.getObservedCount()).isEqualTo(2);
            assertThat(v.getExpectedCount()).isEqualTo(2);
        });
        assertThat(counter(CityAggregateProcessor.LATE)).isZero();
        assertThat(counter(CityAggregateProcessor.LATE_REVISIONS)).isZero();
    }

    @Test
    void partitionNotHeardFromHoldsTheWatermark() {
        feed(station("A", 40, true, IndicatorStatus.FINAL));
        assertThat(progress(0, DUE.plus(Duration.ofDays(5)), false)).isEmpty();
        assertThat(progress(0, DUE.plus(Duration.ofDays(6)), false)).isEmpty();
    }

    @Test
    void idlePartitionIsLeftOutAndItsLaterValueRevisesTheFinalCityValue() {
        feed(station("A", 40, true, IndicatorStatus.FINAL));
        progress(0, DUE, false);
        assertThat(progress(1, Instant.EPOCH, true)).singleElement().satisfies(v -> {
            assertThat(v.getStatus()).isEqualTo(IndicatorStatus.FINAL);
            assertThat(v.getRevision()).isEqualTo(1);
            assertThat(v.getValue()).isEqualTo(40.0);
        });
        // The idle partition wakes up with the day: its PROVISIONAL value is held, its FINAL revises.
        assertThat(feed(station("B", 70, true, IndicatorStatus.PROVISIONAL))).isEmpty();
        assertThat(feed(station("B", 70, true, IndicatorStatus.FINAL))).singleElement().satisfies(v -> {
            assertThat(v.getStatus()).isEqualTo(IndicatorStatus.FINAL);
            assertThat(v.getRevision()).isEqualTo(2);
            assertThat(v.getValue()).isEqualTo(70.0);
            assertThat(v.getExpectedCount()).isEqualTo(2);
        });
        assertThat(counter(CityAggregateProcessor.LATE_REVISIONS)).isEqualTo(2);
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
        feed(station("A", 60, true, IndicatorStatus.FINAL));
        progress(0, DUE.plus(Duration.ofDays(1)), false);
        progress(1, DUE.plus(Duration.ofDays(1)), false);
        assertThat(feed(station("B", 70, true, IndicatorStatus.FINAL))).isEmpty();
        assertThat(counter(CityAggregateProcessor.LATE)).isEqualTo(1);
    }

    @Test
    void watermarkNeverGoesBackAndSurvivesARestart() {
        feed(station("A", 60, true, IndicatorStatus.FINAL));
        progress(0, DUE, false);
        assertThat(progress(1, DUE, false)).hasSize(1);
        // A restarted processor over the same stores: the day is FINAL already, an older marker moves nothing.
        processor = new CityAggregateProcessor(definition, Clock.systemUTC(), meters);
        processor.init(context);
        assertThat(progress(1, DAY_START, false)).isEmpty();
        UpstreamWatermark w = new UpstreamWatermark(context.getStateStore(definition.watermarkStoreName()));
        assertThat(w.current()).isEqualTo(DUE.toEpochMilli());
        assertThat(w.sourceCount()).isEqualTo(2);
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
