package pl.krakow.pulse.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.indicators.Iv3EnvironmentTopology;
import pl.krakow.pulse.indicators.daily.DailyMeanDefinition;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;

/**
 * The same-work catalog is the peer's job and nothing else — the bundled PM10 and PM2.5 daily means, station scope
 * only — and stays in step with the bundled catalog's entries of the same ids (window, grace, coverage, unit, kind).
 */
class SameWorkCatalogTest {

    @Test
    void holdsTheBundledDailyMeansOfPm10AndPm25WithoutTheirCityValues() {
        IndicatorCatalog same = SameWorkload.catalog();
        IndicatorCatalog bundled = IndicatorCatalog.bundled();

        assertThat(same.indicators()).extracting(IndicatorCatalog.Indicator::id)
                .containsExactly("iv3.pm10.daily_mean", "iv3.pm25.daily_mean");
        for (IndicatorCatalog.Indicator entry : same.indicators()) {
            IndicatorCatalog.Indicator original = bundled.indicator(entry.id()).orElseThrow();
            assertThat(entry.kind()).isEqualTo(original.kind());
            assertThat(entry.goal()).isEqualTo(original.goal());
            assertThat(entry.unit()).isEqualTo(original.unit());
            assertThat(entry.window()).isEqualTo(original.window());
            assertThat(entry.graceDuration()).isEqualTo(original.graceDuration());
            assertThat(entry.minCoverageOrDefault()).isEqualTo(original.minCoverageOrDefault());
            assertThat(entry.parameters().get("pollutant")).isEqualTo(original.parameters().get("pollutant"));
            assertThat(entry.scopes()).containsExactly("station");
            assertThat(entry.parameters().get("cityAggregate")).isEmpty();
        }
        List<DailyMeanDefinition> means = Iv3EnvironmentTopology.dailyMeans(same);
        assertThat(means).extracting(DailyMeanDefinition::minValidHours).containsOnly(18);
        assertThat(Iv3EnvironmentTopology.cities(same)).as("no city stage").isEmpty();
        assertThat(Iv3EnvironmentTopology.storeNames(same)).as("two series, two stores each")
                .hasSize(4);
    }
}
