package pl.krakow.pulse.indicators.daily;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

class DailyMeanStoreKeyTest {

    @Test
    void roundTripsEndAndStation() {
        long end = Instant.parse("2017-01-10T23:00:00Z").toEpochMilli();
        Bytes key = DailyMeanStoreKey.of(end, "MpKrakAlKras");
        assertThat(DailyMeanStoreKey.windowEndMs(key)).isEqualTo(end);
        assertThat(DailyMeanStoreKey.stationCode(key)).isEqualTo("MpKrakAlKras");
    }

    @Test
    void byteOrderIsWindowEndOrderThenStation() {
        Bytes earlyZ = DailyMeanStoreKey.of(Instant.parse("2017-01-10T23:00:00Z").toEpochMilli(), "Z");
        Bytes lateA = DailyMeanStoreKey.of(Instant.parse("2017-01-11T23:00:00Z").toEpochMilli(), "A");
        Bytes lateB = DailyMeanStoreKey.of(Instant.parse("2017-01-11T23:00:00Z").toEpochMilli(), "B");
        Bytes beforeEpoch = DailyMeanStoreKey.of(-1L, "A");
        Bytes far = DailyMeanStoreKey.of(Long.MAX_VALUE / 2, "A");
        assertThat(beforeEpoch.compareTo(earlyZ)).isNegative();
        assertThat(earlyZ.compareTo(lateA)).isNegative();
        assertThat(lateA.compareTo(lateB)).isNegative();
        assertThat(lateB.compareTo(far)).isNegative();
    }
}
