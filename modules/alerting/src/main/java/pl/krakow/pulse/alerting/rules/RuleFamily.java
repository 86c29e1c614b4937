package pl.krakow.pulse.alerting.rules;

import java.time.Duration;
import java.util.List;

/**
 * The rules of one indicator that escalate into each other and share one alert (one state machine per
 * indicator, scope and family), ordered from the mildest to the most severe level. {@code minDuration}
 * is how long (event time, from the start of the first breaching window to the end of the latest) a
 * breach must last before it is raised; {@code provisional} whether PROVISIONAL values may raise early.
 */
public record RuleFamily(String indicatorId, String familyId, List<AlertRule> rules, Duration minDuration,
                         boolean provisional) {

    public RuleFamily {
        if (rules.isEmpty()) {
            throw new IllegalArgumentException("family " + familyId + " of " + indicatorId + " has no rule");
        }
        boolean upper = rules.get(0).upper();
        for (int i = 1; i < rules.size(); i++) {
            AlertRule previous = rules.get(i - 1);
            AlertRule rule = rules.get(i);
            if (rule.upper() != upper) {
                throw new IllegalArgumentException("family " + familyId + " mixes upper and lower thresholds");
            }
            if ((upper ? rule.threshold() < previous.threshold() : rule.threshold() > previous.threshold())
                    || rule.level().ordinal() < previous.level().ordinal()) {
                throw new IllegalArgumentException("family " + familyId + ": rules must go from the mildest to the most "
                        + "severe threshold and level, " + rule.ruleId() + " (" + rule.level() + " " + rule.threshold() + ") comes after "
                        + previous.ruleId() + " (" + previous.level() + " " + previous.threshold() + ")");
            }
        }
        rules = List.copyOf(rules);
        minDuration = minDuration == null ? Duration.ZERO : minDuration;
    }

    public AlertRule level(int index) {
        return rules.get(index);
    }

    /** The most severe level breached by {@code value}, or -1 when none is. */
    public int levelReachedBy(double value) {
        for (int i = rules.size() - 1; i >= 0; i--) {
            if (rules.get(i).breachedBy(value)) {
                return i;
            }
        }
        return -1;
    }

    /** From level {@code current}, the level {@code value} still holds with hysteresis (−1 = cleared). */
    public int levelHeldFrom(int current, double value) {
        int level = current;
        while (level >= 0 && !rules.get(level).stillHeldBy(value)) {
            level--;
        }
        return level;
    }
}
