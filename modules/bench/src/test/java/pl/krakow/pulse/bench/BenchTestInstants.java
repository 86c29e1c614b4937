package pl.krakow.pulse.bench;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import pl.krakow.pulse.testsupport.time.TestInstants;

/** Named instants of the bench tests, written out as UTC literals. */
final class BenchTestInstants {

    static final ZoneId WARSAW = TestInstants.WARSAW;
    /** The tests' wall clock. */
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final Clock FIXED_CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    /** First bundled hour: 2017-01-01 00:00–01:00 UTC, stamped with its end. */
    static final Instant BUNDLED_FIRST_HOUR_END = Instant.parse("2017-01-01T01:00:00Z");
    /** 2017-03-26, the spring DST day (23 hours): local midnight is 23:00 UTC the day before. */
    static final Instant DST_SPRING_DAY_START = TestInstants.DST_SPRING_DAY;
    /** Its end, 2017-03-27 00:00 CEST. */
    static final Instant DST_SPRING_DAY_END = TestInstants.DST_SPRING_DAY_END;

    private BenchTestInstants() {
    }
}
