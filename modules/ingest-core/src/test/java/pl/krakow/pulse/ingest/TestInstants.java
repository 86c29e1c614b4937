package pl.krakow.pulse.ingest;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** Named instants of the ingest-core tests (those other modules use too come from test-support). */
final class TestInstants {

    /** The wall clock of the tests. */
    static final Instant NOW = Instant.parse("2026-01-15T12:00:00Z");
    static final Clock FIXED_CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    /** Start of the bundled data: 2017-01-01 00:00 UTC, the epoch of the bundled file's first row. */
    static final Instant T0 = pl.krakow.pulse.testsupport.time.TestInstants.JAN_1_2017_UTC;
    static final Instant T0_PLUS_1H = T0.plusSeconds(3600);
    static final Instant T0_PLUS_2H = T0.plusSeconds(7200);
    static final Instant T0_PLUS_3H = T0.plusSeconds(3 * 3600);

    private TestInstants() {
    }
}
