package pl.krakow.pulse.alerting.threshold;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import pl.krakow.pulse.alerting.rules.RuleFamily;
import pl.krakow.pulse.events.alerts.AlertState;

/**
 * The alert state machine of one (indicator, scope, rule family): {@code OK → RAISED → ESCALATED /
 * DEESCALATED → CLEARED}, pure and deterministic (DESIGN §10).
 *
 * <p><b>Confirmed walk.</b> FINAL values, in window order, move the confirmed level: up to the most
 * severe level the value breaches; down only when the value leaves a level's hysteresis band
 * ({@code threshold − clearMargin} for upper rules), so a value flapping around a threshold raises
 * once. From OK, a breach is raised only once it has lasted {@code minDuration} (event time, from
 * the first breaching window's start to the current window's end). One episode = one {@code alertId}
 * from RAISED to CLEARED, however many values arrive in between. Every confirmed change is announced
 * with {@code provisional=false}; the sequence of those records is exactly this walk.
 *
 * <p><b>Provisional overlay.</b> A valid PROVISIONAL value of a window newer than the confirmed one that
 * breaches a level above the announced one announces it early ({@code provisional=true}: RAISED from OK,
 * else ESCALATED). Provisional values never lower anything. When the FINAL value of that window (or a
 * later one) arrives the overlay resolves: confirmed at least as high → the confirmed RAISED/ESCALATED
 * confirms it; lower → a {@code RETRACTED} record ({@code provisional=true}, level = the withdrawn one)
 * precedes the confirmed change, if any.
 *
 * <p>FINAL values of windows older than the newest judged one are stale and ignored (the caller
 * orders them first). Invalid values (too little data) and null values are not judged.
 */
public final class ThresholdAlertMachine {

    private ThresholdAlertMachine() {
    }

    /** Judges a FINAL value; returns the changes to announce (possibly none), in order. */
    public static List<AlertChange> onFinal(RuleFamily family, ThresholdAlertState s, String seriesKey, double value,
                                            long windowStart, long windowEnd, long nowMs) {
        if (windowStart < s.confirmedWindowStart) {
            return List.of();
        }
        List<AlertChange> out = new ArrayList<>(2);
        int current = s.confirmedLevel;
        int up = family.levelReachedBy(value);
        int target = Math.max(up, family.levelHeldFrom(current, value));
        if (current < 0 && up >= 0) {
            // From OK a breach must last minDuration (event time) before it is raised.
            if (s.breachSince == ThresholdAlertState.NONE) {
                s.breachSince = windowStart;
            }
            if (windowEnd - s.breachSince < family.minDuration().toMillis()) {
                target = -1;
            }
        }
        if (target >= 0 || up < 0) {
            s.breachSince = ThresholdAlertState.NONE;
        }
        s.confirmedWindowStart = windowStart;

        if (s.provisionalLevel >= 0 && (s.provisionalWindowStart <= windowStart || s.provisionalLevel <= target)) {
            if (target < s.provisionalLevel && s.provisionalWindowStart <= windowStart) {
                out.add(new AlertChange(s.alertId, AlertState.RETRACTED, s.provisionalLevel, true, value, windowStart,
                        windowEnd, s.firstSeen));
            }
            s.provisionalLevel = -1;
            s.provisionalWindowStart = ThresholdAlertState.NONE;
            if (current < 0 && target < 0) {
                s.alertId = null;
                s.firstSeen = ThresholdAlertState.NONE;
            }
        }
        if (target != current) {
            AlertState state;
            int level = target;
            if (current < 0) {
                if (s.alertId == null) {
                    s.alertId = episodeId(seriesKey, family, windowStart);
                    s.firstSeen = nowMs;
                }
                state = AlertState.RAISED;
            } else if (target < 0) {
                state = AlertState.CLEARED;
                level = current;
            } else {
                state = target > current ? AlertState.ESCALATED : AlertState.DEESCALATED;
            }
            out.add(new AlertChange(s.alertId, state, level, false, value, windowStart, windowEnd, s.firstSeen));
            if (target < 0) {
                // The episode is over; a provisional announcement of a newer window dies with it (the next
                // PROVISIONAL value raises a new episode).
                s.alertId = null;
                s.firstSeen = ThresholdAlertState.NONE;
                s.provisionalLevel = -1;
                s.provisionalWindowStart = ThresholdAlertState.NONE;
            }
        }
        s.confirmedLevel = target;
        return out;
    }

    /** Judges a PROVISIONAL value; returns the early announcement, if any. */
    public static List<AlertChange> onProvisional(RuleFamily family, ThresholdAlertState s, String seriesKey, double value,
                                                  long windowStart, long windowEnd, long nowMs) {
        if (!family.provisional() || windowStart <= s.confirmedWindowStart) {
            return List.of();
        }
        int level = family.levelReachedBy(value);
        if (level >= 0 && s.confirmedLevel < 0) {
            long since = s.breachSince != ThresholdAlertState.NONE ? s.breachSince : windowStart;
            if (windowEnd - since < family.minDuration().toMillis()) {
                level = -1;
            }
        }
        int announced = s.announcedLevel();
        if (level <= announced) {
            return List.of();
        }
        AlertState state;
        if (announced < 0) {
            s.alertId = episodeId(seriesKey, family, windowStart);
            s.firstSeen = nowMs;
            state = AlertState.RAISED;
        } else {
            state = AlertState.ESCALATED;
        }
        s.provisionalLevel = level;
        s.provisionalWindowStart = windowStart;
        return List.of(new AlertChange(s.alertId, state, level, true, value, windowStart, windowEnd, s.firstSeen));
    }

    /** Deterministic, so a re-processed episode (after an aborted transaction) keeps its id. */
    static String episodeId(String seriesKey, RuleFamily family, long windowStart) {
        return UUID.nameUUIDFromBytes((seriesKey + "|" + family.familyId() + "|" + windowStart)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }
}
