package pl.krakow.pulse.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.alerting.rules.AlertRule;
import pl.krakow.pulse.alerting.rules.AlertRules;
import pl.krakow.pulse.alerting.rules.RuleFamily;
import pl.krakow.pulse.events.alerts.AlertLevel;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.catalog.Scopes;

class AlertRulesTest {

    @TempDir
    Path dir;

    private final IndicatorCatalog catalog = IndicatorCatalog.bundled();

    @Test
    void catalogLevelsBecomeFamiliesWithThePolishLevelsTogether() {
        AlertRules rules = AlertRules.bundled(catalog, AlertRules.Defaults.standard());
        List<RuleFamily> families = rules.familiesFor("iv3.pm10.daily_mean", "station:MpKrakAlKras");
        assertThat(families).extracting(RuleFamily::familyId)
                .containsExactly("pm10-daily-pl", "pm10-daily-who", "pm10-daily-eu-limit");
        RuleFamily pl = families.get(0);
        assertThat(pl.rules()).extracting(AlertRule::ruleId).containsExactly("pm10-daily-pl-information", "pm10-daily-pl-alarm");
        assertThat(pl.rules()).extracting(AlertRule::threshold).containsExactly(100.0, 150.0);
        assertThat(pl.rules()).extracting(AlertRule::level).containsExactly(AlertLevel.WARNING, AlertLevel.ALARM);
        assertThat(pl.level(0).source()).isEqualTo("Dz.U. 2019 poz. 1931");
        // default margin: 10 % of the threshold
        assertThat(pl.rules()).extracting(AlertRule::clearMargin).containsExactly(10.0, 15.0);
        assertThat(rules.familiesFor("iv3.pm10.hourly", "station:X")).isEmpty();
        assertThat(rules.indicatorsWithRules()).contains("iv3.pm10.daily_mean", "iv3.data.completeness")
                .doesNotContain("iv3.pm10.hourly");
    }

    @Test
    void operatorFileOverridesPerScopeDisablesAddsAndSetsFamilySettings() throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, """
                overrides:
                  - {indicator: iv3.pm10.daily_mean, rule: pm10-daily-pl-information, threshold: 80, clearMargin: 5}
                  - {indicator: iv3.pm10.daily_mean, scope: station:MpKrakDietla, rule: pm10-daily-pl-information, threshold: 90}
                  - {indicator: iv3.pm10.daily_mean, rule: pm10-daily-who, enabled: false}
                  - {indicator: iv3.pm10.daily_mean, family: pm10-daily-pl, minDuration: PT48H, provisional: false}
                  - {indicator: iv3.pm10.hourly, rule: pm10-hourly-high, level: ALARM, operator: ">", threshold: 300}
                """);
        AlertRules rules = AlertRules.load(catalog, AlertRules.Defaults.standard(), file);
        RuleFamily kras = rules.familiesFor("iv3.pm10.daily_mean", "station:MpKrakAlKras").get(0);
        assertThat(kras.level(0).threshold()).isEqualTo(80.0);
        assertThat(kras.level(0).clearMargin()).isEqualTo(5.0);
        assertThat(kras.minDuration()).isEqualTo(Duration.ofHours(48));
        assertThat(kras.provisional()).isFalse();
        RuleFamily dietla = rules.familiesFor("iv3.pm10.daily_mean", "station:MpKrakDietla").get(0);
        assertThat(dietla.level(0).threshold()).as("scope-specific wins").isEqualTo(90.0);
        assertThat(dietla.level(0).clearMargin()).as("a new threshold without a margin gets the default 10 %").isEqualTo(9.0);
        assertThat(rules.familiesFor("iv3.pm10.daily_mean", Scopes.KRAKOW_CITY)).extracting(RuleFamily::familyId)
                .doesNotContain("pm10-daily-who");
        assertThat(rules.familiesFor("iv3.pm10.hourly", "station:X")).singleElement()
                .satisfies(f -> assertThat(f.level(0).level()).isEqualTo(AlertLevel.ALARM));
        assertThat(rules.indicatorsWithRules()).contains("iv3.pm10.hourly");
    }

    @Test
    void badRulesFailAtLoadWithTheReason() throws Exception {
        Path unknownField = dir.resolve("a.yaml");
        Files.writeString(unknownField, "overrides:\n  - {indicator: iv3.pm10.daily_mean, rule: pm10-daily-who, treshold: 3}\n");
        assertThatThrownBy(() -> AlertRules.load(catalog, AlertRules.Defaults.standard(), unknownField))
                .hasMessageContaining("treshold");
        Path unknownRule = dir.resolve("b.yaml");
        Files.writeString(unknownRule, "overrides:\n  - {indicator: iv3.pm10.daily_mean, rule: nope}\n");
        assertThatThrownBy(() -> AlertRules.load(catalog, AlertRules.Defaults.standard(), unknownRule))
                .hasMessageContaining("needs a threshold");
        Path disorder = dir.resolve("c.yaml");
        Files.writeString(disorder, "overrides:\n  - {indicator: iv3.pm10.daily_mean, rule: pm10-daily-pl-alarm, threshold: 90}\n");
        assertThatThrownBy(() -> AlertRules.load(catalog, AlertRules.Defaults.standard(), disorder))
                .hasMessageContaining("mildest");
    }

    @Test
    void aCityOverrideAppliesToThatCityOnlyAndTheBareCityOfOlderEditionsIsRefused() throws Exception {
        Path file = dir.resolve("cities.yaml");
        Files.writeString(file, """
                overrides:
                  - {indicator: iv3.pm10.daily_mean, scope: "city:krakow", rule: pm10-daily-pl-information, threshold: 70}
                """);
        AlertRules rules = AlertRules.load(catalog, AlertRules.Defaults.standard(), file);
        assertThat(rules.familiesFor("iv3.pm10.daily_mean", Scopes.KRAKOW_CITY).get(0).level(0).threshold()).isEqualTo(70.0);
        assertThat(rules.familiesFor("iv3.pm10.daily_mean", Scopes.city("poznan")).get(0).level(0).threshold()).isEqualTo(100.0);

        Path legacy = dir.resolve("legacy.yaml");
        Files.writeString(legacy, "overrides:\n  - {indicator: iv3.pm10.daily_mean, scope: city, rule: pm10-daily-pl-information, "
                + "threshold: 70}\n");
        assertThatThrownBy(() -> AlertRules.load(catalog, AlertRules.Defaults.standard(), legacy))
                .hasMessageContaining("scope 'city' names no city").hasMessageContaining("city:krakow");
    }
}
