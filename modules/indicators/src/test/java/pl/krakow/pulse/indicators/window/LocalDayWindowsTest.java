package pl.krakow.pulse.indicators.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Day boundaries are written out as UTC literals, never derived with the class under test. */
class LocalDayWindowsTest {

    private static final ZoneId WARSAW = ZoneId.of("Europe/Warsaw");
    private static final Duration HOUR = Duration.ofHours(1);
    private final LocalDayWindows windows = new LocalDayWindows(WARSAW);

    @Test
    void normalWinterDayIs24HoursFromCetMidnight() {
        LocalDay day = windows.day(LocalDate.of(2017, 1, 10));
        assertThat(day.start()).isEqualTo(Instant.parse("2017-01-09T23:00:00Z"));
        assertThat(day.end()).isEqualTo(Instant.parse("2017-01-10T23:00:00Z"));
        assertThat(day.expectedHours()).isEqualTo(24);
    }

    @Test
    void normalSummerDayIs24HoursFromCestMidnight() {
        LocalDay day = windows.day(LocalDate.of(2017, 7, 1));
        assertThat(day.start()).isEqualTo(Instant.parse("2017-06-30T22:00:00Z"));
        assertThat(day.end()).isEqualTo(Instant.parse("2017-07-01T22:00:00Z"));
        assertThat(day.expectedHours()).isEqualTo(24);
    }

    @Test
    void springForwardDayHas23Hours() {
        LocalDay day = windows.day(LocalDate.of(2017, 3, 26));
        assertThat(day.start()).isEqualTo(Instant.parse("2017-03-25T23:00:00Z"));
        assertThat(day.end()).isEqualTo(Instant.parse("2017-03-26T22:00:00Z"));
        assertThat(day.expectedHours()).isEqualTo(23);
    }

    @Test
    void autumnBackDayHas25Hours() {
        LocalDay day = windows.day(LocalDate.of(2017, 10, 29));
        assertThat(day.start()).isEqualTo(Instant.parse("2017-10-28T22:00:00Z"));
        assertThat(day.end()).isEqualTo(Instant.parse("2017-10-29T23:00:00Z"));
        assertThat(day.expectedHours()).isEqualTo(25);
    }

    @Test
    void valueStampedOneAmBelongsToThatDay() {
        // 2017-01-10 01:00 CET = 00:00 UTC; its hour is 00:00-01:00 local on the 10th.
        LocalDay day = windows.dayOfPeriodEndingAt(Instant.parse("2017-01-10T00:00:00Z"), HOUR);
        assertThat(day.date()).isEqualTo(LocalDate.of(2017, 1, 10));
    }

    @Test
    void valueStampedMidnightBelongsToThePreviousDay() {
        // 2017-01-10 00:00 CET (GIOŚ "2017-01-09 24:00") = 2017-01-09 23:00 UTC: hour 23-24 of the 9th.
        LocalDay day = windows.dayOfPeriodEndingAt(Instant.parse("2017-01-09T23:00:00Z"), HOUR);
        assertThat(day.date()).isEqualTo(LocalDate.of(2017, 1, 9));
    }

    @Test
    void lastHourOfSpringForwardDayIsStampedNextDayMidnight() {
        // 2017-03-27 00:00 CEST = 2017-03-26 22:00 UTC
        assertThat(windows.dayOfPeriodEndingAt(Instant.parse("2017-03-26T22:00:00Z"), HOUR).date())
                .isEqualTo(LocalDate.of(2017, 3, 26));
        assertThat(windows.dayOfPeriodEndingAt(Instant.parse("2017-03-26T23:00:00Z"), HOUR).date())
                .isEqualTo(LocalDate.of(2017, 3, 27));
    }

    @Test
    void bothRepeatedHoursOfAutumnBackDayBelongToIt() {
        // 02:00-03:00 local happens twice: 00:00-01:00 UTC (CEST) and 01:00-02:00 UTC (CET).
        assertThat(windows.dayOfPeriodEndingAt(Instant.parse("2017-10-29T01:00:00Z"), HOUR).date())
                .isEqualTo(LocalDate.of(2017, 10, 29));
        assertThat(windows.dayOfPeriodEndingAt(Instant.parse("2017-10-29T02:00:00Z"), HOUR).date())
                .isEqualTo(LocalDate.of(2017, 10, 29));
    }

    @Test
    void dayContainingIsHalfOpen() {
        LocalDay day = windows.dayContaining(Instant.parse("2017-01-09T23:00:00Z"));
        assertThat(day.date()).isEqualTo(LocalDate.of(2017, 1, 10));
        assertThat(windows.dayContaining(Instant.parse("2017-01-09T22:59:59.999Z")).date())
                .isEqualTo(LocalDate.of(2017, 1, 9));
        assertThat(day.contains(Instant.parse("2017-01-10T23:00:00Z").toEpochMilli())).isFalse();
    }

    @Test
    void cachedDayIsReturnedForTheSameDayAndReplacedForAnother() {
        LocalDay first = windows.dayContaining(Instant.parse("2017-01-10T05:00:00Z"));
        assertThat(windows.dayContaining(Instant.parse("2017-01-10T12:00:00Z"))).isSameAs(first);
        assertThat(windows.dayContaining(Instant.parse("2017-01-11T12:00:00Z")).date()).isEqualTo(LocalDate.of(2017, 1, 11));
        assertThat(windows.dayContaining(Instant.parse("2017-01-10T12:00:00Z"))).isEqualTo(first);
    }

    @Test
    void otherZonesAreConfigurable() {
        LocalDay utcDay = new LocalDayWindows(ZoneId.of("UTC")).day(LocalDate.of(2017, 3, 26));
        assertThat(utcDay.start()).isEqualTo(Instant.parse("2017-03-26T00:00:00Z"));
        assertThat(utcDay.expectedHours()).isEqualTo(24);
    }

    @Test
    void averagingPeriodMustBePositive() {
        assertThatThrownBy(() -> windows.dayOfPeriodEndingAt(Instant.EPOCH, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
