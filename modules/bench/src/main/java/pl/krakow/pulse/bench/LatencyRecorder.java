package pl.krakow.pulse.bench;

import org.HdrHistogram.Histogram;
import pl.krakow.pulse.events.indicators.IndicatorValue;

/**
 * Event-to-indicator latencies of one measurement phase, in milliseconds (the resolution of the
 * timestamps in {@link IndicatorValue}), one HdrHistogram each:
 * <ul>
 *   <li>{@code endToEnd} = the wall-clock time the table reader's poll returned the update − the update's
 *       {@code lastEventIngestedAt} (when the triggering event's CSV line was parsed, i.e. entered ingest);</li>
 *   <li>{@code processing} = {@code computedAt − lastEventIngestedAt}: ingest, produce, broker, consume and
 *       compute — before the exactly-once commit;</li>
 *   <li>{@code visibility} = poll time − {@code computedAt}: waiting for the transaction to commit
 *       ({@code commit.interval.ms}) and for the reader to fetch.</li>
 * </ul>
 * Every clock is this JVM's, so no skew enters. Thread-safe (one writer, readers after the phase).
 */
final class LatencyRecorder {

    private static final long MAX_MS = 3_600_000;

    private final Histogram endToEnd = new Histogram(MAX_MS, 3);
    private final Histogram processing = new Histogram(MAX_MS, 3);
    private final Histogram visibility = new Histogram(MAX_MS, 3);

    synchronized void record(IndicatorValue v, long receivedMs) {
        if (v.getLastEventIngestedAt() == null) {
            return;
        }
        long ingested = v.getLastEventIngestedAt().toEpochMilli();
        long computed = v.getComputedAt().toEpochMilli();
        endToEnd.recordValue(clamp(receivedMs - ingested));
        processing.recordValue(clamp(computed - ingested));
        visibility.recordValue(clamp(receivedMs - computed));
    }

    synchronized long count() {
        return endToEnd.getTotalCount();
    }

    /** Percentiles of one of the histograms. */
    synchronized Percentiles endToEnd() {
        return Percentiles.of(endToEnd);
    }

    synchronized Percentiles processing() {
        return Percentiles.of(processing);
    }

    synchronized Percentiles visibility() {
        return Percentiles.of(visibility);
    }

    private static long clamp(long ms) {
        return Math.max(0, Math.min(MAX_MS, ms));
    }

    /** p50, p95, p99 and max in ms, and how many updates they summarise. */
    record Percentiles(long p50, long p95, long p99, long max, long count) {
        static Percentiles of(Histogram h) {
            return new Percentiles(h.getValueAtPercentile(50), h.getValueAtPercentile(95), h.getValueAtPercentile(99),
                    h.getMaxValue(), h.getTotalCount());
        }
    }
}
