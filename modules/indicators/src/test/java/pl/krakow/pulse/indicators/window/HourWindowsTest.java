package pl.krakow.pulse.indicators.window;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class HourWindowsTest {

    private final HourWindows hours = new HourWindows(ZoneId.of("Europe/Warsaw"));

    @Test
    void anInstantFallsInItsClockHour() {
        LocalDay h = hours.windowContaining(Instant.parse("2017-01-10T00:30:00Z").toEpochMilli());
        assertThat(h.start()).isEqualTo(Instant.parse("2017-01-10T00:00:00Z"));
        assertThat(h.end()).isEqualTo(Instant.parse("2017-01-10T01:00:00Z"));
        assertThat(h.expectedHours()).isEqualTo(1);
        assertThat(h.date()).isEqualTo(LocalDate.of(2017, 1, 10)); // 01:30 local
    }

    @Test
    void theRepeatedLocalHourOfTheAutumnChangeIsTwoWindows() {
        // 2017-10-29: 02:00-03:00 local happens twice, at 00:00Z (CEST) and at 01:00Z (CET).
        LocalDay first = hours.windowContaining(Instant.parse("2017-10-29T00:00:00Z").toEpochMilli());
        LocalDay second = hours.windowContaining(Instant.parse("2017-10-29T01:00:00Z").toEpochMilli());
        assertThat(first).isNotEqualTo(second);
        assertThat(first.end()).isEqualTo(second.start());
        assertThat(first.date()).isEqualTo(second.date()).isEqualTo(LocalDate.of(2017, 10, 29));
    }

    @Test
    void theHourStartingAtLocalMidnightIsDatedThatDay() {
        LocalDay h = hours.windowContaining(Instant.parse("2016-12-31T23:00:00Z").toEpochMilli());
        assertThat(h.date()).isEqualTo(LocalDate.of(2017, 1, 1));
    }
}
