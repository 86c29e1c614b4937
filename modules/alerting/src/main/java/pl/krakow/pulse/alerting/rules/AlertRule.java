package pl.krakow.pulse.alerting.rules;

import java.util.Objects;
import pl.krakow.pulse.events.alerts.AlertLevel;

/**
 * One effective threshold of one indicator for one scope: the catalog's alert level after the
 * operator's overrides. {@code upper} rules breach when the value is above the threshold (PM10 ≥ 100),
 * lower rules when below it (completeness &lt; 75 %). A breach clears only once the value is on the
 * safe side of {@code threshold ∓ clearMargin} (hysteresis), in the indicator's unit.
 */
public record AlertRule(String ruleId, AlertLevel level, String operator, double threshold, double clearMargin,
                        String source) {

    public AlertRule {
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(level, "level");
        if (!operator.equals(">") && !operator.equals(">=") && !operator.equals("<") && !operator.equals("<=")) {
            throw new IllegalArgumentException("rule " + ruleId + ": operator must be >, >=, < or <=, not " + operator);
        }
        if (!Double.isFinite(threshold)) {
            throw new IllegalArgumentException("rule " + ruleId + ": threshold must be a finite number");
        }
        if (!(clearMargin >= 0) || !Double.isFinite(clearMargin)) {
            throw new IllegalArgumentException("rule " + ruleId + ": clearMargin must be >= 0");
        }
        source = source == null ? "" : source;
    }

    /** True for rules breached by high values ({@code >}, {@code >=}). */
    public boolean upper() {
        return operator.startsWith(">");
    }

    /** Whether {@code value} breaches the threshold. */
    public boolean breachedBy(double value) {
        return switch (operator) {
            case ">" -> value > threshold;
            case ">=" -> value >= threshold;
            case "<" -> value < threshold;
            default -> value <= threshold;
        };
    }

    /**
     * Whether an already raised breach still holds at {@code value}: it clears only strictly beyond
     * {@code threshold − clearMargin} (upper rules) or {@code threshold + clearMargin} (lower rules).
     */
    public boolean stillHeldBy(double value) {
        return upper() ? value >= threshold - clearMargin : value <= threshold + clearMargin;
    }
}
