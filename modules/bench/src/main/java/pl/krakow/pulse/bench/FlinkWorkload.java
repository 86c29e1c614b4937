package pl.krakow.pulse.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.ingest.environment.GiosWideCsvParser;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * Section 5, the workload DESIGN §13 compares with Apache Flink: N hourly events of the indicator's
 * pollutant (PM10; the bundled real values and stations, event time advancing an hour at a time from
 * 2000) are preloaded into {@code environment.air-quality.v1} ({@code topics.partitions} partitions); then a fresh IV.3 topology
 * (production configuration, exactly-once) is started and timed until the last day of every station
 * shows its expected {@code observedCount} in {@code indicators.iv3.v1}.
 *
 * <p>events/s = N ÷ (that moment − the call to {@code start()}): Streams start-up is included and also
 * reported alone. The preload is not timed. The input topic is loaded once per section and read by every
 * repetition's new application; the output topics are emptied between repetitions.
 *
 * <p>Should N need more hours than fit between 2000 and now (about 1.3 M events with the six real PM10
 * stations), the real series are repeated under extra station codes ({@code MpKrakAlKras-2}, ...), each
 * copy with the real values, so event time stays in the past.
 */
final class FlinkWorkload {

    static final Instant START = Instant.parse("2000-01-01T01:00:00Z");
    static final Pollutant FLINK_POLLUTANT = Pollutant.PM10;
    /** Flink 2.2, same workload, 2 cores, exactly-once and without checkpoints (DESIGN §13). */
    static final double FLINK_EXACTLY_ONCE = 181_000;
    static final double FLINK_NO_CHECKPOINTS = 206_000;

    private FlinkWorkload() {
    }

    /** One timed start of a fresh topology on the preloaded topic. */
    private record Run(double eventsPerSecond, long startupMillis, CpuClock.Used cpu) {
    }

    /** A preloaded topic: its size, the windows the table must finally show, and where event time ended. */
    private record Preload(long events, Map<String, Integer> lastWindows, long hours, int copies, double seconds) {
    }

    static Section run(BenchContext ctx) throws Exception {
        String id = "flink-workload";
        if (ctx.platform.dailyMeans().stream().noneMatch(d -> d.pollutant() == FLINK_POLLUTANT)) {
            throw new IllegalStateException("the IV.3 topology computes no " + FLINK_POLLUTANT + " daily mean: nothing to compare with Flink");
        }
        long n = ctx.options.flinkEvents();
        boolean sized = ctx.options.warmsUp(id) && !ctx.options.throughputSeconds().isZero();
        if (sized) {
            Preload warm = preload(ctx, Math.min(n, ctx.options.warmupEvents()));
            Run r = once(ctx, warm);
            ctx.progress("flink workload warm-up: %s events in %s events/s (start-up %d ms)", BenchContext.count(warm.events()),
                    BenchContext.count(r.eventsPerSecond()), r.startupMillis());
            n = EndToEnd.sized(r.eventsPerSecond(), 2 * ctx.options.throughputSeconds().toMillis() / 1000.0, ctx.options.flinkEvents());
        }
        Preload load = preload(ctx, n);
        ctx.progress("flink workload: preloaded %s events (%d station copies) in %.1f s", BenchContext.count(load.events()),
                load.copies(), load.seconds());

        List<Double> rates = new ArrayList<>();
        List<Double> startups = new ArrayList<>();
        List<Double> cpuPerEvent = new ArrayList<>();
        List<Double> streamCpuPerEvent = new ArrayList<>();
        for (int rep = 1; rep <= ctx.options.repetitions(); rep++) {
            if (rep > 1) {
                ctx.platform.resetTopics(List.of(Topics.INDICATORS_IV3, Topics.LATE_EVENTS, Topics.REJECTED));
            }
            Run r = once(ctx, load);
            ctx.progress("flink workload rep %d/%d: %s events in %s events/s (start-up %d ms; CPU %.1f µs/event, stream thread %.1f µs/event)",
                    rep, ctx.options.repetitions(), BenchContext.count(load.events()), BenchContext.count(r.eventsPerSecond()),
                    r.startupMillis(), r.cpu().processMicrosPer(load.events()), r.cpu().threadsMicrosPer(load.events()));
            rates.add(r.eventsPerSecond());
            startups.add(r.startupMillis() / 1000.0);
            cpuPerEvent.add(r.cpu().processMicrosPer(load.events()));
            streamCpuPerEvent.add(r.cpu().threadsMicrosPer(load.events()));
        }
        ctx.platform.resetTopics(BenchPlatform.MEASURED_TOPICS);

        Map<String, Object> params = new LinkedHashMap<>();
        params.put("warmup", sized ? "one warm-up run of " + ctx.options.warmupEvents() + " events of its own, excluded; it sizes N"
                : ctx.warmupNote(id).replace("one warm-up run, excluded", "none (fixed N)"));
        params.put("events", load.events());
        params.put("sizing", sized ? "about " + 2 * ctx.options.throughputSeconds().toSeconds()
                + " s per repetition at the warm-up's rate, at most " + ctx.options.flinkEvents() + " events" : "fixed");
        params.put("pollutants", List.of(FLINK_POLLUTANT));
        params.put("stationCopies", load.copies());
        params.put("eventTime", START + " .. " + Instant.ofEpochSecond(START.getEpochSecond() + 3600L * (load.hours() - 1)));
        params.put("preloadSeconds", Math.round(load.seconds() * 10) / 10.0);
        params.put("flinkReference", Map.of("exactlyOnce", FLINK_EXACTLY_ONCE, "noCheckpoints", FLINK_NO_CHECKPOINTS,
                "events", 5_000_000, "source", "DESIGN §13 (Flink 2.2, JSON events, 2 cores, same machine class)"));
        Figure rate = Figure.of("events/s", "events/s", rates)
                .withTarget(Figure.Target.atLeast(FLINK_EXACTLY_ONCE, "DESIGN §13: ahead of Flink 2.2 exactly-once (181 k events/s)"));
        List<String> notes = new ArrayList<>();
        notes.add("events/s includes Streams start-up (median " + String.format(java.util.Locale.ROOT, "%.1f", median(startups))
                + " s); Flink's reference figures were measured with 5 M JSON events on another day");
        if (load.events() != 5_000_000) {
            notes.add("N = " + BenchContext.count(load.events()) + " here, 5,000,000 in the Flink reference: "
                    + "--sections flink-workload --flink-events 5000000 runs the same N");
        }
        return new Section(id, "Flink-comparable workload", params,
                List.of(rate, Figure.of("start-up", "s", startups), Figure.of("process CPU per event", "µs", cpuPerEvent),
                        Figure.of("stream thread CPU per event", "µs", streamCpuPerEvent)), notes);
    }

    /** Starts a fresh topology on the preloaded topic and times it until the last windows are visible. */
    private static Run once(BenchContext ctx, Preload load) throws Exception {
        try (TableWatcher table = new TableWatcher(ctx.platform.clients(), ctx.platform.serdes(), Topics.INDICATORS_IV3,
                "bench-flink-table", true)) {
            TableWatcher.Expectation done = table.expect(load.lastWindows(), false);
            BenchPlatform.IndicatorsRun topology = ctx.platform.newIndicators("flink");
            try (topology) {
                CpuClock cpu = CpuClock.start(topology.streamThreadPrefix());
                long start = System.nanoTime();
                topology.start();
                long startupMs = topology.awaitRunning(ctx.options.timeout());
                long visible;
                try (AutoCloseable sampler = ctx.wallClockSampler(topology.streamThreadPrefix())) {
                    visible = table.await(done, ctx.options.timeout());
                }
                return new Run(load.events() * 1e9 / (visible - start), startupMs, cpu.stop());
            }
        }
    }

    /** Empties the topics and preloads {@code n} events of {@link #FLINK_POLLUTANT}. */
    private static Preload preload(BenchContext ctx, long n) {
        ctx.platform.resetTopics(BenchPlatform.MEASURED_TOPICS);
        Set<Pollutant> pollutants = Set.of(FLINK_POLLUTANT);
        HourlyWorkload workload = new HourlyWorkload(ctx.series, START);
        long availableHours = Duration.between(START, Instant.now().minus(Duration.ofDays(2))).toHours();
        long perCopy = 0;
        for (long g = 0; g < availableHours && perCopy < n; g++) {
            long[] c = {0};
            workload.forEachEvent(g, (station, p, v, e) -> c[0] += pollutants.contains(p) ? 1 : 0);
            perCopy += c[0];
        }
        int copies = (int) Math.max(1, (n + perCopy - 1) / perCopy);
        ExpectedWindows expected = new ExpectedWindows(ctx.platform.dailyMeans(), ctx.platform.zone());
        long began = System.nanoTime();
        long hours = preload(ctx, workload, pollutants, copies, n, expected);
        return new Preload(n, expected.latestWindows(), hours, copies, (System.nanoTime() - began) / 1e9);
    }

    /** Preloads n events; returns the number of generated hours used. */
    private static long preload(BenchContext ctx, HourlyWorkload workload, Set<Pollutant> pollutants, int copies, long n,
                                ExpectedWindows expected) {
        Serializer<AirQualityMeasurement> serializer = ctx.platform.serdes().value(Topics.AIR_QUALITY).serializer();
        String topic = Topics.AIR_QUALITY.name();
        long[] sent = {0};
        long g = 0;
        Instant now = Instant.now();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(ctx.platform.clients().producer("bench-flink-preload"),
                new StringSerializer(), new ByteArraySerializer())) {
            for (; sent[0] < n; g++) {
                long hour = g;
                for (int copy = 0; copy < copies && sent[0] < n; copy++) {
                    String suffix = copy == 0 ? "" : "-" + (copy + 1);
                    workload.forEachEvent(hour, (station, pollutant, value, epoch) -> {
                        if (sent[0] >= n || !pollutants.contains(pollutant)) {
                            return;
                        }
                        String code = station + suffix;
                        Instant end = Instant.ofEpochSecond(epoch);
                        String id = GiosWideCsvParser.FEED + ':' + code + ':' + pollutant + ':' + epoch;
                        AirQualityMeasurement m = new AirQualityMeasurement(id, end, GiosWideCsvParser.FEED, "bench-flink.csv:" + (hour + 2),
                                code, pollutant, value, GiosWideCsvParser.AVERAGING_PERIOD_SECONDS, false, now);
                        producer.send(new ProducerRecord<>(topic, null, end.toEpochMilli(), code, serializer.serialize(topic, m)));
                        expected.add(code, pollutant, epoch);
                        sent[0]++;
                    });
                }
            }
            producer.flush();
        }
        return g;
    }

    private static double median(List<Double> xs) {
        return xs.isEmpty() ? 0 : Figure.of("m", "s", xs).median();
    }
}
