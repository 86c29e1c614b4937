package pl.krakow.pulse.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.alerting.rules.AlertRule;
import pl.krakow.pulse.alerting.rules.RuleFamily;
import pl.krakow.pulse.alerting.threshold.AlertChange;
import pl.krakow.pulse.alerting.threshold.ThresholdAlertMachine;
import pl.krakow.pulse.alerting.threshold.ThresholdAlertState;
import pl.krakow.pulse.events.alerts.AlertLevel;
import pl.krakow.pulse.events.alerts.AlertState;

/** The pure state machine: PM10 daily mean information 100 / alarm 150 with a 10 µg/m³ / 15 µg/m³ margin. */
class ThresholdAlertMachineTest {

    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final long HOUR = Duration.ofHours(1).toMillis();
    private static final String KEY = "iv3.pm10.daily_mean|station:MpKrakAlKras";

    private final AlertRule information = new AlertRule("pm10-daily-pl-information", AlertLevel.WARNING, ">=", 100, 10, "Dz.U. 2019 poz. 1931");
    private final AlertRule alarm = new AlertRule("pm10-daily-pl-alarm", AlertLevel.ALARM, ">=", 150, 15, "Dz.U. 2019 poz. 1931");
    private final RuleFamily family = new RuleFamily("iv3.pm10.daily_mean", "pm10-daily-pl", List.of(information, alarm), Duration.ZERO, true);
    private final ThresholdAlertState state = new ThresholdAlertState();
    private int day;

    private List<AlertChange> finalValue(RuleFamily f, double v) {
        long start = day++ * DAY;
        return ThresholdAlertMachine.onFinal(f, state, KEY, v, start, start + DAY, 1000);
    }

    private List<AlertChange> provisionalValue(double v, int dayIndex) {
        return ThresholdAlertMachine.onProvisional(family, state, KEY, v, dayIndex * DAY, dayIndex * DAY + DAY, 1000);
    }

    @Test
    void flappingAroundTheThresholdRaisesOnceAndClearsOnceBelowTheMargin() {
        List<AlertChange> all = new ArrayList<>();
        for (double v : new double[] {99, 101, 98, 102, 91, 100.5, 95, 90.0, 89.9, 101, 60}) {
            all.addAll(finalValue(family, v));
        }
        // 101 raises; 98, 102, 91, 100.5, 95, 90.0 stay within the 10 µg/m³ band; 89.9 clears; 101 raises again; 60 clears.
        assertThat(all).extracting(AlertChange::state).containsExactly(AlertState.RAISED, AlertState.CLEARED,
                AlertState.RAISED, AlertState.CLEARED);
        assertThat(all.get(0).alertId()).isEqualTo(all.get(1).alertId()).isNotEqualTo(all.get(2).alertId());
        assertThat(all.get(2).alertId()).isEqualTo(all.get(3).alertId());
        assertThat(all).allMatch(c -> !c.provisional());
        assertThat(state.isIdle()).isTrue();
    }

    @Test
    void escalatesAndDeescalatesBetweenLevelsWithinOneEpisode() {
        List<AlertChange> all = new ArrayList<>();
        for (double v : new double[] {120, 160, 140, 136, 134, 95, 155, 85}) {
            all.addAll(finalValue(family, v));
        }
        assertThat(all).extracting(AlertChange::state).containsExactly(AlertState.RAISED, AlertState.ESCALATED,
                AlertState.DEESCALATED, AlertState.ESCALATED, AlertState.CLEARED);
        assertThat(all).extracting(AlertChange::level).containsExactly(0, 1, 0, 1, 1);
        assertThat(all).extracting(AlertChange::alertId).containsOnly(all.get(0).alertId());
    }

    @Test
    void straightToAlarmRaisesAtTheAlarmLevel() {
        List<AlertChange> c = finalValue(family, 170);
        assertThat(c).singleElement().satisfies(x -> {
            assertThat(x.state()).isEqualTo(AlertState.RAISED);
            assertThat(x.level()).isEqualTo(1);
        });
    }

    @Test
    void minimumDurationDelaysTheRaiseAndABreakResetsIt() {
        RuleFamily threeHours = new RuleFamily("iv3.no2.hourly", "no2", List.of(
                new AlertRule("no2-alarm", AlertLevel.ALARM, ">", 400, 40, "GIOŚ")), Duration.ofHours(3), false);
        List<AlertChange> all = new ArrayList<>();
        long[] starts = {0, 1, 2, 3, 4, 5, 6};
        double[] values = {410, 420, 300, 410, 405, 401, 100};
        for (int i = 0; i < values.length; i++) {
            all.addAll(ThresholdAlertMachine.onFinal(threeHours, state, KEY, values[i], starts[i] * HOUR, (starts[i] + 1) * HOUR, 1));
            if (i == 4) {
                assertThat(all).as("two hours above 400 after the break are not yet three").isEmpty();
            }
        }
        assertThat(all).extracting(AlertChange::state).containsExactly(AlertState.RAISED, AlertState.CLEARED);
        assertThat(all.get(0).windowStartMs()).isEqualTo(5 * HOUR);
    }

    @Test
    void provisionalRaiseConfirmedByFinalKeepsTheEpisode() {
        List<AlertChange> early = provisionalValue(130, 0);
        assertThat(early).singleElement().satisfies(c -> {
            assertThat(c.state()).isEqualTo(AlertState.RAISED);
            assertThat(c.provisional()).isTrue();
        });
        assertThat(provisionalValue(140, 0)).as("more provisional values of the day: no storm").isEmpty();
        List<AlertChange> confirmed = finalValue(family, 125);
        assertThat(confirmed).singleElement().satisfies(c -> {
            assertThat(c.state()).isEqualTo(AlertState.RAISED);
            assertThat(c.provisional()).isFalse();
            assertThat(c.alertId()).isEqualTo(early.get(0).alertId());
        });
    }

    @Test
    void provisionalRaiseRetractedByALowerFinal() {
        List<AlertChange> early = provisionalValue(105, 0);
        List<AlertChange> retracted = finalValue(family, 97);
        assertThat(retracted).singleElement().satisfies(c -> {
            assertThat(c.state()).isEqualTo(AlertState.RETRACTED);
            assertThat(c.alertId()).isEqualTo(early.get(0).alertId());
        });
        assertThat(state.isIdle()).isTrue();
    }

    @Test
    void provisionalAlarmConfirmedOnlyAsInformationIsRetractedThenRaisedAtTheConfirmedLevel() {
        provisionalValue(155, 0);
        List<AlertChange> c = finalValue(family, 120);
        assertThat(c).extracting(AlertChange::state).containsExactly(AlertState.RETRACTED, AlertState.RAISED);
        assertThat(c.get(1).level()).isZero();
        assertThat(c.get(1).provisional()).isFalse();
    }

    @Test
    void staleFinalOfAnOlderWindowIsIgnored() {
        day = 5;
        finalValue(family, 120);
        day = 3;
        assertThat(finalValue(family, 20)).isEmpty();
    }

    @Test
    void lowerBoundRuleBreachesBelowAndClearsAboveThresholdPlusMargin() {
        RuleFamily completeness = new RuleFamily("iv3.data.completeness", "low", List.of(
                new AlertRule("data-completeness-low", AlertLevel.INFO, "<", 75, 7.5, "project choice")), Duration.ZERO, true);
        List<AlertChange> all = new ArrayList<>();
        for (double v : new double[] {80, 70, 80, 83, 50}) {
            all.addAll(finalValue(completeness, v));
        }
        assertThat(all).extracting(AlertChange::state).containsExactly(AlertState.RAISED, AlertState.CLEARED, AlertState.RAISED);
    }
}
