package pl.krakow.pulse.platform.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class IndicatorKeysTest {

    private static String viaFormatter(Instant instant, ZoneId zone) {
        return OffsetDateTime.ofInstant(instant, zone).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    @Test
    void handFormattedWindowStartsEqualTheIsoFormatterForEveryHourAcrossDstChanges() {
        for (String id : new String[] {"Europe/Warsaw", "UTC", "Asia/Kolkata", "America/St_Johns"}) {
            ZoneId zone = ZoneId.of(id);
            Instant from = Instant.parse("2016-01-01T00:00:00Z");
            Instant to = Instant.parse("2019-01-01T00:00:00Z");
            for (Instant t = from; t.isBefore(to); t = t.plusSeconds(3600)) {
                assertThat(IndicatorKeys.isoWithOffset(t, zone)).as(id + " " + t).isEqualTo(viaFormatter(t, zone));
            }
        }
    }

    @Test
    void knownShapesAndTheFallbacks() {
        ZoneId warsaw = ZoneId.of("Europe/Warsaw");
        assertThat(IndicatorKeys.isoWithOffset(Instant.parse("2017-03-25T23:00:00Z"), warsaw)).isEqualTo("2017-03-26T00:00:00+01:00");
        assertThat(IndicatorKeys.isoWithOffset(Instant.parse("2017-03-26T22:00:00Z"), warsaw)).isEqualTo("2017-03-27T00:00:00+02:00");
        assertThat(IndicatorKeys.isoWithOffset(Instant.parse("2017-03-26T22:00:00Z"), ZoneId.of("UTC"))).isEqualTo("2017-03-26T22:00:00Z");
        Instant withNanos = Instant.parse("2017-03-26T22:00:00.5Z");
        assertThat(IndicatorKeys.isoWithOffset(withNanos, warsaw)).isEqualTo(viaFormatter(withNanos, warsaw));
        Instant localMeanTime = Instant.parse("1890-06-01T12:00:00Z"); // Warsaw's +01:24 local mean time
        assertThat(IndicatorKeys.isoWithOffset(localMeanTime, warsaw)).isEqualTo(viaFormatter(localMeanTime, warsaw));
        Instant farPast = Instant.parse("0900-01-01T00:00:00Z");
        assertThat(IndicatorKeys.isoWithOffset(farPast, warsaw)).isEqualTo(viaFormatter(farPast, warsaw));
    }
}
