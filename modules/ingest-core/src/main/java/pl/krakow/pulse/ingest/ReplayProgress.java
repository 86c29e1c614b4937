package pl.krakow.pulse.ingest;

import java.time.Duration;
import java.time.Instant;

/**
 * A snapshot of a running replay.
 *
 * @param phase     {@link Phase#READING} while inputs are parsed (total not known yet), then {@link Phase#PUBLISHING}
 * @param done      records handled: rejections (published while reading) plus accepted events published so far
 * @param total     all records of the replay (accepted + rejected), or -1 while reading
 * @param accepted  accepted events published so far
 * @param rejected  rejections published so far
 * @param elapsed   wall-clock time since the replay started
 * @param eventTime the event time of the last published event, or null
 */
public record ReplayProgress(Phase phase, long done, long total, long accepted, long rejected, Duration elapsed,
                             Instant eventTime) {

    public enum Phase { READING, PUBLISHING }

    /** Records per second since the start. */
    public double recordsPerSecond() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds > 0 ? done / seconds : 0;
    }

    /** 0..1, or 0 while the total is unknown. */
    public double fraction() {
        return total > 0 ? Math.min(1.0, (double) done / total) : 0;
    }
}
