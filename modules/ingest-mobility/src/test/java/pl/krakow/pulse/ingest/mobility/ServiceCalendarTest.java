package pl.krakow.pulse.ingest.mobility;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link ServiceCalendar}: weekly patterns and exceptions, and which service dates an instant may belong to.
 * The bundled Kraków feeds name every service day in calendar_dates.txt (day flags all 0, no removals), so the
 * weekly pattern and exception_type 2 are checked here on a constructed calendar (not a recording), loaded
 * through {@link GtfsStaticLoader} like a real feed; the real feeds are checked in {@link GtfsStaticLoaderTest}
 * and {@link GtfsRealtimeParserTest}.
 */
class ServiceCalendarTest {

    static final ZoneId WARSAW = ZoneId.of("Europe/Warsaw");

    static Instant warsaw(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(WARSAW).toInstant();
    }

    /** A constructed feed: weekdays Mon–Fri in July 2026 minus 2026-07-15, plus Saturday 2026-07-18. */
    static GtfsFeed constructedFeed() {
        Map<String, byte[]> files = new HashMap<>();
        files.put("agency.txt", "agency_name,agency_url,agency_timezone\nA,http://example.org,Europe/Warsaw\n".getBytes(StandardCharsets.UTF_8));
        files.put("stops.txt", "stop_id,stop_lat,stop_lon\ns1,50.06,19.94\n".getBytes(StandardCharsets.UTF_8));
        files.put("routes.txt", "route_id,route_short_name,route_type\nr1,1,0\n".getBytes(StandardCharsets.UTF_8));
        files.put("trips.txt", "route_id,service_id,trip_id\nr1,weekdays,t1\n".getBytes(StandardCharsets.UTF_8));
        files.put("calendar.txt", ("service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
                + "weekdays,1,1,1,1,1,0,0,20260701,20260731\n").getBytes(StandardCharsets.UTF_8));
        files.put("calendar_dates.txt", "service_id,date,exception_type\nweekdays,20260715,2\nweekdays,20260718,1\n"
                .getBytes(StandardCharsets.UTF_8));
        return GtfsStaticLoader.load("constructed", files);
    }

    @Test
    void weeklyPatternRunsOnItsDaysBetweenStartAndEndInclusive() {
        ServiceCalendar c = constructedFeed().calendar();
        assertThat(c.runsOn("weekdays", LocalDate.of(2026, 7, 1))).as("start date, a Wednesday").isTrue();
        assertThat(c.runsOn("weekdays", LocalDate.of(2026, 7, 31))).as("end date, a Friday").isTrue();
        assertThat(c.runsOn("weekdays", LocalDate.of(2026, 7, 5))).as("a Sunday").isFalse();
        assertThat(c.runsOn("weekdays", LocalDate.of(2026, 6, 30))).as("before start").isFalse();
        assertThat(c.runsOn("weekdays", LocalDate.of(2026, 8, 3))).as("after end").isFalse();
        assertThat(c.runsOn("no-such-service", LocalDate.of(2026, 7, 1))).isFalse();
    }

    @Test
    void exceptionsWinOverTheWeeklyPattern() {
        ServiceCalendar c = constructedFeed().calendar();
        assertThat(c.runsOn("weekdays", LocalDate.of(2026, 7, 15))).as("a Wednesday removed (type 2)").isFalse();
        assertThat(c.runsOn("weekdays", LocalDate.of(2026, 7, 18))).as("a Saturday added (type 1)").isTrue();
        assertThat(c.describe("weekdays")).contains("2026-07-01..2026-07-31");
        assertThat(c.describe("no-such-service")).isEmpty();
    }

    @Test
    void aCalendarDatesOnlyServiceRunsOnItsAddedDatesAlone() {
        ServiceCalendar c = new ServiceCalendar.Builder().exception("sunday", LocalDate.of(2026, 7, 12), true)
                .weekly("never", Set.of(), LocalDate.of(2026, 7, 1), LocalDate.of(2026, 7, 31)).build();
        assertThat(c.runsOn("sunday", LocalDate.of(2026, 7, 12))).isTrue();
        assertThat(c.runsOn("sunday", LocalDate.of(2026, 7, 19))).isFalse();
        assertThat(c.runsOn("never", LocalDate.of(2026, 7, 12))).isFalse();
        assertThat(c.runsOnAny("sunday", List.of(LocalDate.of(2026, 7, 13), LocalDate.of(2026, 7, 12)))).isTrue();
        assertThat(c.describe("sunday")).contains("2026-07-12..2026-07-12");
        assertThat(LocalDate.of(2026, 7, 12).getDayOfWeek()).isEqualTo(DayOfWeek.SUNDAY);
    }

    @Test
    void anInstantInTheSmallHoursMayBelongToThePreviousServiceDate() {
        assertThat(ServiceCalendar.serviceDatesOf(warsaw("2026-07-13T00:30"), WARSAW))
                .containsExactly(LocalDate.of(2026, 7, 13), LocalDate.of(2026, 7, 12));
        assertThat(ServiceCalendar.serviceDatesOf(warsaw("2026-07-13T11:59"), WARSAW))
                .containsExactly(LocalDate.of(2026, 7, 13), LocalDate.of(2026, 7, 12));
        assertThat(ServiceCalendar.serviceDatesOf(warsaw("2026-07-13T12:00"), WARSAW))
                .as("past the reach of yesterday's service day").containsExactly(LocalDate.of(2026, 7, 13));
        assertThat(ServiceCalendar.serviceDatesOf(warsaw("2026-07-13T23:59"), WARSAW)).containsExactly(LocalDate.of(2026, 7, 13));
    }

    @Test
    void serviceDaysStartAtNoonMinusTwelveHoursAcrossDstChanges() {
        // 2026-03-29 springs forward: its service day starts at 23:00 on 2026-03-28 (noon CEST − 12 h).
        assertThat(ServiceCalendar.serviceDayStart(LocalDate.of(2026, 3, 29), WARSAW)).isEqualTo(warsaw("2026-03-28T23:00"));
        assertThat(ServiceCalendar.serviceDatesOf(warsaw("2026-03-28T23:30"), WARSAW))
                .containsExactly(LocalDate.of(2026, 3, 29), LocalDate.of(2026, 3, 28));
        // 2026-10-25 falls back: its service day starts at 01:00 CEST, so 00:30 that night is 24:30 of 2026-10-24.
        assertThat(ServiceCalendar.serviceDayStart(LocalDate.of(2026, 10, 25), WARSAW))
                .isEqualTo(Instant.parse("2026-10-24T23:00:00Z"));
        assertThat(ServiceCalendar.serviceDatesOf(Instant.parse("2026-10-24T22:30:00Z"), WARSAW))
                .containsExactly(LocalDate.of(2026, 10, 24));
    }
}
