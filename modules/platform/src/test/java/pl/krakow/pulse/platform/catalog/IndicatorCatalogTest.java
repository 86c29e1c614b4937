package pl.krakow.pulse.platform.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class IndicatorCatalogTest {

    @Test
    void bundledCatalogHasTheThreeGoalsAndThePm10DailyMean() {
        IndicatorCatalog c = IndicatorCatalog.bundled();
        assertThat(c.goals()).extracting(IndicatorCatalog.Goal::id).containsExactly("IV.3", "IV.4", "IV.5");
        IndicatorCatalog.Indicator pm10 = c.indicator("iv3.pm10.daily_mean").orElseThrow();
        assertThat(pm10.unit()).isEqualTo("µg/m³");
        assertThat(pm10.graceDuration()).isEqualTo(Duration.ofHours(3));
        assertThat(pm10.minCoverageOrDefault()).isEqualTo(0.75);
        assertThat(pm10.alertLevelsOrEmpty()).extracting(IndicatorCatalog.AlertLevel::threshold).contains(50.0, 100.0, 150.0);
        assertThat(pm10.alertLevelsOrEmpty()).allSatisfy(a -> assertThat(a.source()).isNotBlank());
        assertThat(c.implementedOfKind("daily_mean")).extracting(IndicatorCatalog.Indicator::id).contains("iv3.pm10.daily_mean");
    }

    @Test
    void everyIndicatorIdFollowsTheConvention() {
        for (IndicatorCatalog.Indicator i : IndicatorCatalog.bundled().indicators()) {
            String goalPrefix = i.goal().toLowerCase(java.util.Locale.ROOT).replace(".", "");
            assertThat(i.id()).startsWith(goalPrefix + ".").matches("[a-z0-9]+\\.[a-z0-9_]+\\.[a-z0-9_]+");
        }
    }

    @Test
    void keyRendersWindowStartWithLocalOffset() {
        assertThat(IndicatorKeys.key("iv3.pm10.daily_mean", "station:MpKrakAlKras",
                Instant.parse("2016-12-31T23:00:00Z"), ZoneId.of("Europe/Warsaw")))
                .isEqualTo("iv3.pm10.daily_mean|station:MpKrakAlKras|2017-01-01T00:00:00+01:00");
    }
}
