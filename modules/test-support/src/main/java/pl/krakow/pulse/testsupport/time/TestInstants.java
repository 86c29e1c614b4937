package pl.krakow.pulse.testsupport.time;

import java.time.Instant;
import java.time.ZoneId;

/**
 * Named instants used by the tests of more than one module, written out as UTC literals (never computed by the code
 * under test). Local days are Europe/Warsaw days: CET (UTC+1) in winter, CEST (UTC+2) in summer, so a local
 * midnight is 23:00 or 22:00 UTC of the day before. A module's own test base may give one of these its local name
 * ({@code T0}); an instant only one test needs stays in that test.
 */
public final class TestInstants {

    public static final ZoneId WARSAW = ZoneId.of("Europe/Warsaw");

    /** 2017-01-01 00:00 UTC = epoch 1483228800, the epoch of the first row of the bundled GIOŚ 2017-Q1 file. */
    public static final Instant JAN_1_2017_UTC = Instant.parse("2017-01-01T00:00:00Z");
    /** 2017-01-01 00:00 in Warsaw (CET): the local start of the bundled quarter and of the year's windows. */
    public static final Instant JAN_1_2017_WARSAW = Instant.parse("2016-12-31T23:00:00Z");
    /** 2017-01-10 00:00 in Warsaw: a normal 24-hour winter day inside the bundled quarter. */
    public static final Instant JAN_10_2017_WARSAW = Instant.parse("2017-01-09T23:00:00Z");
    /** 2017-03-26 00:00 in Warsaw: clocks go forward at 02:00 CET → 03:00 CEST, so the day has 23 hours. */
    public static final Instant DST_SPRING_DAY = Instant.parse("2017-03-25T23:00:00Z");
    /** End of {@link #DST_SPRING_DAY}: 2017-03-27 00:00 CEST. */
    public static final Instant DST_SPRING_DAY_END = Instant.parse("2017-03-26T22:00:00Z");
    /** 2017-10-29 00:00 in Warsaw: clocks go back at 03:00 CEST → 02:00 CET, so the day has 25 hours. */
    public static final Instant DST_AUTUMN_DAY = Instant.parse("2017-10-28T22:00:00Z");
    /** End of {@link #DST_AUTUMN_DAY}: 2017-10-30 00:00 CET. */
    public static final Instant DST_AUTUMN_DAY_END = Instant.parse("2017-10-29T23:00:00Z");
    /** 2026-11-25 10:00 UTC: a "live" reading time of the sensor-push tests (after the bundled data, before now). */
    public static final Instant LIVE_READING_2026 = Instant.parse("2026-11-25T10:00:00Z");

    private TestInstants() {
    }
}
