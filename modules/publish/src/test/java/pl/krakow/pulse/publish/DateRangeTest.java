package pl.krakow.pulse.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static pl.krakow.pulse.publish.PublishTestData.DST_AUTUMN_DAY;
import static pl.krakow.pulse.publish.PublishTestData.DST_AUTUMN_DAY_END;
import static pl.krakow.pulse.publish.PublishTestData.DST_SPRING_DAY;
import static pl.krakow.pulse.publish.PublishTestData.DST_SPRING_DAY_END;
import static pl.krakow.pulse.publish.PublishTestData.FEB_1;
import static pl.krakow.pulse.publish.PublishTestData.T0;
import static pl.krakow.pulse.publish.PublishTestData.WARSAW;

import java.time.Duration;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class DateRangeTest {

    private static final LocalDate LATEST = LocalDate.of(2017, 3, 10);

    @Test
    void withoutDatesTheRangeIsThe31DaysEndingOnTheLatestValue() {
        DateRange r = DateRange.resolve(null, "", LATEST, 400);
        assertThat(r).isEqualTo(new DateRange(LocalDate.of(2017, 2, 8), LATEST));
    }

    @Test
    void onlyToGivesThe31DaysEndingThere() {
        assertThat(DateRange.resolve(null, "2017-01-31", LATEST, 400))
                .isEqualTo(new DateRange(LocalDate.of(2017, 1, 1), LocalDate.of(2017, 1, 31)));
    }

    @Test
    void onlyFromGivesThe31DaysStartingThere() {
        assertThat(DateRange.resolve("2017-01-01", null, LATEST, 400))
                .isEqualTo(new DateRange(LocalDate.of(2017, 1, 1), LocalDate.of(2017, 1, 31)));
    }

    @Test
    void bothDatesAreInclusiveLocalDays() {
        DateRange january = DateRange.resolve("2017-01-01", "2017-01-31", LATEST, 400);
        assertThat(january.startInclusive(WARSAW)).isEqualTo(T0);
        assertThat(january.endExclusive(WARSAW)).isEqualTo(FEB_1);
    }

    @Test
    void springDstDayHas23HoursAndAutumnDstDay25() {
        DateRange spring = DateRange.resolve("2017-03-26", "2017-03-26", LATEST, 400);
        assertThat(spring.startInclusive(WARSAW)).isEqualTo(DST_SPRING_DAY);
        assertThat(spring.endExclusive(WARSAW)).isEqualTo(DST_SPRING_DAY_END);
        assertThat(Duration.between(spring.startInclusive(WARSAW), spring.endExclusive(WARSAW))).hasHours(23);

        DateRange autumn = DateRange.resolve("2017-10-29", "2017-10-29", LATEST, 400);
        assertThat(autumn.startInclusive(WARSAW)).isEqualTo(DST_AUTUMN_DAY);
        assertThat(autumn.endExclusive(WARSAW)).isEqualTo(DST_AUTUMN_DAY_END);
        assertThat(Duration.between(autumn.startInclusive(WARSAW), autumn.endExclusive(WARSAW))).hasHours(25);
    }

    @Test
    void fromAfterToIsRejected() {
        assertThatThrownBy(() -> DateRange.resolve("2017-02-01", "2017-01-31", LATEST, 400))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'from' (2017-02-01) is after 'to' (2017-01-31)");
    }

    @Test
    void rangeUpToTheLimitIsAcceptedAndOneDayMoreIsRejected() {
        assertThat(DateRange.resolve("2017-01-01", "2017-01-10", LATEST, 10).to()).isEqualTo(LocalDate.of(2017, 1, 10));
        assertThatThrownBy(() -> DateRange.resolve("2017-01-01", "2017-01-11", LATEST, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the range 2017-01-01..2017-01-11 spans 11 days; at most 10 days per request (api.max.range.days)");
    }

    @Test
    void defaultRangeLongerThanTheLimitIsRejectedToo() {
        assertThatThrownBy(() -> DateRange.resolve("2017-01-01", null, LATEST, 7))
                .hasMessageContaining("spans 31 days; at most 7 days");
    }

    @Test
    void malformedDatesAreRejectedWithTheParameterName() {
        assertThatThrownBy(() -> DateRange.resolve("2017-13-01", null, LATEST, 400))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("query parameter 'from' must be an ISO-8601 date (yyyy-MM-dd), got '2017-13-01'");
        assertThatThrownBy(() -> DateRange.resolve(null, "1.2.2017", LATEST, 400))
                .hasMessageContaining("query parameter 'to' must be an ISO-8601 date");
        assertThatThrownBy(() -> DateRange.resolve("2017-01-01T00:00", null, LATEST, 400))
                .hasMessageContaining("query parameter 'from'");
        assertThatThrownBy(() -> DateRange.resolve("+999999999-12-31", null, LATEST, 400))
                .hasMessageContaining("between 0001-01-01 and 9999-12-31");
    }
}
