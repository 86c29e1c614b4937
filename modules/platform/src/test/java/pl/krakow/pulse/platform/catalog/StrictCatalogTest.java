package pl.krakow.pulse.platform.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The catalog file is read strictly: every failure names the file, the line, the indicator and the key. */
class StrictCatalogTest {

    private static final String GOALS = """
            goals:
              - {id: IV.3, strategicGoal: IV, name: {pl: "Środowisko", en: "Environment"}, topic: indicators.iv3.v1}
            indicators:
            """;

    private static IndicatorCatalog parse(String yaml) throws IOException {
        return IndicatorCatalog.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml");
    }

    @Test
    void kindSpecificKeysStayRawWithTheirLine() throws IOException {
        IndicatorCatalog c = parse(GOALS + """
                  - id: iv3.pm10.daily_mean
                    goal: IV.3
                    kind: daily_mean
                    pollutant: PM10
                    implemented: true
                """);
        IndicatorCatalog.Indicator i = c.indicator("iv3.pm10.daily_mean").orElseThrow();
        assertThat(i.parameters().keys()).containsExactly("pollutant");
        assertThat(i.parameters().get("pollutant").orElseThrow().asText()).isEqualTo("PM10");
        assertThat(i.location("pollutant")).isEqualTo(new IndicatorCatalog.Location("test.yaml", 7));
        assertThat(i.location("kind")).hasToString("test.yaml:6");
        assertThat(i.location()).hasToString("test.yaml:4");
    }

    @Test
    void unknownKeyOfAGoalFailsWithFileLineAndKey() {
        assertThatThrownBy(() -> parse("""
                goals:
                  - id: IV.3
                    colour: green
                """)).isInstanceOf(CatalogException.class).hasMessageStartingWith("test.yaml:3: key 'colour': unknown key");
    }

    @Test
    void unknownTopLevelKeyFails() {
        assertThatThrownBy(() -> parse(GOALS + "thresholds: []\n"))
                .isInstanceOf(CatalogException.class).hasMessageContaining("test.yaml:4: key 'thresholds'");
    }

    @Test
    void unknownKeyOfAnAlertLevelNamesTheIndicator() {
        assertThatThrownBy(() -> parse(GOALS + """
                  - id: iv3.pm10.daily_mean
                    goal: IV.3
                    alertLevels:
                      - {rule: r, level: INFO, operator: ">", threshold: 50, sorce: "x"}
                """)).isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("test.yaml:7: indicator iv3.pm10.daily_mean, key 'sorce': unknown key");
    }

    @Test
    void wrongTypesFailWithFileLineIdAndKey() {
        assertThatThrownBy(() -> parse(GOALS + """
                  - id: iv3.pm10.daily_mean
                    goal: IV.3
                    implemented: "yes"
                """)).isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("test.yaml:6: indicator iv3.pm10.daily_mean, key 'implemented': expected true or false");
        assertThatThrownBy(() -> parse(GOALS + """
                  - id: iv3.pm10.daily_mean
                    goal: IV.3
                    minCoverage: most
                """)).isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("test.yaml:6: indicator iv3.pm10.daily_mean, key 'minCoverage': expected a number");
        assertThatThrownBy(() -> parse(GOALS + """
                  - id: iv3.pm10.daily_mean
                    goal: IV.3
                    scopes: station
                """)).isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("test.yaml:6: indicator iv3.pm10.daily_mean, key 'scopes': expected a list");
    }

    @Test
    void graceThatIsNoDurationFails() {
        assertThatThrownBy(() -> parse(GOALS + """
                  - id: iv3.pm10.daily_mean
                    goal: IV.3
                    grace: 3 hours
                """)).isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("test.yaml:6: indicator iv3.pm10.daily_mean, key 'grace': not an ISO-8601 duration");
    }

    @Test
    void unknownGoalAndDuplicateIdFail() {
        assertThatThrownBy(() -> parse(GOALS + """
                  - {id: iv9.x.y, goal: IV.9}
                """)).isInstanceOf(CatalogException.class).hasMessageStartingWith("test.yaml:4: indicator iv9.x.y, key 'goal': unknown goal IV.9");
        assertThatThrownBy(() -> parse(GOALS + """
                  - {id: iv3.x.y, goal: IV.3}
                  - {id: iv3.x.y, goal: IV.3}
                """)).isInstanceOf(CatalogException.class).hasMessageStartingWith("test.yaml:5: indicator iv3.x.y, key 'id': the id is defined twice");
    }

    @Test
    void bundledCatalogNamesItsResourceInErrors() {
        IndicatorCatalog.Indicator pm10 = IndicatorCatalog.bundled().indicator("iv3.pm10.daily_mean").orElseThrow();
        assertThat(pm10.location("pollutant").source()).isEqualTo("classpath:/catalog/indicators.yaml");
        assertThat(pm10.location("pollutant").line()).isGreaterThan(1);
    }
}
