package pl.krakow.pulse.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * Section 2: the whole pipeline as fast as it goes, on the {@link LivePipeline}: generated
 * {@code gios-wide-csv} text (the bundled real values and stations, event time advancing an hour per
 * line) read by the real parser (parse → validate), handed to the real {@code EventPublisher} (Avro →
 * produce) into {@code environment.air-quality.v1}, processed by the IV.3 topology (production
 * configuration, exactly-once) into {@code indicators.iv3.v1}, read back by a {@code read_committed} reader.
 *
 * <p>events/s = events ÷ (the moment the last window touched shows its expected {@code observedCount} −
 * the first CSV byte read). The topology is RUNNING before any clock starts; each repetition starts
 * once the one before is fully visible. A measured repetition is sized to last about
 * {@code throughputSeconds} at the warm-up's rate (at most {@code endToEndEvents}), so the run's length
 * does not depend on how fast the pipeline is.
 */
final class EndToEnd {

    static final long MIN_EVENTS = 1_000;

    private EndToEnd() {
    }

    static Section run(BenchContext ctx, LivePipeline pipeline, double rawRecordsPerSecond) throws Exception {
        String id = "end-to-end";
        long n = ctx.options.endToEndEvents();
        List<Double> rates = new ArrayList<>();
        List<Double> ingestRates = new ArrayList<>();
        List<Double> cpuPerEvent = new ArrayList<>();
        List<Double> streamCpuPerEvent = new ArrayList<>();
        List<Double> logEntriesPerEvent = new ArrayList<>();
        Map<String, Double> writesByKind = Map.of();
        long measuredEvents = 0;
        for (int run = 0; run < ctx.options.runs(id); run++) {
            boolean warm = ctx.isWarmup(id, run);
            long events = warm ? Math.min(n, ctx.options.warmupEvents()) : n;
            LivePipeline.Phase p = pipeline.run(events, 0, null);
            ctx.progress("end to end %s: %s events in %s events/s (ingest alone %s events/s; CPU %.1f µs/event, "
                            + "stream thread %.1f µs/event; %.1f Kafka log entries written per event)", ctx.runLabel(id, run),
                    BenchContext.count(p.events()), BenchContext.count(p.eventsPerSecond()),
                    BenchContext.count(p.ingestEventsPerSecond()), p.cpu().processMicrosPer(p.events()),
                    p.cpu().threadsMicrosPer(p.events()), p.logEntriesPerEvent());
            if (warm && !ctx.options.throughputSeconds().isZero()) {
                n = sized(p.eventsPerSecond(), ctx.options.throughputSeconds().toMillis() / 1000.0, ctx.options.endToEndEvents());
            } else {
                rates.add(p.eventsPerSecond());
                ingestRates.add(p.ingestEventsPerSecond());
                cpuPerEvent.add(p.cpu().processMicrosPer(p.events()));
                streamCpuPerEvent.add(p.cpu().threadsMicrosPer(p.events()));
                logEntriesPerEvent.add(p.logEntriesPerEvent());
                writesByKind = byKind(p.logEntriesByTopic(), p.events());
                measuredEvents = p.events();
            }
        }
        Figure throughput = Figure.of("events/s", "events/s", rates);
        Figure ratio = Figure.of("end-to-end ÷ raw", "ratio", rates.stream().map(r -> r / rawRecordsPerSecond).toList())
                .withTarget(Figure.Target.atLeast(0.5, "DESIGN §13: end-to-end ≥ 50 % of the raw pass-through, same run"));
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("warmup", ctx.warmupNote(id) + (ctx.options.warmsUp(id) ? " (" + ctx.options.warmupEvents() + " events)" : ""));
        params.put("eventsPerRepetition", measuredEvents);
        params.put("sizing", ctx.options.warmsUp(id) && !ctx.options.throughputSeconds().isZero() ? "about " + ctx.options.throughputSeconds().toSeconds()
                + " s per repetition at the warm-up's rate, " + MIN_EVENTS + " .. " + ctx.options.endToEndEvents() + " events" : "fixed");
        params.put("topologyStartupMs", pipeline.startupMillis());
        params.put("logEntriesPerEventByKind", writesByKind);
        params.put("path", "generated gios-wide-csv text -> GiosWideCsvParser (validate) -> EventPublisher (Avro, produce) -> "
                + "IV.3 topology (" + ctx.platform.config().get(PlatformConfig.PROCESSING_GUARANTEE)
                + ") -> indicators.iv3.v1 -> read_committed consumer");
        return new Section(id, "end to end", params,
                List.of(throughput, ratio, Figure.of("ingest events/s", "events/s", ingestRates),
                        Figure.of("process CPU per event", "µs", cpuPerEvent),
                        Figure.of("stream thread CPU per event", "µs", streamCpuPerEvent),
                        Figure.of("Kafka log entries written per event", "entries", logEntriesPerEvent)),
                List.of("one topology serves this section and the next; each repetition continues event time and starts once "
                                + "the one before is fully visible",
                        "ratio = each repetition's events/s ÷ the raw baseline's median records/s",
                        "'ingest events/s' = parse + validate + Avro + produce until acknowledged, the topology working concurrently",
                        "CPU per event = CPU time of the whole process (broker, ingest, topology, reader) or of the stream thread alone "
                                + "during the repetition ÷ its events",
                        "log entries = growth of every topic's end offsets (records and transaction markers) during the repetition ÷ its "
                                + "events; the raw baseline writes 1 per record. Last repetition by kind: " + writesByKind));
    }

    /** Log entries per event of one repetition, by what the topic is: input, table, changelog, repartition, other. */
    static Map<String, Double> byKind(Map<String, Long> entriesByTopic, long events) {
        Map<String, Double> out = new TreeMap<>();
        entriesByTopic.forEach((topic, n) -> {
            String kind = topic.equals(Topics.AIR_QUALITY.name()) ? "input"
                    : topic.equals(Topics.INDICATORS_IV3.name()) ? "indicator table"
                    : topic.endsWith("-changelog") ? "state changelogs"
                    : topic.endsWith("-repartition") ? "repartition"
                    : "other";
            out.merge(kind, n / (double) events, Double::sum);
        });
        out.replaceAll((k, v) -> Math.round(v * 100) / 100.0);
        return out;
    }

    /** Events that take about {@code seconds} at {@code eventsPerSecond}, within [{@link #MIN_EVENTS}, {@code max}]. */
    static long sized(double eventsPerSecond, double seconds, long max) {
        return Math.max(Math.min(MIN_EVENTS, max), Math.min(max, Math.round(eventsPerSecond * seconds)));
    }
}
