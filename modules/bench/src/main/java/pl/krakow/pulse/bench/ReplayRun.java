package pl.krakow.pulse.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import pl.krakow.pulse.ingest.EventPublisher;
import pl.krakow.pulse.ingest.FileReplayer;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ProgressListener;
import pl.krakow.pulse.ingest.ReplayReport;
import pl.krakow.pulse.ingest.ReplaySpeed;
import pl.krakow.pulse.ingest.environment.BundledData;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.platform.metrics.PulseMetrics;

/**
 * Section 4: all bundled data (the real 2017-Q1 file, as {@code pulse run} replays it) through
 * {@link FileReplayer} at {@link ReplaySpeed#MAX} — read and parse the whole file, sort by event time,
 * publish — into a freshly started IV.3 topology, until the last window of every station shows its
 * expected {@code observedCount} in {@code indicators.iv3.v1}.
 *
 * <p>events/s and total time are measured from the call to {@code replay} to that moment; the replay's
 * own rate (until its events are acknowledged by the broker, what {@code pulse replay} prints) is
 * reported alongside.
 */
final class ReplayRun {

    private ReplayRun() {
    }

    static Section run(BenchContext ctx, double rawRecordsPerSecond) throws Exception {
        HourlyWorkload recorded = HourlyWorkload.asRecorded(ctx.series);
        ExpectedWindows expected = new ExpectedWindows(ctx.platform.dailyMeans(), ctx.platform.zone());
        for (long g = 0; g < ctx.series.rows(); g++) {
            recorded.expect(g, expected);
        }
        long events = ctx.series.totalEvents();
        List<Double> rates = new ArrayList<>();
        List<Double> seconds = new ArrayList<>();
        List<Double> brokerRates = new ArrayList<>();
        for (int run = 0; run < ctx.options.runs("replay"); run++) {
            ctx.platform.resetTopics(BenchPlatform.MEASURED_TOPICS);
            try (BenchPlatform.IndicatorsRun topology = ctx.platform.newIndicators("replay").start()) {
                topology.awaitRunning(ctx.options.timeout());
                try (TableWatcher table = new TableWatcher(ctx.platform.clients(), ctx.platform.serdes(), Topics.INDICATORS_IV3,
                        "bench-replay-table", false);
                     PulseMetrics metrics = new PulseMetrics("pulse-bench");
                     EventPublisher publisher = new EventPublisher(ctx.platform.clients(), ctx.platform.serdes(), metrics,
                             "bench-replay")) {
                    TableWatcher.Expectation done = table.expect(expected.latestWindows(), false);
                    FileReplayer replayer = new FileReplayer(publisher, IngestContext.from(ctx.platform.config(), metrics.registry()));
                    long start = System.nanoTime();
                    ReplayReport report = replayer.replay(ctx.format, List.of(BundledData.airQualityCsv()), ReplaySpeed.MAX,
                            ProgressListener.NONE);
                    if (report.accepted() != events || report.rejected() != 0 || report.sendFailures() != 0) {
                        throw new IllegalStateException("replay of the bundled data: expected " + events + " accepted, got "
                                + report.summary());
                    }
                    long visible = table.await(done, ctx.options.timeout());
                    double s = (visible - start) / 1e9;
                    double rate = events / s;
                    ctx.progress("replay %s: %s events in %.2f s, %s events/s (replayer alone: %s events/s)", ctx.runLabel("replay", run),
                            BenchContext.count(events), s, BenchContext.count(rate), BenchContext.count(report.eventsPerSecond()));
                    if (!ctx.isWarmup("replay", run)) {
                        rates.add(rate);
                        seconds.add(s);
                        brokerRates.add(report.eventsPerSecond());
                    }
                }
            }
        }
        Figure ratio = Figure.of("replay ÷ raw", "ratio", rates.stream().map(r -> r / rawRecordsPerSecond).toList())
                .withTarget(Figure.Target.atLeast(0.5, "DESIGN §13: replay of all bundled data at ≥ 50 % of the raw pass-through"));
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("warmup", ctx.warmupNote("replay"));
        params.put("input", BundledData.AIR_QUALITY_CSV);
        params.put("events", events);
        params.put("speed", "max");
        return new Section("replay", "replay (bundled data)", params,
                List.of(Figure.of("events/s", "events/s", rates), Figure.of("total time", "s", seconds), ratio,
                        Figure.of("replayer events/s", "events/s", brokerRates)),
                List.of("events/s and total time run from the replay call until the last window is visible in the table; "
                                + "'replayer events/s' stops when the broker has acknowledged the events (what pulse replay prints)",
                        "ratio = each repetition's events/s ÷ the raw baseline's median records/s"));
    }
}
