package pl.krakow.pulse.indicators.ytd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The per-station-year day slots: replacement instead of counting, validity, the stored form. */
class YearStateTest {

    /** 2017 in Europe/Warsaw: [2016-12-31T23:00Z, 2017-12-31T23:00Z), 365 days. */
    private static final long START_2017 = 1_483_225_200_000L;
    private static final long END_2017 = 1_514_761_200_000L;

    @Test
    void aDayIsReplacedNotCountedTwice() {
        YearState s = new YearState(START_2017, END_2017, 365);
        assertThat(s.put(9, 60.0, true, 1)).isTrue();
        assertThat(s.put(9, 60.0, true, 2)).as("same mean and validity: no change").isFalse();
        assertThat(s.validDaysAbove(50)).isEqualTo(1);
        assertThat(s.put(9, 40.0, true, 3)).isTrue();
        assertThat(s.validDaysAbove(50)).isZero();
        assertThat(s.put(9, 40.0, false, 4)).as("validity flip is a change").isTrue();
        assertThat(s.validDays()).isZero();
        assertThat(s.daysElapsed()).isEqualTo(10);
        assertThat(s.lastIngestedAtMs()).isEqualTo(4);
    }

    @Test
    void sumsAndCountsOnlyValidDays() {
        YearState s = new YearState(START_2017, END_2017, 365);
        s.put(0, 30.0, true, 0);
        s.put(1, 500.0, false, 0);
        s.put(70, 60.0, true, 0);   // beyond the first 64-day word
        s.put(364, 90.0, true, 0);  // 31 December
        assertThat(s.validDays()).isEqualTo(3);
        assertThat(s.validMeanSum()).isEqualTo(180.0);
        assertThat(s.validDaysAbove(50)).isEqualTo(2);
        assertThat(s.daysElapsed()).isEqualTo(365);
    }

    @Test
    void storedFormRoundTrips() {
        YearState s = new YearState(START_2017, END_2017, 365);
        s.put(3, 12.5, true, 77);
        s.put(200, 51.0, false, 78);
        YearState back = YearState.fromBytes(s.toBytes());
        assertThat(back.yearStartMs()).isEqualTo(START_2017);
        assertThat(back.yearEndMs()).isEqualTo(END_2017);
        assertThat(back.daysInYear()).isEqualTo(365);
        assertThat(back.validDays()).isEqualTo(1);
        assertThat(back.validMeanSum()).isEqualTo(12.5);
        assertThat(back.daysElapsed()).isEqualTo(201);
        assertThat(back.lastIngestedAtMs()).isEqualTo(78);
        assertThat(back.put(200, 51.0, false, 0)).isFalse();
    }

    @Test
    void dayOutsideTheYearIsRejected() {
        YearState s = new YearState(START_2017, END_2017, 365);
        assertThatThrownBy(() -> s.put(365, 1.0, true, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
