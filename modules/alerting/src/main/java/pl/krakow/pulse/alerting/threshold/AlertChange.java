package pl.krakow.pulse.alerting.threshold;

import pl.krakow.pulse.events.alerts.AlertState;

/**
 * One announced state change of one breach episode: what {@link ThresholdAlertMachine} decided, before
 * it becomes an {@code Alert} record. {@code level} indexes the family's rules (the level entered, or
 * for CLEARED and RETRACTED the level left); {@code value} and the window are those of the indicator
 * value that caused the change.
 */
public record AlertChange(String alertId, AlertState state, int level, boolean provisional, double value,
                          long windowStartMs, long windowEndMs, long firstSeenMs) {
}
