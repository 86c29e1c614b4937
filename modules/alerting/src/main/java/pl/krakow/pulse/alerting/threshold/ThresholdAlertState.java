package pl.krakow.pulse.alerting.threshold;

/**
 * The state of one (indicator, scope, family) alert, kept in the Streams store between values
 * (Jackson-serialised, so it must stay a plain bean). Levels index the family's rules; −1 is OK.
 */
public final class ThresholdAlertState {

    static final long NONE = Long.MIN_VALUE;

    /** Level confirmed by FINAL values (the confirmed walk), −1 = OK. */
    public int confirmedLevel = -1;
    /** Window start of the newest FINAL value judged. */
    public long confirmedWindowStart = NONE;
    /** Level announced early on a PROVISIONAL value above the confirmed one, −1 = none. */
    public int provisionalLevel = -1;
    /** Window of the PROVISIONAL value behind {@link #provisionalLevel}. */
    public long provisionalWindowStart = NONE;
    /** Start of the first window of a breach still waiting for its minimum duration. */
    public long breachSince = NONE;
    /** Id of the open episode (null when OK). */
    public String alertId;
    /** Wall-clock time the open episode was first announced. */
    public long firstSeen = NONE;

    /** The level consumers were last told about. */
    public int announcedLevel() {
        return Math.max(confirmedLevel, provisionalLevel);
    }

    /** True when nothing is open: the store entry can be deleted. */
    public boolean isIdle() {
        return confirmedLevel < 0 && provisionalLevel < 0 && breachSince == NONE && alertId == null;
    }
}
