package pl.krakow.pulse.runtime.streams.watermark;

import java.util.Optional;
import java.util.function.LongUnaryOperator;

/**
 * The upstream half of a watermark: decides when a task's closing time is worth a {@link Progress} marker.
 * A marker is due when the <em>frontier</em> moves — the frontier maps a closing time to the start of the
 * earliest window that is not yet due (for local days with a 3 h grace: the day containing {@code closing − 3 h}),
 * so a stage of daily windows costs one marker per upstream task and day, however many records move stream time
 * — when the idle state flips, and once at the start. Pure logic, not thread-safe (one per task).
 */
public final class ProgressReporter {

    private final int sourcePartition;
    private final int sourcePartitions;
    private final LongUnaryOperator frontier;
    private boolean reported;
    private long lastFrontier = Long.MIN_VALUE;
    private boolean lastIdle;
    private long lastClosingMs = Long.MIN_VALUE;

    /**
     * @param frontier closing time (epoch ms) → the start of the earliest window still open at that closing time
     */
    public ProgressReporter(int sourcePartition, int sourcePartitions, LongUnaryOperator frontier) {
        this.sourcePartition = sourcePartition;
        this.sourcePartitions = Math.max(sourcePartitions, sourcePartition + 1);
        this.frontier = frontier;
    }

    /** The marker to send for this closing time and idle state, or empty when the downstream stage learns nothing new. */
    public Optional<Progress> observe(long closingMs, boolean idle) {
        if (reported && closingMs == lastClosingMs && idle == lastIdle) {
            return Optional.empty(); // called per record: most records of a replay leave the closing time where it was
        }
        lastClosingMs = closingMs;
        long f = closingMs == Long.MIN_VALUE ? Long.MIN_VALUE : frontier.applyAsLong(closingMs);
        if (reported && f <= lastFrontier && idle == lastIdle) {
            return Optional.empty();
        }
        reported = true;
        lastFrontier = Math.max(lastFrontier, f);
        lastIdle = idle;
        return Optional.of(new Progress(sourcePartition, sourcePartitions, closingMs, idle));
    }
}
