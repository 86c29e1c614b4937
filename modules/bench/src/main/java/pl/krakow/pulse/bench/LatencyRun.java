package pl.krakow.pulse.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import pl.krakow.pulse.ingest.EventPublisher;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * Section 3: event-to-indicator latency at fixed offered rates. The same real path as the end-to-end
 * run, but the generated CSV is <em>paced</em> ({@link CsvFeed}): each line becomes readable when due at
 * the offered rate in events/s, and the parser stamps {@code ingestedAt} as it reads it. One IV.3
 * topology (production configuration) runs for the whole section; event time continues across phases.
 *
 * <p>Latency of an update = wall-clock time the {@code read_committed} table reader's poll returned it −
 * its {@code lastEventIngestedAt}. The topology emits one PROVISIONAL update per hourly value, and within
 * a phase values arrive in event-time order, so that is the triggering event's own {@code ingestedAt};
 * every PROVISIONAL update of a phase is recorded (FINAL ones are triggered by stream time, not an event,
 * and are left out). A phase ends when every expected update has been read; the next starts after it.
 */
final class LatencyRun {

    private LatencyRun() {
    }

    /** The rate whose p99 DESIGN §13 bounds. */
    static final int TARGET_RATE = 5_000;
    static final double TARGET_P99_MS = 300;

    /** Results of the section plus a memory sample taken while its topology still ran. */
    record Result(Section section, MemoryProbe.Snapshot memoryWhileRunning) {
    }

    static Result run(BenchContext ctx) throws Exception {
        List<Integer> rates = ctx.options.latencyRates();
        double phaseSeconds = ctx.options.latencyPhase().toMillis() / 1000.0;
        int warmupRate = rates.contains(TARGET_RATE) ? TARGET_RATE : rates.get(rates.size() / 2);
        HourlyWorkload workload = new HourlyWorkload(ctx.series, ctx.historyStart());

        // Plan every phase first, so a run that would outgrow the generated history fails before it starts.
        List<long[]> plan = new ArrayList<>(); // {rate, firstHour, hours}
        long g = 0;
        if (ctx.options.warmup()) {
            long hours = workload.hoursFor(g, Math.round(warmupRate * phaseSeconds));
            plan.add(new long[] {warmupRate, g, hours});
            g += hours;
        }
        for (int rate : rates) {
            for (int rep = 0; rep < ctx.options.repetitions(); rep++) {
                long hours = workload.hoursFor(g, Math.round(rate * phaseSeconds));
                plan.add(new long[] {rate, g, hours});
                g += hours;
            }
        }
        EndToEnd.checkInThePast(workload, g);

        Map<Integer, List<LatencyRecorder>> byRate = new LinkedHashMap<>();
        Map<Integer, List<Double>> offered = new LinkedHashMap<>();
        rates.forEach(r -> {
            byRate.put(r, new ArrayList<>());
            offered.put(r, new ArrayList<>());
        });
        ExpectedWindows expected = new ExpectedWindows(ctx.platform.dailyMeans(), ctx.platform.zone());
        MemoryProbe.Snapshot memory;
        ctx.platform.resetTopics(BenchPlatform.MEASURED_TOPICS);
        try (BenchPlatform.IndicatorsRun topology = ctx.platform.newIndicators("latency").start()) {
            topology.awaitRunning(ctx.options.timeout());
            try (TableWatcher table = new TableWatcher(ctx.platform.clients(), ctx.platform.serdes(), Topics.INDICATORS_IV3,
                    "bench-latency-table", false);
                 PulseMetrics metrics = new PulseMetrics("pulse-bench");
                 EventPublisher publisher = new EventPublisher(ctx.platform.clients(), ctx.platform.serdes(), metrics,
                         "bench-latency-ingest")) {
                FeedParser parser = ctx.newParser(metrics);
                int repOfRate = 0;
                int lastRate = -1;
                for (int i = 0; i < plan.size(); i++) {
                    int rate = (int) plan.get(i)[0];
                    long first = plan.get(i)[1];
                    long hours = plan.get(i)[2];
                    boolean warm = ctx.options.warmup() && i == 0;
                    repOfRate = warm || rate != lastRate ? 1 : repOfRate + 1;
                    lastRate = warm ? -1 : rate;

                    long mark = expected.mark();
                    long before = expected.contributing();
                    for (long h = first; h < first + hours; h++) {
                        workload.expect(h, expected);
                    }
                    long events = workload.events(first, hours);
                    TableWatcher.Expectation done = table.expect(expected.latestWindowsSince(mark), expected.contributing() - before);
                    LatencyRecorder recorder = new LatencyRecorder();
                    table.record(recorder);
                    CsvFeed feed = new CsvFeed(workload, first, hours, rate);
                    BenchContext.IngestCount c = BenchContext.ingest(parser, publisher, feed, "bench-latency.csv");
                    publisher.flush();
                    EndToEnd.check(c, events, publisher);
                    table.await(done, ctx.options.timeout());
                    table.record(null);

                    long lastLineEvents = workload.events(first + hours - 1);
                    double achieved = (feed.eventsReleased() - lastLineEvents) * 1e9
                            / Math.max(1, feed.lastReleaseNanos() - feed.startNanos());
                    LatencyRecorder.Percentiles p = recorder.endToEnd();
                    ctx.progress("latency %s at %s events/s (offered %s): p50 %d ms, p95 %d ms, p99 %d ms, max %d ms over %s updates",
                            warm ? "warm-up" : "rep " + repOfRate + "/" + ctx.options.repetitions(), BenchContext.count(rate),
                            BenchContext.count(achieved), p.p50(), p.p95(), p.p99(), p.max(), BenchContext.count(p.count()));
                    if (!warm) {
                        byRate.get(rate).add(recorder);
                        offered.get(rate).add(achieved);
                    }
                }
                memory = MemoryProbe.afterGc();
            }
        }

        List<Figure> figures = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (int rate : rates) {
            List<LatencyRecorder> recs = byRate.get(rate);
            String at = " @ " + String.format(Locale.ROOT, "%,d", rate) + "/s";
            figures.add(Figure.of("p50" + at, "ms", recs.stream().map(r -> (double) r.endToEnd().p50()).toList()));
            figures.add(Figure.of("p95" + at, "ms", recs.stream().map(r -> (double) r.endToEnd().p95()).toList()));
            Figure p99 = Figure.of("p99" + at, "ms", recs.stream().map(r -> (double) r.endToEnd().p99()).toList());
            if (rate == TARGET_RATE) {
                p99 = p99.withTarget(Figure.Target.atMost(TARGET_P99_MS, "DESIGN §13: p99 ≤ 300 ms at 5 000 events/s"));
            }
            figures.add(p99);
            figures.add(Figure.of("max" + at, "ms", recs.stream().map(r -> (double) r.endToEnd().max()).toList()));
            figures.add(Figure.of("offered" + at, "events/s", offered.get(rate)));
            Figure processing = Figure.of("p99 processing" + at, "ms", recs.stream().map(r -> (double) r.processing().p99()).toList());
            Figure visibility = Figure.of("p99 visibility" + at, "ms", recs.stream().map(r -> (double) r.visibility().p99()).toList());
            figures.add(processing);
            figures.add(visibility);
        }
        long commitMs = ctx.platform.config().get(PulseConfig.STREAMS_COMMIT_INTERVAL_MS);
        notes.add("latency = poll time of the update in a read_committed reader − lastEventIngestedAt (when its CSV line was parsed)");
        notes.add("processing = computedAt − lastEventIngestedAt (before the commit); visibility = poll time − computedAt "
                + "(the exactly-once commit, every " + commitMs + " ms, and the fetch)");
        notes.add("offered = the rate the paced feed actually released lines at; below the nominal rate the source itself could not keep up");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("rates", rates);
        params.put("phaseSeconds", phaseSeconds);
        params.put("warmupRate", ctx.options.warmup() ? warmupRate : null);
        params.put("processingGuarantee", ctx.platform.config().get(PulseConfig.PROCESSING_GUARANTEE));
        params.put("commitIntervalMs", commitMs);
        params.put("eventTime", Instant.ofEpochSecond(workload.epoch(0)) + " .. " + Instant.ofEpochSecond(workload.epoch(g - 1)));
        return new Result(new Section("latency", "latency", params, figures, notes), memory);
    }
}
