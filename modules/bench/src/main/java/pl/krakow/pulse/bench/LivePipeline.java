package pl.krakow.pulse.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import pl.krakow.pulse.ingest.EventPublisher;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * The live path that sections 2 (end to end) and 3 (latency) measure, set up once for both: empty topics,
 * one IV.3 topology (production code and configuration) started and RUNNING, one {@code EventPublisher},
 * one parser session of the real {@code gios-wide-csv} format, and a {@code read_committed} reader of
 * {@code indicators.iv3.v1}. Each {@link #run phase} feeds the next generated hours — event time only
 * ever moves forward, so no phase's values are late for the topology — and returns once every station's
 * latest day shows its expected {@code observedCount}.
 *
 * <p>The generated history starts a week inside {@code ingest.max.age}; a phase that would reach the
 * present is refused before it starts (the validator would reject it as IN_FUTURE).
 */
final class LivePipeline implements AutoCloseable {

    private final BenchContext ctx;
    private final HourlyWorkload workload;
    private final ExpectedWindows expected;
    private final BenchPlatform.IndicatorsRun topology;
    private final TableWatcher table;
    private final PulseMetrics metrics;
    private final EventPublisher publisher;
    private final FeedParser parser;
    private final long startupMillis;
    private long nextHour;

    /** What one phase did. Times are {@link System#nanoTime()}. */
    record Phase(long events, long firstHour, long hours, long startNanos, long ingestedNanos, long visibleNanos,
                 double offeredPerSecond, long provisionalUpdates, long indicatorValues, CpuClock.Used cpu,
                 Map<String, Long> logEntriesByTopic) {

        /** Log entries (records and transaction markers) appended to all topics during the phase, per event. */
        double logEntriesPerEvent() {
            return logEntriesByTopic.values().stream().mapToLong(Long::longValue).sum() / (double) events;
        }

        double eventsPerSecond() {
            return events * 1e9 / (visibleNanos - startNanos);
        }

        double ingestEventsPerSecond() {
            return events * 1e9 / (ingestedNanos - startNanos);
        }
    }

    private LivePipeline(BenchContext ctx, String name) {
        this.ctx = ctx;
        this.workload = new HourlyWorkload(ctx.series, ctx.historyStart());
        this.expected = new ExpectedWindows(ctx.platform.dailyMeans(), ctx.platform.zone());
        ctx.platform.resetTopics(BenchPlatform.MEASURED_TOPICS);
        BenchPlatform.IndicatorsRun t = ctx.platform.newIndicators(name).start();
        TableWatcher w = null;
        PulseMetrics m = null;
        try {
            startupMillis = t.awaitRunning(ctx.options.timeout());
            w = new TableWatcher(ctx.platform.clients(), ctx.platform.serdes(), Topics.INDICATORS_IV3, "bench-" + name + "-table", false);
            m = new PulseMetrics("pulse-bench");
            this.publisher = new EventPublisher(ctx.platform.clients(), ctx.platform.serdes(), m, "bench-" + name + "-ingest");
        } catch (RuntimeException e) {
            closeQuietly(w);
            closeQuietly(m);
            t.close();
            throw e;
        }
        this.topology = t;
        this.table = w;
        this.metrics = m;
        this.parser = ctx.newParser(metrics);
    }

    static LivePipeline start(BenchContext ctx, String name) {
        return new LivePipeline(ctx, name);
    }

    /** Milliseconds from starting the topology to RUNNING. */
    long startupMillis() {
        return startupMillis;
    }

    /** End of the first generated hour. */
    Instant historyStart() {
        return Instant.ofEpochSecond(workload.epoch(0));
    }

    /** End of the last generated hour so far. */
    Instant historyEnd() {
        return Instant.ofEpochSecond(workload.epoch(Math.max(0, nextHour - 1)));
    }

    /** Hourly values fed to the indicators so far (each one PROVISIONAL update per indicator that takes it). */
    long indicatorValues() {
        return expected.contributing();
    }

    /**
     * Feeds the next generated hours holding at least {@code events} events — as fast as possible
     * ({@code eventsPerSecond} ≤ 0) or paced at that rate — through the real ingest path, and waits until
     * the table shows every window they touched. With {@code recorder}, every PROVISIONAL update read
     * meanwhile is recorded, and the phase ends only once everything committed by then has been read.
     */
    Phase run(long events, double eventsPerSecond, LatencyRecorder recorder) throws Exception {
        long first = nextHour;
        long hours = workload.hoursFor(first, events);
        Instant lastHourEnd = Instant.ofEpochSecond(workload.epoch(first + hours - 1));
        if (lastHourEnd.isAfter(Instant.now().minus(Duration.ofDays(1)))) {
            throw new IllegalArgumentException("the generated history is used up: this phase would reach " + lastHourEnd
                    + "; use fewer events or shorter latency phases");
        }
        long mark = expected.mark();
        long valuesBefore = expected.contributing();
        for (long h = first; h < first + hours; h++) {
            workload.expect(h, expected);
        }
        long total = workload.events(first, hours);
        nextHour = first + hours;

        TableWatcher.Expectation done = table.expect(expected.latestWindowsSince(mark), recorder != null);
        table.record(recorder);
        Map<String, Long> offsetsBefore = ctx.platform.endOffsetsByTopic();
        CpuClock cpu = CpuClock.start(topology.streamThreadPrefix());
        CsvFeed feed = new CsvFeed(workload, first, hours, Math.max(0, eventsPerSecond));
        long ingested;
        long visible;
        try (AutoCloseable sampler = ctx.wallClockSampler(topology.streamThreadPrefix())) {
            BenchContext.IngestCount c = BenchContext.ingest(parser, publisher, feed, "bench-generated.csv");
            publisher.flush();
            ingested = System.nanoTime();
            if (c.accepted() != total || c.rejected() != 0 || publisher.sendFailures() != 0) {
                throw new IllegalStateException("ingest of generated data: expected " + total + " accepted and none rejected, got "
                        + c.accepted() + " accepted, " + c.rejected() + " rejected, " + publisher.sendFailures() + " send failures"
                        + publisher.lastSendFailure().map(e -> " (" + e + ")").orElse(""));
            }
            visible = table.await(done, ctx.options.timeout());
        } finally {
            table.record(null);
        }
        CpuClock.Used used = cpu.stop();
        Map<String, Long> appended = new TreeMap<>();
        ctx.platform.endOffsetsByTopic().forEach((topic, end) -> {
            long added = end - offsetsBefore.getOrDefault(topic, 0L);
            if (added > 0) {
                appended.put(topic, added);
            }
        });
        double offered = 0;
        if (eventsPerSecond > 0) {
            long lastLineEvents = workload.events(first + hours - 1);
            offered = (feed.eventsReleased() - lastLineEvents) * 1e9 / Math.max(1, feed.lastReleaseNanos() - feed.startNanos());
        }
        return new Phase(total, first, hours, feed.startNanos(), ingested, visible, offered, done.updates(),
                expected.contributing() - valuesBefore, used, appended);
    }

    @Override
    public void close() {
        closeQuietly(publisher);
        closeQuietly(metrics);
        closeQuietly(table);
        topology.close();
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // closing after a failed start: the original error is what matters
        }
    }
}
