package pl.krakow.pulse.indicators.kind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import org.apache.kafka.streams.StreamsBuilder;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.indicators.Iv3EnvironmentTopology;
import pl.krakow.pulse.indicators.iv5.Iv5SafetyTopology;
import pl.krakow.pulse.platform.catalog.CatalogException;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.registry.InMemorySchemaRegistryClient;
import pl.krakow.pulse.platform.serde.PulseSerdes;

/**
 * Every implemented entry is claimed by a registered kind and every kind-specific key is one its kind knows, with the
 * right type; otherwise start-up fails naming the file, the line, the indicator and the key.
 */
class IndicatorKindsTest {

    private static final String GOALS = """
            goals:
              - {id: IV.3, strategicGoal: IV, name: {pl: "Środowisko", en: "Environment"}, topic: indicators.iv3.v1}
              - {id: IV.4, strategicGoal: IV, name: {pl: "Transport", en: "Transport"}, topic: indicators.iv4.v1}
              - {id: IV.5, strategicGoal: IV, name: {pl: "Bezpieczeństwo", en: "Safety"}, topic: indicators.iv5.v1}
            indicators:
            """;
    /** Lines of GOALS: the first entry starts on line 6. */
    private static final String PM10_DAILY = """
              - {id: iv3.pm10.daily_mean, goal: IV.3, unit: "µg/m³", kind: daily_mean, pollutant: PM10, window: P1D,
                 grace: PT3H, implemented: true}
            """;

    private final IndicatorKinds kinds = IndicatorKinds.bundled();

    private static IndicatorCatalog catalog(String indicators) {
        try {
            return IndicatorCatalog.parse(new ByteArrayInputStream((GOALS + indicators).getBytes(StandardCharsets.UTF_8)), "test.yaml");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void bundledCatalogIsFullyClaimed() {
        IndicatorCatalog bundled = IndicatorCatalog.bundled();
        for (String goal : new String[] {"IV.3", "IV.4", "IV.5"}) {
            long implemented = bundled.indicatorsOf(goal).stream().filter(IndicatorCatalog.Indicator::implemented).count();
            assertThat(kinds.implemented(bundled, goal)).as(goal).hasSize((int) implemented);
        }
    }

    @Test
    void unknownKeyOfAKindFailsWithFileLineIdAndKey() {
        IndicatorCatalog c = catalog("""
                  - id: iv3.pm10.daily_mean
                    goal: IV.3
                    kind: daily_mean
                    polutant: PM10
                    implemented: true
                """);
        assertThatThrownBy(() -> kinds.implemented(c, "IV.3")).isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("test.yaml:9: indicator iv3.pm10.daily_mean, key 'polutant': unknown key for kind daily_mean");
    }

    @Test
    void aKeyOfAnotherKindIsUnknownToo() {
        IndicatorCatalog c = catalog(PM10_DAILY + """
                  - id: iv3.pm10.hourly
                    goal: IV.3
                    kind: hourly_value
                    pollutant: PM10
                    cityAggregate: max
                    implemented: true
                """);
        assertThatThrownBy(() -> kinds.implemented(c, "IV.3")).isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("test.yaml:12: indicator iv3.pm10.hourly, key 'cityAggregate': unknown key for kind hourly_value");
    }

    @Test
    void unknownKindOfAnImplementedEntryFails() {
        IndicatorCatalog c = catalog(PM10_DAILY + """
                  - id: iv3.pm10.weekly_mean
                    goal: IV.3
                    kind: weekly_mean
                    pollutant: PM10
                    implemented: true
                """);
        assertThatThrownBy(() -> Iv3EnvironmentTopology.build(new StreamsBuilder(), serdes(), c, ZoneId.of("Europe/Warsaw")))
                .isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("test.yaml:10: indicator iv3.pm10.weekly_mean, key 'kind': unknown kind weekly_mean");
    }

    @Test
    void unknownKindOfAnEntryNotYetImplementedIsPartOfTheCatalog() {
        IndicatorCatalog c = catalog(PM10_DAILY + """
                  - {id: iv3.pm10.weekly_mean, goal: IV.3, kind: weekly_mean, pollutant: PM10, implemented: false}
                """);
        assertThat(kinds.implemented(c, "IV.3")).hasSize(1);
    }

    @Test
    void wrongTypeOrValueOfAParameterFails() {
        IndicatorCatalog threshold = catalog(PM10_DAILY + """
                  - id: iv3.pm10.exceedance_days
                    goal: IV.3
                    kind: exceedance_days
                    pollutant: PM10
                    exceedanceThreshold: fifty
                    implemented: true
                """);
        assertThatThrownBy(() -> kinds.implemented(threshold, "IV.3")).isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("test.yaml:12: indicator iv3.pm10.exceedance_days, key 'exceedanceThreshold': expected a number");
        IndicatorCatalog pollutant = catalog("""
                  - {id: iv3.pm10.daily_mean, goal: IV.3, kind: daily_mean,
                     pollutant: PM100, implemented: true}
                """);
        assertThatThrownBy(() -> kinds.implemented(pollutant, "IV.3")).isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("test.yaml:7: indicator iv3.pm10.daily_mean, key 'pollutant': unknown pollutant PM100");
        IndicatorCatalog bands = catalog(PM10_DAILY + """
                  - id: iv3.aqi.class
                    goal: IV.3
                    kind: aqi_class
                    bands: {PM10: [15, high]}
                    implemented: true
                """);
        assertThatThrownBy(() -> kinds.implemented(bands, "IV.3")).isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("test.yaml:11: indicator iv3.aqi.class, key 'bands': bounds of PM10 must be numbers");
    }

    @Test
    void aKindFedByASeriesTheCatalogLacksFailsAtItsPollutant() {
        IndicatorCatalog c = catalog(PM10_DAILY + """
                  - id: iv3.no2.hours_above_200
                    goal: IV.3
                    kind: exceedance_hours
                    pollutant: NO2
                    exceedanceThreshold: 200
                    unit: hours
                    implemented: true
                """);
        assertThatThrownBy(() -> Iv3EnvironmentTopology.build(new StreamsBuilder(), serdes(), c, ZoneId.of("Europe/Warsaw")))
                .isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("test.yaml:11: indicator iv3.no2.hours_above_200, key 'pollutant': "
                        + "iv3.no2.hours_above_200 counts hourly values of NO2, but no hourly_value indicator of NO2 is implemented");
    }

    @Test
    void aMissingCommonKeyTheKindNeedsFailsAtTheEntry() {
        IndicatorCatalog c = catalog(PM10_DAILY + """
                  - {id: iv3.no2.hours_above_200, goal: IV.3, kind: exceedance_hours, pollutant: NO2,
                     exceedanceThreshold: 200, implemented: true}
                """);
        assertThatThrownBy(() -> kinds.implemented(c, "IV.3")).isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("test.yaml:8: indicator iv3.no2.hours_above_200, not a valid exceedance_hours entry: missing unit");
    }

    @Test
    void iv5WindowAndIv4IdAreChecked() {
        IndicatorCatalog window = catalog("""
                  - id: iv5.incidents.count
                    goal: IV.5
                    kind: incident_count
                    window: PT1H
                    implemented: true
                """);
        assertThatThrownBy(() -> Iv5SafetyTopology.indicators(window)).isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("test.yaml:9: indicator iv5.incidents.count, key 'window': not an ISO-8601 period");
        IndicatorCatalog quantile = catalog("""
                  - {id: iv5.response.time_median, goal: IV.5, kind: response_time, window: P1D, implemented: true}
                """);
        assertThatThrownBy(() -> Iv5SafetyTopology.indicators(quantile)).isInstanceOf(CatalogException.class)
                .hasMessageContaining("test.yaml:6: indicator iv5.response.time_median, key 'id'");
        IndicatorCatalog iv4 = catalog("""
                  - {id: iv4.pt.delay_p75, goal: IV.4, kind: delay_percentiles, window: PT1H, implemented: true}
                """);
        assertThatThrownBy(() -> kinds.implemented(iv4, "IV.4")).isInstanceOf(CatalogException.class)
                .hasMessageContaining("test.yaml:6: indicator iv4.pt.delay_p75, key 'id': kind delay_percentiles is computed for "
                        + "[iv4.pt.delay_p50, iv4.pt.delay_p90] only");
    }

    private static PulseSerdes serdes() {
        return new PulseSerdes(new InMemorySchemaRegistryClient());
    }
}
