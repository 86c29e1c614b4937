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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.events.indicators.IndicatorValue;

/**
 * The PROVISIONAL value an hour ends with must not depend on when a coalesced emission ran: a second pollutant that
 * leaves the class unchanged still raises {@code observed} and {@code coverage}, so it is published (found by the
 * broker-restart test of issue 15, where one run left observed 1 of 5 in the table and the other 2 of 5).
 */
class AqiClassProcessorCoverageTest {

    private static final String STATION = "MpKrakAlKras";

    /** Hourly PM10 and NO2 (the bands of the catalogue's first two pollutants are not what is under test). */
    private final AqiClassDefinition definition = new AqiClassDefinition("iv3.aqi.class", "IV.3", "class 1-6",
            Map.of(Pollutant.PM10, new double[] {20, 50, 80, 110, 150}, Pollutant.NO2, new double[] {40, 100, 150, 200, 400}),
            Map.of(), 0.75, Duration.ofHours(3));

    @ParameterizedTest(name = "emit interval {0} ms")
    @ValueSource(longs = {0, 100})
    void aSecondPollutantWithTheSameClassIsPublishedWithItsCoverage(long emitIntervalMs) {
        KeyValueStore<String, String> store = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(definition.storeName()), Serdes.String(), Serdes.String())
                .withLoggingDisabled().build();
        MockProcessorContext<String, IndicatorValue> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        AqiClassProcessor processor = new AqiClassProcessor(definition, WARSAW, Clock.fixed(JAN_10_2017_WARSAW, ZoneOffset.UTC),
                new SimpleMeterRegistry(), Duration.ofMillis(emitIntervalMs));
        processor.init(context);
        Instant hourEnd = JAN_10_2017_WARSAW.plus(Duration.ofHours(1));
        context.setCurrentStreamTimeMs(hourEnd.toEpochMilli());

        processor.process(reading(Pollutant.PM10, 10, hourEnd)); // class 1
        wallClock(context, 1);
        processor.process(reading(Pollutant.NO2, 10, hourEnd)); // still class 1, now read from two pollutants
        wallClock(context, 2);
        processor.process(reading(Pollutant.NO2, 12, hourEnd)); // a correction: class and count unchanged
        wallClock(context, 3);

        List<IndicatorValue> values = context.forwarded().stream().map(f -> (IndicatorValue) f.record().value()).toList();
        assertThat(values).extracting(IndicatorValue::getValue, IndicatorValue::getObservedCount, IndicatorValue::getCoverage)
                .containsExactly(tuple(1.0, 1, 0.5), tuple(1.0, 2, 1.0));
    }

    @ParameterizedTest(name = "stored form {0}")
    @ValueSource(strings = {"PM10=10.0|1|5", "PM10=10.0|1/-1|5"})
    void anHourStoredBeforeTheCountWasKeptIsPublishedAgainAtItsNextChange(String stored) {
        AqiHour hour = AqiHour.decode(stored);
        assertThat(hour.publishedClass).isEqualTo(1);
        assertThat(hour.differsFromPublished(new AqiClassDefinition.AqiClass(1, 1))).isTrue();
        hour.published(new AqiClassDefinition.AqiClass(1, 1));
        AqiHour again = AqiHour.decode(hour.encode());
        assertThat(again.differsFromPublished(new AqiClassDefinition.AqiClass(1, 1))).isFalse();
        assertThat(again.differsFromPublished(new AqiClassDefinition.AqiClass(0, 0))).isTrue();
        assertThat(again.values).containsEntry(Pollutant.PM10, 10.0);
        assertThat(again.lastIngestedAtMs).isEqualTo(5);
    }

    private static void wallClock(MockProcessorContext<String, IndicatorValue> context, long timeMs) {
        context.scheduledPunctuators().stream().filter(p -> p.getType() == PunctuationType.WALL_CLOCK_TIME)
                .forEach(p -> p.getPunctuator().punctuate(timeMs));
    }

    private static Record<String, AirQualityMeasurement> reading(Pollutant pollutant, double valueUgM3, Instant hourEnd) {
        return new Record<>(STATION, AirQualityMeasurement.newBuilder()
                .setEventId("e-" + pollutant + valueUgM3).setEventTime(hourEnd).setFeed("test").setSourceId("test")
                .setStationCode(STATION).setPollutant(pollutant).setConcentrationUgM3(valueUgM3)
                .setAveragingPeriodSeconds(3600).setValidated(false).setIngestedAt(hourEnd)
                .build(), hourEnd.toEpochMilli());
    }
}
