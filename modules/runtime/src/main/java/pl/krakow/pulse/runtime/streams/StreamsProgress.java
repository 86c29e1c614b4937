package pl.krakow.pulse.runtime.streams;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.apache.kafka.streams.KafkaStreams.State;

/**
 * Decides whether a Kafka Streams application is making progress, from what a probe sees of it over time:
 * its state, the records it has processed so far and the input lag of its consumers. Pure: the caller
 * passes each observation with the instant it was made, so tests drive it with a fake clock.
 *
 * <p>An application is <em>stuck</em> when, for longer than {@code bound}:
 * <ul>
 *   <li>it has been out of RUNNING (REBALANCING, PENDING_*, CREATED after start) — e.g. a rebalance that never
 *       completes because the last committed offsets of a partition cannot be read past a hanging
 *       transaction (issue 15); or</li>
 *   <li>it is RUNNING with input lag but its processed-record count has not moved — a task that polls and
 *       never gets records out, e.g. a read_committed fetch blocked behind the same hanging transaction.</li>
 * </ul>
 * A RUNNING application without lag is idle, not stuck, however long nothing arrives. The clock of "since"
 * restarts at each state change and at each move of the processed count, so one long rebalance that then
 * completes clears the verdict at the next observation.
 *
 * <p>ERROR and NOT_RUNNING are not judged here: they are terminal, which {@link StreamsApplication#health()}
 * reports by itself. Thread-safe: observations and verdicts are synchronized (a probe and a printer may call
 * at the same time).
 */
public final class StreamsProgress {

    private final Duration bound;
    private State state;
    private Instant stateSince;
    private double processedTotal = Double.NaN;
    private Instant processedSince;
    private long lag;
    private Instant lastSeen;

    /** A judge that calls an application stuck after {@code bound} without progress; positive. */
    public StreamsProgress(Duration bound) {
        if (bound.isNegative() || bound.isZero()) {
            throw new IllegalArgumentException("The progress bound must be positive: " + bound);
        }
        this.bound = bound;
    }

    /**
     * Records one observation.
     *
     * @param state          the client's state now
     * @param processedTotal records processed by all its stream threads so far (any monotonic count)
     * @param lag            records its main consumers are behind the end of their input (0 when caught up or unknown)
     * @param now            when the observation was made
     */
    public synchronized void observe(State state, double processedTotal, long lag, Instant now) {
        Objects.requireNonNull(state);
        Objects.requireNonNull(now);
        if (state != this.state) {
            this.state = state;
            stateSince = now;
            processedSince = now;
        }
        if (processedTotal != this.processedTotal) {
            this.processedTotal = processedTotal;
            processedSince = now;
        }
        this.lag = Math.max(0, lag);
        lastSeen = now;
    }

    /** The verdict at the last observation. */
    public synchronized Verdict verdict() {
        if (state == null) {
            return Verdict.PROGRESSING;
        }
        switch (state) {
            case RUNNING -> {
                Duration still = Duration.between(processedSince, lastSeen);
                if (lag > 0 && still.compareTo(bound) > 0) {
                    return new Verdict(true, "RUNNING with a lag of " + lag + " records and nothing processed for "
                            + seconds(still));
                }
                return Verdict.PROGRESSING;
            }
            case ERROR, NOT_RUNNING -> {
                return Verdict.PROGRESSING;
            }
            default -> {
                Duration in = Duration.between(stateSince, lastSeen);
                if (in.compareTo(bound) > 0) {
                    return new Verdict(true, state + " for " + seconds(in) + " (bound " + seconds(bound) + ")");
                }
                return Verdict.PROGRESSING;
            }
        }
    }

    private static String seconds(Duration d) {
        return d.toSeconds() + " s";
    }

    /** Whether the application is stuck, and if so why, in words for {@code /health} and the console. */
    public record Verdict(boolean stuck, String reason) {
        static final Verdict PROGRESSING = new Verdict(false, "");
    }
}
