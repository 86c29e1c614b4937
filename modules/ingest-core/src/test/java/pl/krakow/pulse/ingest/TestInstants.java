package pl.krakow.pulse.ingest;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** Named instants shared by the ingest-core tests. */
final class TestInstants {

    /** The wall clock of the tests. */
    static final Instant NOW = Instant.parse("2026-01-15T12:00:00Z");
    static final Clock FIXED_CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    /** Start of the bundled data: end of the first hour of 2017 (UTC). */
    static final Instant T0 = Instant.parse("2017-01-01T00:00:00Z");
    static final Instant T0_PLUS_1H = T0.plusSeconds(3600);
    static final Instant T0_PLUS_2H = T0.plusSeconds(7200);
    static final Instant T0_PLUS_3H = T0.plusSeconds(3 * 3600);

    private TestInstants() {
    }
}
