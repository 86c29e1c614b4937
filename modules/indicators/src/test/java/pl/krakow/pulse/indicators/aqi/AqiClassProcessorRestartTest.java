package pl.krakow.pulse.indicators.aqi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static pl.krakow.pulse.testsupport.time.TestInstants.JAN_10_2017_WARSAW;
import static pl.krakow.pulse.testsupport.time.TestInstants.WARSAW;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;

/**
 * A restart as Kafka Streams does one: a new processor instance over the store its predecessor wrote (restored from
 * the changelog in production; the changelog itself is checked in {@code AqiClassTopologyTest}). TopologyTestDriver
 * wipes its state directory on close, so these tests drive the processor through {@link MockProcessorContext}.
 */
class AqiClassProcessorRestartTest {

    private static final String STATION = "MpKrakAlKras";

    /** PM10 on 24-hour running means (18 of 24 hours), 3-hour grace. */
    private final AqiClassDefinition definition = new AqiClassDefinition("iv3.aqi.class", "IV.3", "class 1-6",
            Map.of(Pollutant.PM10, new double[] {15, 45, 120, 195, 270}), Map.of(Pollutant.PM10, 24), 0.75,
            Duration.ofHours(3));
    private final KeyValueStore<String, String> store = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(definition.storeName()), Serdes.String(), Serdes.String())
            .withLoggingDisabled().build();
    private boolean storeOpen;

    /** A processor instance as a (re)started task gets it: fresh, over the shared store. */
    private final class Task {
        final MockProcessorContext<String, IndicatorValue> context = new MockProcessorContext<>();
        final AqiClassProcessor processor;
        /** A restarted task's stream time starts again from its first record here (production restores it). */
        long streamTimeMs;

        Task(Duration emitInterval) {
            if (!storeOpen) {
                store.init(context.getStateStoreContext(), store);
                storeOpen = true;
            }
            context.addStateStore(store);
            processor = new AqiClassProcessor(definition, WARSAW, Clock.fixed(JAN_10_2017_WARSAW, ZoneOffset.UTC),
                    new SimpleMeterRegistry(), emitInterval);
            processor.init(context);
        }

        /** The PM10 value of hour {@code n} (1-based) after JAN_10_2017_WARSAW, then the stream-time punctuation it triggers. */
        void pm10(int n, double valueUgM3) {
            Instant hourEnd = JAN_10_2017_WARSAW.plus(Duration.ofHours(n));
            streamTimeMs = Math.max(streamTimeMs, hourEnd.toEpochMilli());
            context.setCurrentStreamTimeMs(streamTimeMs);
            processor.process(new Record<>(STATION, AirQualityMeasurement.newBuilder()
                    .setEventId("e-" + n).setEventTime(hourEnd).setFeed("test").setSourceId("test")
                    .setStationCode(STATION).setPollutant(Pollutant.PM10).setConcentrationUgM3(valueUgM3)
                    .setAveragingPeriodSeconds(3600).setValidated(false).setIngestedAt(hourEnd)
                    .build(), hourEnd.toEpochMilli()));
            punctuate(PunctuationType.STREAM_TIME, streamTimeMs);
        }

        void punctuate(PunctuationType type, long timeMs) {
            context.scheduledPunctuators().stream().filter(p -> p.getType() == type)
                    .forEach(p -> p.getPunctuator().punctuate(timeMs));
        }

        List<IndicatorValue> forwarded() {
            return context.forwarded().stream().map(f -> (IndicatorValue) f.record().value()).toList();
        }
    }

    private static Instant hourStart(int n) {
        return JAN_10_2017_WARSAW.plus(Duration.ofHours(n - 1));
    }

    @Test
    void restartedProcessorReadsTheRunningMeanWindowAndFinalisesTheOpenHoursFromTheStore() {
        Task before = new Task(Duration.ZERO);
        before.pm10(1, 200);
        for (int n = 2; n <= 20; n++) {
            before.pm10(n, 10);
        }
        // Hours 18..20 have 18..20 values: (200 + 17 × 10) / 18 = 20.6 … → fair; hours up to 17 are FINAL, kept.
        assertThat(before.forwarded()).extracting(IndicatorValue::getWindowStart)
                .containsExactly(hourStart(18), hourStart(19), hourStart(20));

        Task after = new Task(Duration.ZERO);
        for (int n = 21; n <= 25; n++) {
            after.pm10(n, 10);
        }
        List<IndicatorValue> values = after.forwarded();
        // Hour 24's mean still holds hour 1's 200, read from the store the first instance wrote:
        // (200 + 23 × 10) / 24 = 17.9 → fair (2); hour 25's no longer does → good (1).
        assertThat(values).filteredOn(v -> v.getWindowStart().equals(hourStart(24)))
                .extracting(IndicatorValue::getValue).containsExactly(2.0);
        assertThat(values).filteredOn(v -> v.getWindowStart().equals(hourStart(25)))
                .extracting(IndicatorValue::getValue).containsExactly(1.0);
        // The hours left open before the restart become FINAL after it, with the class they had.
        assertThat(values).filteredOn(v -> v.getStatus() == IndicatorStatus.FINAL)
                .extracting(IndicatorValue::getWindowStart, IndicatorValue::getValue)
                .containsExactly(tuple(hourStart(18), 2.0),
                        tuple(hourStart(19), 2.0),
                        tuple(hourStart(20), 2.0),
                        tuple(hourStart(21), 2.0),
                        tuple(hourStart(22), 2.0));
        // Nothing re-published for the hours already published before the restart.
        assertThat(values).filteredOn(v -> v.getStatus() == IndicatorStatus.PROVISIONAL)
                .extracting(IndicatorValue::getWindowStart)
                .containsExactly(hourStart(21), hourStart(22), hourStart(23), hourStart(24), hourStart(25));
    }

    @Test
    void restartedCoalescingProcessorPublishesTheClassesItsPredecessorHadNotPublishedYet() {
        Task before = new Task(Duration.ofMillis(100));
        for (int n = 1; n <= 18; n++) {
            before.pm10(n, 10);
        }
        assertThat(before.forwarded()).as("no wall-clock punctuation yet").isEmpty();

        Task after = new Task(Duration.ofMillis(100));
        after.punctuate(PunctuationType.WALL_CLOCK_TIME, JAN_10_2017_WARSAW.toEpochMilli());
        assertThat(after.forwarded()).singleElement().satisfies(v -> {
            assertThat(v.getWindowStart()).isEqualTo(hourStart(18));
            assertThat(v.getValue()).isEqualTo(1.0);
            assertThat(v.getStatus()).isEqualTo(IndicatorStatus.PROVISIONAL);
        });
        after.context.resetForwards();
        after.punctuate(PunctuationType.WALL_CLOCK_TIME, JAN_10_2017_WARSAW.toEpochMilli() + 100);
        assertThat(after.forwarded()).as("published once").isEmpty();
    }
}
