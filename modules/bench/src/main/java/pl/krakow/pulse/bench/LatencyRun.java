package pl.krakow.pulse.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import pl.krakow.pulse.platform.config.PlatformConfig;

/**
 * Section 3: event-to-indicator latency at fixed offered rates. The same real path as the end-to-end
 * run, but the generated CSV is <em>paced</em> ({@link CsvFeed}): each line becomes readable when due at
 * the offered rate in events/s, and the parser stamps {@code ingestedAt} as it reads it. It runs on the
 * {@link LivePipeline} of the end-to-end section (one IV.3 topology, production configuration); event time
 * continues across phases.
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
    static final double TARGET_P99_MS = 150;
    /** DESIGN §13 (raised by issue 17): p99 ≤ 300 ms at 20 000 events/s. */
    static final double TARGET_P99_HIGH_MS = 300;
    static final int TARGET_HIGH_RATE = 20_000;

    /** Results of the section plus a memory sample taken while its topology still ran. */
    record Result(Section section, MemoryProbe.Snapshot memoryWhileRunning) {
    }

    /**
     * @param capacity the end-to-end section's median events/s, or 0 when it did not run: a phase offered
     *                 faster than this is cut to as many events as the pipeline drains in one phase length
     */
    static Result run(BenchContext ctx, LivePipeline pipeline, double capacity) throws Exception {
        List<Integer> rates = ctx.options.latencyRates();
        double phaseSeconds = ctx.options.latencyPhase().toMillis() / 1000.0;
        int warmupRate = rates.contains(TARGET_RATE) ? TARGET_RATE : rates.get(rates.size() / 2);

        Map<Integer, List<LatencyRecorder>> byRate = new LinkedHashMap<>();
        Map<Integer, List<Double>> offered = new LinkedHashMap<>();
        Map<Integer, Double> phaseSecondsByRate = new LinkedHashMap<>();
        long updatesRead = 0;
        long indicatorValues = 0;
        boolean warmup = ctx.options.warmsUp("latency");
        for (int i = warmup ? -1 : 0; i < rates.size() * ctx.options.repetitions(); i++) {
            boolean warm = i < 0;
            int rate = warm ? warmupRate : rates.get(i / ctx.options.repetitions());
            int rep = warm ? 0 : i % ctx.options.repetitions() + 1;
            long events = Math.round(rate * phaseSeconds);
            if (capacity > 0 && rate > capacity) {
                // Overload: the backlog, and with it the latency, grows for as long as the phase lasts; a burst
                // the pipeline drains in one phase length keeps the section's duration bounded.
                events = Math.min(events, Math.round(capacity * phaseSeconds));
            }
            events = Math.max(events, 1);
            LatencyRecorder recorder = new LatencyRecorder();
            LivePipeline.Phase p = pipeline.run(events, rate, recorder);
            LatencyRecorder.Percentiles e2e = recorder.endToEnd();
            ctx.progress("latency %s at %s events/s (offered %s for %.1f s): p50 %d ms, p95 %d ms, p99 %d ms, max %d ms over %s updates",
                    warm ? "warm-up" : "rep " + rep + "/" + ctx.options.repetitions(), BenchContext.count(rate),
                    BenchContext.count(p.offeredPerSecond()), p.events() / (double) rate, e2e.p50(), e2e.p95(), e2e.p99(), e2e.max(),
                    BenchContext.count(e2e.count()));
            if (!warm) {
                byRate.computeIfAbsent(rate, r -> new ArrayList<>()).add(recorder);
                offered.computeIfAbsent(rate, r -> new ArrayList<>()).add(p.offeredPerSecond());
                phaseSecondsByRate.put(rate, Math.round(p.events() * 10.0 / rate) / 10.0);
                updatesRead += p.provisionalUpdates();
                indicatorValues += p.indicatorValues();
            }
        }
        MemoryProbe.Snapshot memory = MemoryProbe.afterGc();

        List<Figure> figures = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (int rate : rates) {
            List<LatencyRecorder> recs = byRate.get(rate);
            String at = " @ " + String.format(Locale.ROOT, "%,d", rate) + "/s";
            figures.add(Figure.of("p50" + at, "ms", recs.stream().map(r -> (double) r.endToEnd().p50()).toList()));
            figures.add(Figure.of("p95" + at, "ms", recs.stream().map(r -> (double) r.endToEnd().p95()).toList()));
            Figure p99 = Figure.of("p99" + at, "ms", recs.stream().map(r -> (double) r.endToEnd().p99()).toList());
            if (rate == TARGET_RATE) {
                p99 = p99.withTarget(Figure.Target.atMost(TARGET_P99_MS, "DESIGN §13: p99 ≤ 150 ms at 5 000 events/s"));
            } else if (rate == TARGET_HIGH_RATE) {
                p99 = p99.withTarget(Figure.Target.atMost(TARGET_P99_HIGH_MS, "DESIGN §13: p99 ≤ 300 ms at 20 000 events/s"));
            }
            figures.add(p99);
            figures.add(Figure.of("max" + at, "ms", recs.stream().map(r -> (double) r.endToEnd().max()).toList()));
            figures.add(Figure.of("offered" + at, "events/s", offered.get(rate)));
            Figure processing = Figure.of("p99 processing" + at, "ms", recs.stream().map(r -> (double) r.processing().p99()).toList());
            Figure visibility = Figure.of("p99 visibility" + at, "ms", recs.stream().map(r -> (double) r.visibility().p99()).toList());
            figures.add(processing);
            figures.add(visibility);
        }
        long commitMs = ctx.platform.config().get(PlatformConfig.STREAMS_COMMIT_INTERVAL_MS);
        notes.add("latency = poll time of the update in a read_committed reader − lastEventIngestedAt (when its CSV line was parsed)");
        notes.add("processing = computedAt − lastEventIngestedAt (before the commit); visibility = poll time − computedAt "
                + "(the exactly-once commit, every " + commitMs + " ms, and the fetch)");
        notes.add("offered = the rate the paced feed actually released lines at; below the nominal rate the source itself could not keep up");
        if (phaseSecondsByRate.values().stream().anyMatch(v -> v < phaseSeconds - 0.05)) {
            notes.add("rates above the end-to-end capacity (" + BenchContext.count(capacity) + " events/s) ran as shorter bursts "
                    + "(phaseSecondsByRate): overloaded, latency grows with the burst's length");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("warmup", ctx.options.warmsUp("latency") ? "one phase at " + warmupRate + " events/s, excluded" : "none");
        params.put("rates", rates);
        params.put("phaseSeconds", phaseSeconds);
        params.put("phaseSecondsByRate", phaseSecondsByRate);
        params.put("endToEndCapacity", Math.round(capacity));
        params.put("warmupRate", ctx.options.warmsUp("latency") ? warmupRate : null);
        params.put("processingGuarantee", ctx.platform.config().get(PlatformConfig.PROCESSING_GUARANTEE));
        params.put("commitIntervalMs", commitMs);
        // One PROVISIONAL update per hourly value today; a topology that coalesced updates would read fewer.
        params.put("hourlyValuesIntoIndicators", indicatorValues);
        params.put("provisionalUpdatesRead", updatesRead);
        params.put("eventTime", pipeline.historyStart() + " .. " + pipeline.historyEnd());
        return new Result(new Section("latency", "latency", params, figures, notes), memory);
    }
}
