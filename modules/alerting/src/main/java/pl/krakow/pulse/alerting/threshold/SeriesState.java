package pl.krakow.pulse.alerting.threshold;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the threshold processor keeps for one indicator series (indicator, scope): the alert
 * state of each rule family, and the FINAL values held back until their predecessor window has been
 * judged (the reorder buffer, see {@link ThresholdAlertProcessor}). A plain bean for the JSON serde.
 */
public final class SeriesState {

    /** A FINAL value waiting for its predecessor. */
    public static final class Held {
        public Double value;
        public boolean valid;
        public long windowStart;
        public long windowEnd;
        public String unit;
        public long timestamp;
        /** ingestedAt of the newest event behind the value (null when unknown), for the latency metric. */
        public Long lastEventIngestedAt;
        /** Wall-clock time it was held. */
        public long heldSince;
    }

    public Map<String, ThresholdAlertState> families = new HashMap<>();
    public TreeMap<Long, Held> held = new TreeMap<>();
    public long lastJudgedStart = ThresholdAlertState.NONE;
    public long lastJudgedEnd = ThresholdAlertState.NONE;
}
