package pl.krakow.pulse.publish;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import pl.krakow.pulse.events.alerts.Alert;
import pl.krakow.pulse.events.alerts.AlertState;

/**
 * What the alert routes mean, as pure functions over alert episodes in their latest state (one {@link Alert}
 * per {@code alertId}, the record read last).
 *
 * <p><b>Time.</b> An episode is about the indicator window of its latest record, {@code [windowStart,
 * windowEnd)} (event time: for a backfill of 2017 data, a 2017 day). {@code firstSeen} and {@code lastUpdated}
 * are the alerting app's wall clock and say when it noticed, not what the alert is about, so ranges never
 * filter on them. A record without a window (the schema allows it) stands at its {@code lastUpdated}.
 *
 * <p><b>Active.</b> An episode is active when both hold:
 * <ol>
 *   <li>its latest state is RAISED, ESCALATED or DEESCALATED (not CLEARED, not RETRACTED), and</li>
 *   <li>it is the latest episode of its series — the same indicator (or watched topic), scope and rule: no other
 *       episode of that series is about a later window.</li>
 * </ol>
 * The age of the window does not matter. The alerting app writes only state changes, so an episode still in
 * breach keeps the window of its last change (an annual mean raised in January carries January's window all
 * year), and only that app, judging newer values, can end it. After a backfill an episode about a 2017 window
 * is therefore active only if it is still the latest state of its series; an older episode of a series that has
 * a newer one is not, whatever state it was left in.
 */
final class AlertEpisodes {

    private static final Set<AlertState> ENDED = Set.of(AlertState.CLEARED, AlertState.RETRACTED);

    /**
     * Latest window first (by start, so a year window raised in January sorts with January; then by end); then the
     * latest change; then by id, so every instance lists alike.
     */
    static final Comparator<Alert> LATEST_WINDOW_FIRST = Comparator.comparing(AlertEpisodes::windowStart)
            .thenComparing(AlertEpisodes::windowEnd)
            .thenComparing(Alert::getLastUpdated)
            .reversed()
            .thenComparing(Alert::getAlertId);

    private AlertEpisodes() {
    }

    /** Start of the window the episode's latest record is about; its {@code lastUpdated} when it has none. */
    static Instant windowStart(Alert a) {
        return a.getWindowStart() != null ? a.getWindowStart() : a.getLastUpdated();
    }

    /** End (exclusive) of that window; its start when unknown or not after the start. */
    static Instant windowEnd(Alert a) {
        Instant start = windowStart(a);
        Instant end = a.getWindowEnd();
        return end == null || end.isBefore(start) ? start : end;
    }

    /** Whether the episode's window overlaps {@code [from, to)}; a window of no length counts when it lies in it. */
    static boolean concerns(Alert a, Instant fromInclusive, Instant toExclusive) {
        Instant start = windowStart(a);
        Instant end = windowEnd(a);
        return start.isBefore(toExclusive) && (end.isAfter(fromInclusive) || !start.isBefore(fromInclusive));
    }

    static boolean ended(Alert a) {
        return ENDED.contains(a.getState());
    }

    /** The series an episode belongs to: indicator (or watched topic), scope and rule. */
    static String series(Alert a) {
        return a.getIndicatorId() + "|" + a.getScope() + "|" + a.getRuleId();
    }

    /** The latest episode of every series among {@code episodes}, by series. */
    static Map<String, Alert> latestBySeries(Collection<Alert> episodes) {
        Map<String, Alert> latest = new HashMap<>();
        for (Alert a : episodes) {
            latest.merge(series(a), a, (x, y) -> LATEST_WINDOW_FIRST.compare(x, y) <= 0 ? x : y);
        }
        return latest;
    }

    /** Whether {@code a} is active among {@code episodes} (which may or may not contain it). */
    static boolean isActive(Alert a, Collection<Alert> episodes) {
        if (ended(a)) {
            return false;
        }
        for (Alert other : episodes) {
            if (!other.getAlertId().equals(a.getAlertId()) && series(other).equals(series(a))
                    && LATEST_WINDOW_FIRST.compare(other, a) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Every episode, latest window first. */
    static List<Alert> sorted(Collection<Alert> episodes) {
        return episodes.stream().sorted(LATEST_WINDOW_FIRST).toList();
    }

    /** The episodes whose window overlaps {@code [from, to)}, latest window first. */
    static List<Alert> concerning(Collection<Alert> episodes, Instant fromInclusive, Instant toExclusive) {
        return episodes.stream().filter(a -> concerns(a, fromInclusive, toExclusive)).sorted(LATEST_WINDOW_FIRST).toList();
    }

    /** The active episodes among {@code episodes}, latest window first. */
    static List<Alert> active(Collection<Alert> episodes) {
        return latestBySeries(episodes).values().stream().filter(a -> !ended(a)).sorted(LATEST_WINDOW_FIRST).toList();
    }
}
