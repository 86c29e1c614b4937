package pl.krakow.pulse.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import pl.krakow.pulse.ingest.EventPublisher;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * Section 2: the whole pipeline as fast as it goes. Generated {@code gios-wide-csv} text (the bundled real
 * values and stations, event time advancing an hour per line from ~20 years ago, the real quarter repeated) is
 * read by the real parser (parse → validate), handed to the real {@code EventPublisher} (Avro → produce,
 * production producer settings) into {@code environment.air-quality.v1}, processed by a freshly started
 * IV.3 topology (production configuration: exactly-once v2) into {@code indicators.iv3.v1}, and read
 * back by a {@code read_committed} consumer.
 *
 * <p>events/s = accepted events ÷ (time the last expected window shows its expected {@code observedCount}
 * − time the first CSV byte was read). One topology, started and RUNNING before any clock starts, serves
 * every repetition of the section; each repetition continues event time where the one before ended and
 * starts once that one is fully visible.
 */
final class EndToEnd {

    private EndToEnd() {
    }

    static Section run(BenchContext ctx, double rawRecordsPerSecond) throws Exception {
        HourlyWorkload workload = new HourlyWorkload(ctx.series, ctx.historyStart());
        long n = ctx.options.endToEndEvents();
        // Plan every repetition first: each continues the event time of the one before.
        List<long[]> plan = new ArrayList<>(); // {firstHour, hours}
        long g = 0;
        for (int run = 0; run < ctx.options.runs(); run++) {
            long hours = workload.hoursFor(g, n);
            plan.add(new long[] {g, hours});
            g += hours;
        }
        checkInThePast(workload, g);

        List<Double> rates = new ArrayList<>();
        List<Double> ingestRates = new ArrayList<>();
        List<Double> cpuPerEvent = new ArrayList<>();
        List<Double> streamCpuPerEvent = new ArrayList<>();
        long measuredEvents = 0;
        ExpectedWindows expected = new ExpectedWindows(ctx.platform.dailyMeans(), ctx.platform.zone());
        ctx.platform.resetTopics(BenchPlatform.MEASURED_TOPICS);
        try (BenchPlatform.IndicatorsRun topology = ctx.platform.newIndicators("e2e").start()) {
            topology.awaitRunning(ctx.options.timeout());
            try (TableWatcher table = new TableWatcher(ctx.platform.clients(), ctx.platform.serdes(), Topics.INDICATORS_IV3,
                    "bench-e2e-table", false);
                 PulseMetrics metrics = new PulseMetrics("pulse-bench");
                 EventPublisher publisher = new EventPublisher(ctx.platform.clients(), ctx.platform.serdes(), metrics,
                         "bench-e2e-ingest")) {
                FeedParser parser = ctx.newParser(metrics);
                for (int run = 0; run < plan.size(); run++) {
                    long first = plan.get(run)[0];
                    long hours = plan.get(run)[1];
                    long events = workload.events(first, hours);
                    long mark = expected.mark();
                    for (long h = first; h < first + hours; h++) {
                        workload.expect(h, expected);
                    }
                    TableWatcher.Expectation done = table.expect(expected.latestWindowsSince(mark), 0);
                    CpuClock cpu = CpuClock.start(topology.streamThreadPrefix());
                    CsvFeed feed = new CsvFeed(workload, first, hours);
                    BenchContext.IngestCount c;
                    long ingested;
                    long visible;
                    try (AutoCloseable sampler = ctx.wallClockSampler(topology.streamThreadPrefix())) {
                        c = BenchContext.ingest(parser, publisher, feed, "bench-e2e.csv");
                        publisher.flush();
                        ingested = System.nanoTime();
                        check(c, events, publisher);
                        visible = table.await(done, ctx.options.timeout());
                    }
                    CpuClock.Used used = cpu.stop();
                    double rate = events * 1e9 / (visible - feed.startNanos());
                    double ingestRate = events * 1e9 / (ingested - feed.startNanos());
                    ctx.progress("end to end %s: %s events in %s events/s (ingest alone %s events/s; CPU %.1f µs/event, "
                                    + "stream thread %.1f µs/event)", ctx.runLabel(run), BenchContext.count(events),
                            BenchContext.count(rate), BenchContext.count(ingestRate), used.processMicrosPer(events),
                            used.threadsMicrosPer(events));
                    if (!ctx.isWarmup(run)) {
                        rates.add(rate);
                        ingestRates.add(ingestRate);
                        cpuPerEvent.add(used.processMicrosPer(events));
                        streamCpuPerEvent.add(used.threadsMicrosPer(events));
                        measuredEvents = events;
                    }
                }
            }
        }
        Figure throughput = Figure.of("events/s", "events/s", rates);
        Figure ratio = Figure.of("end-to-end ÷ raw", "ratio", rates.stream().map(r -> r / rawRecordsPerSecond).toList())
                .withTarget(Figure.Target.atLeast(0.5, "DESIGN §13: end-to-end ≥ 50 % of the raw pass-through, same run"));
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("eventsPerRepetition", measuredEvents);
        params.put("eventTime", Instant.ofEpochSecond(workload.epoch(0)) + " .. " + Instant.ofEpochSecond(workload.epoch(g - 1)));
        params.put("indicatorUpdates", expected.contributing());
        params.put("path", "generated gios-wide-csv text -> GiosWideCsvParser (validate) -> EventPublisher (Avro, produce) -> "
                + "IV.3 topology (" + ctx.platform.config().get(pl.krakow.pulse.platform.config.PulseConfig.PROCESSING_GUARANTEE)
                + ") -> indicators.iv3.v1 -> read_committed consumer");
        return new Section("end-to-end", "end to end", params,
                List.of(throughput, ratio, Figure.of("ingest events/s", "events/s", ingestRates),
                        Figure.of("process CPU per event", "µs", cpuPerEvent),
                        Figure.of("stream thread CPU per event", "µs", streamCpuPerEvent)),
                List.of("one topology runs through the section; each repetition continues event time and starts once the one "
                                + "before is fully visible",
                        "ratio = each repetition's events/s ÷ the raw baseline's median records/s",
                        "'ingest events/s' = parse + validate + Avro + produce until acknowledged, the topology working concurrently",
                        "CPU per event = CPU time of the whole process (broker, ingest, topology, reader) or of the stream thread alone "
                                + "during the repetition ÷ its events"));
    }

    static void check(BenchContext.IngestCount c, long expectedEvents, EventPublisher publisher) {
        if (c.accepted() != expectedEvents || c.rejected() != 0 || publisher.sendFailures() != 0) {
            throw new IllegalStateException("ingest of generated data: expected " + expectedEvents + " accepted and none rejected, got "
                    + c.accepted() + " accepted, " + c.rejected() + " rejected, " + publisher.sendFailures() + " send failures"
                    + publisher.lastSendFailure().map(e -> " (" + e + ")").orElse(""));
        }
    }

    /** Generated event time must stay in the past, or the validator rejects it as IN_FUTURE. */
    static void checkInThePast(HourlyWorkload workload, long hours) {
        Instant last = Instant.ofEpochSecond(workload.epoch(hours - 1));
        if (last.isAfter(Instant.now().minusSeconds(86_400))) {
            throw new IllegalArgumentException("too many events for the generated history: its event time would reach " + last
                    + "; use fewer events or shorter latency phases");
        }
    }
}
