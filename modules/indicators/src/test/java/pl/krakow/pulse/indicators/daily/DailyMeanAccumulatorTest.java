package pl.krakow.pulse.indicators.daily;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.indicators.daily.DailyMeanAccumulator.Outcome;

class DailyMeanAccumulatorTest {

    private static final long HOUR = 3_600_000L;
    /** 2017-01-10 in Europe/Warsaw: [2017-01-09T23:00Z, 2017-01-10T23:00Z). */
    private static final long DAY_START = Instant.parse("2017-01-09T23:00:00Z").toEpochMilli();
    private static final long DAY_END = DAY_START + 24 * HOUR;
    private static final long INGESTED = Instant.parse("2017-01-11T00:00:00Z").toEpochMilli();

    private DailyMeanAccumulator day() {
        return new DailyMeanAccumulator(DAY_START, DAY_END, 18);
    }

    @Test
    void meanCoverageAndValidityOfAFullDay() {
        DailyMeanAccumulator acc = day();
        for (int h = 0; h < 24; h++) {
            assertThat(acc.add(DAY_START + h * HOUR, h, INGESTED)).isEqualTo(Outcome.ADDED);
        }
        // 0 + 1 + ... + 23 = 276; 276 / 24 = 11.5
        assertThat(acc.mean()).isEqualTo(11.5);
        assertThat(acc.observedCount()).isEqualTo(24);
        assertThat(acc.expectedCount()).isEqualTo(24);
        assertThat(acc.coverage()).isEqualTo(1.0);
        assertThat(acc.valid()).isTrue();
    }

    @Test
    void emptyDayHasNoMean() {
        DailyMeanAccumulator acc = day();
        assertThat(acc.mean()).isNull();
        assertThat(acc.observedCount()).isZero();
        assertThat(acc.valid()).isFalse();
        assertThat(acc.lastIngestedAtMs()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void seventeenHoursIsInvalidEighteenIsValid() {
        DailyMeanAccumulator acc = day();
        for (int h = 0; h < 17; h++) {
            acc.add(DAY_START + h * HOUR, 50, INGESTED);
        }
        assertThat(acc.valid()).isFalse();
        assertThat(acc.coverage()).isEqualTo(17.0 / 24);
        assertThat(acc.mean()).isEqualTo(50.0);
        acc.add(DAY_START + 17 * HOUR, 50, INGESTED);
        assertThat(acc.valid()).isTrue();
    }

    @Test
    void dstDaysUseAbsolute18HoursAndRealLengthForCoverage() {
        DailyMeanAccumulator spring = new DailyMeanAccumulator(DAY_START, DAY_START + 23 * HOUR, 18);
        DailyMeanAccumulator autumn = new DailyMeanAccumulator(DAY_START, DAY_START + 25 * HOUR, 18);
        for (int h = 0; h < 18; h++) {
            spring.add(DAY_START + h * HOUR, 1, INGESTED);
            autumn.add(DAY_START + h * HOUR, 1, INGESTED);
        }
        assertThat(spring.expectedCount()).isEqualTo(23);
        assertThat(spring.coverage()).isEqualTo(18.0 / 23);
        assertThat(spring.valid()).isTrue();
        assertThat(autumn.expectedCount()).isEqualTo(25);
        assertThat(autumn.coverage()).isEqualTo(18.0 / 25);
        assertThat(autumn.valid()).isTrue();
        autumn.add(DAY_START + 24 * HOUR, 1, INGESTED);
        assertThat(autumn.observedCount()).isEqualTo(19);
    }

    @Test
    void duplicateOfTheSameHourCountsOnceAndChangesNothing() {
        DailyMeanAccumulator acc = day();
        acc.add(DAY_START, 40, INGESTED);
        acc.add(DAY_START + HOUR, 60, INGESTED);
        assertThat(acc.add(DAY_START + HOUR, 60, INGESTED + 5 * HOUR)).isEqualTo(Outcome.DUPLICATE);
        assertThat(acc.observedCount()).isEqualTo(2);
        assertThat(acc.mean()).isEqualTo(50.0);
        assertThat(acc.lastIngestedAtMs()).isEqualTo(INGESTED);
    }

    @Test
    void differentValueForTheSameHourIsACorrection() {
        DailyMeanAccumulator acc = day();
        acc.add(DAY_START, 40, INGESTED);
        acc.add(DAY_START + HOUR, 60, INGESTED);
        assertThat(acc.add(DAY_START + HOUR, 80, INGESTED + HOUR)).isEqualTo(Outcome.CORRECTED);
        assertThat(acc.observedCount()).isEqualTo(2);
        assertThat(acc.mean()).isEqualTo(60.0); // (40 + 80) / 2
        assertThat(acc.lastIngestedAtMs()).isEqualTo(INGESTED + HOUR);
    }

    @Test
    void hourOffTheHourFallsIntoItsSlot() {
        DailyMeanAccumulator acc = day();
        acc.add(DAY_START + 2 * HOUR, 10, INGESTED);
        assertThat(acc.add(DAY_START + 2 * HOUR + 30 * 60_000L, 10, INGESTED)).isEqualTo(Outcome.DUPLICATE);
        assertThat(acc.hasHour(DAY_START + 2 * HOUR)).isTrue();
        assertThat(acc.hasHour(DAY_START + 3 * HOUR)).isFalse();
    }

    @Test
    void hourOutsideTheDayIsRejected() {
        DailyMeanAccumulator acc = day();
        assertThatThrownBy(() -> acc.add(DAY_END, 1, INGESTED)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> acc.add(DAY_START - HOUR, 1, INGESTED)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lastIngestedIsTheMaximumOfContributingEvents() {
        DailyMeanAccumulator acc = day();
        acc.add(DAY_START, 1, INGESTED + 10);
        acc.add(DAY_START + HOUR, 1, INGESTED);
        assertThat(acc.lastIngestedAtMs()).isEqualTo(INGESTED + 10);
    }

    @Test
    void binaryFormRoundTripsCompactly() {
        DailyMeanAccumulator acc = new DailyMeanAccumulator(DAY_START, DAY_START + 25 * HOUR, 18);
        acc.add(DAY_START, 12.5, INGESTED);
        acc.add(DAY_START + 24 * HOUR, 301.25, INGESTED + 1);
        acc.add(DAY_START + 7 * HOUR, 0.000001, INGESTED);
        acc.pendingEmission(true);
        byte[] bytes = acc.toBytes();
        assertThat(bytes).hasSize(31 + 3 * 8);
        DailyMeanAccumulator back = DailyMeanAccumulator.fromBytes(bytes);
        assertThat(back.dayStartMs()).isEqualTo(DAY_START);
        assertThat(back.dayEndMs()).isEqualTo(DAY_START + 25 * HOUR);
        assertThat(back.expectedCount()).isEqualTo(25);
        assertThat(back.minValidHours()).isEqualTo(18);
        assertThat(back.observedCount()).isEqualTo(3);
        assertThat(back.mean()).isEqualTo((12.5 + 301.25 + 0.000001) / 3);
        assertThat(back.lastIngestedAtMs()).isEqualTo(INGESTED + 1);
        assertThat(back.pendingEmission()).isTrue();
        assertThat(back.latestHourEndMs()).isEqualTo(DAY_START + 25 * HOUR);
        assertThat(back.add(DAY_START + 24 * HOUR, 301.25, INGESTED)).isEqualTo(Outcome.DUPLICATE);
        assertThat(new DailyMeanAccumulatorSerde().deserializer().deserialize("t",
                new DailyMeanAccumulatorSerde().serializer().serialize("t", acc)).mean()).isEqualTo(acc.mean());
    }

    @Test
    void latestHourEndIsTheEndOfTheLastHourWithAValue() {
        DailyMeanAccumulator acc = day();
        assertThat(acc.latestHourEndMs()).isEqualTo(DAY_START);
        acc.add(DAY_START + 5 * HOUR, 1, INGESTED);
        acc.add(DAY_START + 2 * HOUR, 1, INGESTED);
        assertThat(acc.latestHourEndMs()).isEqualTo(DAY_START + 6 * HOUR);
    }

    @Test
    void unknownFormatIsRejected() {
        byte[] bytes = day().toBytes();
        bytes[0] = 9;
        assertThatThrownBy(() -> DailyMeanAccumulator.fromBytes(bytes)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void minValidHoursFromCoverage() {
        assertThat(DailyMeanAccumulator.minValidHours(0.75)).isEqualTo(18);
        assertThat(DailyMeanAccumulator.minValidHours(0.5)).isEqualTo(12);
        assertThat(DailyMeanAccumulator.minValidHours(0.9)).isEqualTo(22); // 21.6 rounds up
        assertThat(DailyMeanAccumulator.minValidHours(0)).isZero();
        assertThatThrownBy(() -> DailyMeanAccumulator.minValidHours(1.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
