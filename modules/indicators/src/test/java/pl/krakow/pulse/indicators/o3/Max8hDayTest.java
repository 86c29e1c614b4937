package pl.krakow.pulse.indicators.o3;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The 8-h running-mean rules of one day, hand-made values. */
class Max8hDayTest {

    private static final long HOUR = 3_600_000L;
    /** 2017-03-26 (23 hours): [2017-03-25T23:00Z, 2017-03-26T22:00Z). */
    private static final long DST_START = Instant.parse("2017-03-25T23:00:00Z").toEpochMilli();
    private static final long DST_END = Instant.parse("2017-03-26T22:00:00Z").toEpochMilli();

    @Test
    void dstSpringDayHasTwentyThreeRunningMeans() {
        Max8hDay day = new Max8hDay(DST_START, DST_END);
        assertThat(day.hours()).isEqualTo(23);
        for (int h = -7; h < 23; h++) {
            day.put(day.slotOf(DST_START + h * HOUR), 80.0, 0);
        }
        Max8hDay.Result r = day.result(6, 18);
        assertThat(r.expected()).isEqualTo(23);
        assertThat(r.observed()).isEqualTo(23);
        assertThat(r.value()).isEqualTo(80.0);
        assertThat(r.valid()).isTrue();
        // Hours outside [start − 7 h, end) are not this day's.
        assertThat(day.slotOf(DST_START - 8 * HOUR)).isEqualTo(-1);
        assertThat(day.slotOf(DST_END)).isEqualTo(-1);
    }

    @Test
    void fiveOfEightHoursIsNotAValidMeanAndFewerThanEighteenMeansIsNotAValidDay() {
        Max8hDay day = new Max8hDay(DST_START, DST_END);
        for (int h = 0; h < 5; h++) {
            day.put(day.slotOf(DST_START + h * HOUR), 100.0, 0);
        }
        Max8hDay.Result r = day.result(6, 18);
        assertThat(r.value()).isNull();
        assertThat(r.observed()).isZero();
        assertThat(r.valid()).isFalse();
        assertThat(day.hasOwnHour()).isTrue();
    }

    @Test
    void roundTripsThroughItsBinaryForm() {
        Max8hDay day = new Max8hDay(DST_START, DST_END);
        day.put(0, 12.5, 42);
        day.put(29, 99.0, 7);
        day.published(day.result(1, 1));
        Max8hDay back = Max8hDay.fromBytes(day.toBytes());
        assertThat(back.result(1, 1)).isEqualTo(day.result(1, 1));
        assertThat(back.published()).isEqualTo(day.published());
        assertThat(back.lastIngestedAtMs()).isEqualTo(42);
        assertThat(back.put(29, 99.0, 0)).isFalse();
    }
}
