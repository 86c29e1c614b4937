package pl.krakow.pulse.alerting.missing;

/** Last heartbeat of one watched source, and its open missing-data episode (JSON bean). */
public final class SilenceState {
    public long lastSeen;
    public String alertId;
    public long firstSeen;
}
