package pl.krakow.pulse.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.indicators.Iv3EnvironmentTopology;
import pl.krakow.pulse.indicators.daily.DailyMeanDefinition;
import pl.krakow.pulse.ingest.environment.GiosWideCsvParser;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.catalog.IndicatorKeys;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.runtime.RuntimeConfig;

/**
 * The same work as the Flink peer ({@code ../shared/peer-flink}), to be run side by side with it
 * ({@code modules/bench/side-by-side.sh}): section {@code same-work}.
 *
 * <p><b>Input</b>, generated exactly as the peer's {@code Loader.emitScaled} does, from the same real file (the
 * bundled 2017-Q1 table, which is the peer's {@code krakow_pm_hourly_2017Q1.csv}): for year copy {@code y = 0, 1, …},
 * for each hour of the file in time order, for each of {@value #SETS} station sets, one event per non-empty cell of
 * that hour, station {@code <code>#<set>}, hour end shifted by {@code y} calendar years (UTC), until N events. The
 * values are the file's, unchanged. Events are {@link AirQualityMeasurement} Avro records (the peer's are JSON),
 * keyed by station, preloaded into {@code environment.air-quality.v1} with {@value #PARTITIONS} partitions (the
 * peer's layout) before the clock starts.
 *
 * <p><b>Work</b>: the production IV.3 topology and configuration (exactly-once) computing only the peer's job — the
 * daily mean per station of each pollutant in the input (PM10 and PM2.5: {@code iv3.pm10.daily_mean},
 * {@code iv3.pm25.daily_mean}; Europe/Warsaw days; valid with ≥ 18 hours) from {@code bench/same-work-catalog.yaml},
 * with {@code indicators.emit.provisional=false}: each day is published once, FINAL, when event time passes its end
 * plus the 3 h grace (the peer: a 1 h out-of-orderness watermark). Parallelism as the peer's, 2: two stream threads
 * ({@code streams.num.threads=2}; the production default is 1). The full IV.3 catalog (bundled catalog, PROVISIONAL
 * values on, the run's configuration otherwise) is timed on the same input with the same parallelism.
 *
 * <p><b>Timing</b>: events/s = N ÷ (the moment the last day every station closes by event time is visible in
 * {@code indicators.iv3.v1}, read {@code read_committed} − the call to {@code start()}): start-up is included, as
 * in the peer. The peer's bounded source also flushes each station's last day at end of input (MAX_WATERMARK); a
 * streaming topology never sees an end of input, so those last days (one per station and pollutant) are neither
 * waited for nor checked.
 *
 * <p><b>Check</b>, after the clock stops: every FINAL value of the last repetition is compared with an independent
 * computation (plain Java over the generated events: count and mean per station-day), and the count of FINAL
 * values with the number of days closed by event time on their partition; a difference fails the run.
 */
final class SameWorkload {

    static final String ID = "same-work";
    /** The peer's input topic layout. */
    static final int PARTITIONS = 6;
    /**
     * The peer's parallelism ({@code FlinkPeerJob.run(..., parallelism 2)}: two parallel window tasks on the 2-core
     * machine): here two stream threads ({@code streams.num.threads=2}), three of the six partitions' tasks each.
     */
    static final int PARALLELISM = 2;
    /** The peer's {@code Loader.SETS}: station copies per hour. */
    static final int SETS = 20;
    /** The peer's reference figures (../shared/peer-flink/README.md, Flink 2.2 exactly-once, 2 cores), by N. */
    static final Map<Long, Double> FLINK_REFERENCE = Map.of(1_000_000L, 101_698.0, 5_000_000L, 181_324.0);

    /**
     * The full IV.3 catalog is timed only up to this size: it does ~10× the work per event, so three repetitions of
     * 5 M events would take most of an hour on the 2-core machine; its target (≥ 0.5 × Flink) is judged at 1 M.
     */
    static final long FULL_CATALOG_MAX_EVENTS = 1_000_000;
    private static final long HOUR_MS = 3_600_000L;
    /** The peer's validity rule, the EU 75 % of 24 hours. */
    private static final int MIN_VALID_HOURS = 18;
    private static final String CATALOG = "/bench/same-work-catalog.yaml";

    private SameWorkload() {
    }

    /** The catalog of the peer's job: the PM10 and PM2.5 daily means, station scope only. */
    static IndicatorCatalog catalog() {
        try (InputStream in = SameWorkload.class.getResourceAsStream(CATALOG)) {
            if (in == null) {
                throw new IllegalStateException(CATALOG + " missing from the classpath");
            }
            return IndicatorCatalog.parse(in, "classpath:" + CATALOG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One station-day as the independent computation sees it. */
    static final class Day {
        final String indicatorId;
        final String station;
        final long startMs;
        final long endMs;
        final int partition;
        int count;
        double sum;

        Day(String indicatorId, String station, long startMs, long endMs, int partition) {
            this.indicatorId = indicatorId;
            this.station = station;
            this.startMs = startMs;
            this.endMs = endMs;
            this.partition = partition;
        }
    }

    /** The preloaded input and what the table must show. */
    record Preload(long events, Map<String, Day> days, long[] maxEventTimeByPartition, Instant firstHourEnd,
                   Instant lastHourEnd, double seconds, long graceMs) {

        /** Days closed by event time on their partition: {@code end + grace ≤} that partition's latest event time. */
        boolean closed(Day d) {
            return d.endMs + graceMs <= maxEventTimeByPartition[d.partition];
        }

        /** Table key → observedCount of each (indicator, station)'s last closed day: what completes a repetition. */
        Map<String, Integer> lastClosedDays() {
            Map<String, Day> last = new HashMap<>();
            for (Day d : days.values()) {
                if (closed(d)) {
                    last.merge(d.indicatorId + '|' + d.station, d, (a, b) -> a.startMs >= b.startMs ? a : b);
                }
            }
            Map<String, Integer> out = new LinkedHashMap<>();
            last.values().forEach(d -> out.put(key(d), d.count));
            return out;
        }

        long closedDays() {
            return days.values().stream().filter(this::closed).count();
        }

        private String key(Day d) {
            return d.indicatorId + '\u0000' + d.station + '\u0000' + d.startMs;
        }
    }

    private record Run(double eventsPerSecond, long startupMillis, CpuClock.Used cpu) {
    }

    /** The repetitions of one job on one preloaded input. */
    private record Job(List<Double> rates, List<Double> startups, List<Double> cpuPerEvent, List<Double> streamCpuPerEvent,
                       String check) {
    }

    /**
     * Runs {@code indicators} with the configuration plus {@code overrides} on the preloaded input, once per repetition;
     * with {@code verify}, the last repetition's table is then compared value by value with the independent computation.
     */
    private static Job measure(BenchContext ctx, Preload load, String label, IndicatorCatalog indicators, Map<String, String> overrides,
                               boolean verify) throws Exception {
        long n = load.events();
        Job job = new Job(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), null);
        String check = null;
        for (int rep = 1; rep <= ctx.options.repetitions(); rep++) {
            ctx.platform.resetTopics(List.of(Topics.INDICATORS_IV3, Topics.LATE_EVENTS, Topics.REJECTED), PARTITIONS);
            Run r = once(ctx, load, indicators, overrides);
            ctx.progress("%s %s rep %d/%d: %s events/s (start-up %d ms; CPU %.1f µs/event, stream threads %.1f µs/event)",
                    label, BenchContext.count(n), rep, ctx.options.repetitions(), BenchContext.count(r.eventsPerSecond()), r.startupMillis(),
                    r.cpu().processMicrosPer(n), r.cpu().threadsMicrosPer(n));
            job.rates().add(r.eventsPerSecond());
            job.startups().add(r.startupMillis() / 1000.0);
            job.cpuPerEvent().add(r.cpu().processMicrosPer(n));
            job.streamCpuPerEvent().add(r.cpu().threadsMicrosPer(n));
            if (verify && rep == ctx.options.repetitions()) {
                check = verify(ctx, load);
                ctx.progress("%s %s: %s", label, BenchContext.count(n), check);
            }
        }
        return new Job(job.rates(), job.startups(), job.cpuPerEvent(), job.streamCpuPerEvent(), check);
    }

    static Section run(BenchContext ctx) throws Exception {
        List<DailyMeanDefinition> means = Iv3EnvironmentTopology.dailyMeans(catalog());
        Map<String, Object> params = new LinkedHashMap<>();
        List<Figure> figures = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<Map<String, Object>> sizes = new ArrayList<>();
        for (long n : ctx.options.sameWorkEvents()) {
            Preload load = preload(ctx, n, means);
            ctx.progress("same work: preloaded %s events (%s → %s, %d partitions) in %.1f s; %s days close by event time",
                    BenchContext.count(load.events()), load.firstHourEnd(), load.lastHourEnd(), PARTITIONS, load.seconds(),
                    BenchContext.count(load.closedDays()));
            String at = " N=" + n;
            Job same = measure(ctx, load, "same work", catalog(), Map.of(RuntimeConfig.EMIT_PROVISIONAL.name(), "false",
                    PlatformConfig.STREAMS_THREADS.name(), Integer.toString(PARALLELISM)), true);
            Figure rate = Figure.of("same work events/s" + at, "events/s", same.rates());
            Double flink = FLINK_REFERENCE.get(n);
            if (flink != null) {
                rate = rate.withTarget(Figure.Target.atLeast(flink, "DESIGN §13: ≥ 1.0 × Flink 2.2 exactly-once on the same work; "
                        + "reference " + BenchContext.count(flink) + " events/s from ../shared/peer-flink/README.md "
                        + "(side-by-side.sh measures it in the same run)"));
            }
            figures.add(rate);
            figures.add(Figure.of("same work start-up" + at, "s", same.startups()));
            figures.add(Figure.of("same work process CPU per event" + at, "µs", same.cpuPerEvent()));
            figures.add(Figure.of("same work stream thread CPU per event" + at, "µs", same.streamCpuPerEvent()));
            String check = same.check();
            if (ctx.options.sameWorkFullCatalog() && n <= FULL_CATALOG_MAX_EVENTS) {
                Job full = measure(ctx, load, "full IV.3 catalog", ctx.platform.catalog(),
                        Map.of(PlatformConfig.STREAMS_THREADS.name(), Integer.toString(PARALLELISM)), false);
                Figure fullRate = Figure.of("full IV.3 catalog events/s" + at, "events/s", full.rates());
                if (flink != null) {
                    fullRate = fullRate.withTarget(Figure.Target.atLeast(flink / 2, "DESIGN §13: ≥ 0.5 × Flink 2.2 exactly-once on the "
                            + "same input; reference " + BenchContext.count(flink) + " events/s from ../shared/peer-flink/README.md"));
                }
                figures.add(fullRate);
                figures.add(Figure.of("full IV.3 catalog start-up" + at, "s", full.startups()));
                figures.add(Figure.of("full IV.3 catalog process CPU per event" + at, "µs", full.cpuPerEvent()));
                figures.add(Figure.of("full IV.3 catalog stream thread CPU per event" + at, "µs", full.streamCpuPerEvent()));
            }
            Map<String, Object> size = new LinkedHashMap<>();
            size.put("events", n);
            size.put("eventTime", load.firstHourEnd() + " .. " + load.lastHourEnd());
            size.put("closedDays", load.closedDays());
            size.put("preloadSeconds", Math.round(load.seconds() * 10) / 10.0);
            size.put("check", check);
            sizes.add(size);
            ctx.platform.resetTopics(BenchPlatform.MEASURED_TOPICS);
        }
        params.put("job", "daily mean per station of every pollutant in the input (PM10, PM2.5), Europe/Warsaw days, "
                + "FINAL only (indicators.emit.provisional=false), exactly-once: the Flink peer's job");
        params.put("indicators", means.stream().map(DailyMeanDefinition::indicatorId).toList());
        params.put("fullCatalog", ctx.options.sameWorkFullCatalog()
                ? "the bundled IV.3 catalog with the run's configuration (PROVISIONAL values on) on the same input, timed until the "
                + "same days are visible with their full count, at the sizes up to " + FULL_CATALOG_MAX_EVENTS + " events; not checked "
                + "value by value" : "not run (--no-same-work-full-catalog)");
        params.put("partitions", PARTITIONS);
        params.put("parallelism", PARALLELISM + " stream threads (streams.num.threads), as the peer's Flink parallelism 2");
        params.put("stationSets", SETS);
        params.put("warmup", "none (as the peer: every run starts a new topology; this JVM has run the earlier sections)");
        params.put("sizes", sizes);
        notes.add("events/s includes Streams start-up; the clock stops when the last day each station closes by event time is "
                + "visible (read_committed); the peer's bounded source also flushes each station's last day at end of input");
        notes.add("the peer runs each repetition in a fresh JVM; here the repetitions share the benchmark's JVM (and its "
                + "in-process broker), so the JIT is warm after the first: every sample is in the JSON");
        return new Section(ID, "Same work as the Flink peer", params, figures, notes);
    }

    /** Starts a fresh topology on the preloaded topic and times it until every station's last closed day is visible. */
    private static Run once(BenchContext ctx, Preload load, IndicatorCatalog indicators, Map<String, String> overrides)
            throws Exception {
        try (TableWatcher table = new TableWatcher(ctx.platform.clients(), ctx.platform.serdes(), Topics.INDICATORS_IV3,
                "bench-same-work-table", true)) {
            Map<String, Integer> lastDays = new LinkedHashMap<>();
            ZoneId zone = ctx.platform.zone();
            load.lastClosedDays().forEach((k, count) -> {
                String[] p = k.split("\u0000");
                lastDays.put(IndicatorKeys.key(p[0], IndicatorKeys.stationScope(p[1]), Instant.ofEpochMilli(Long.parseLong(p[2])), zone),
                        count);
            });
            TableWatcher.Expectation done = table.expect(lastDays, false);
            BenchPlatform.IndicatorsRun topology = ctx.platform.newIndicators("same-work", indicators, overrides);
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

    /** Empties the topics ({@value #PARTITIONS} partitions) and preloads {@code n} events of the peer's scaled input. */
    static Preload preload(BenchContext ctx, long n, List<DailyMeanDefinition> means) {
        ctx.platform.resetTopics(BenchPlatform.MEASURED_TOPICS, PARTITIONS);
        Map<Pollutant, String> idByPollutant = new HashMap<>();
        long graceMs = 0;
        for (DailyMeanDefinition d : means) {
            idByPollutant.put(d.pollutant(), d.indicatorId());
            graceMs = d.grace().toMillis();
        }
        ZoneId zone = ctx.platform.zone();
        Serializer<AirQualityMeasurement> serializer = ctx.platform.serdes().value(Topics.AIR_QUALITY).serializer();
        String topic = Topics.AIR_QUALITY.name();
        BundledSeries series = ctx.series;
        Map<String, Day> days = new HashMap<>();
        long[] maxEventTime = new long[PARTITIONS];
        java.util.Arrays.fill(maxEventTime, Long.MIN_VALUE);
        Map<String, Integer> partitionOf = new HashMap<>();
        Instant now = Instant.now();
        long sent = 0;
        long firstHourEnd = Long.MAX_VALUE;
        long lastHourEnd = Long.MIN_VALUE;
        long began = System.nanoTime();
        DayCache dayCache = new DayCache(zone);
        java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Map<String, Object> producerConfig = new HashMap<>(ctx.platform.clients().producer("bench-same-work-preload"));
        // One request in flight per partition: right after the topic is re-created the broker can refuse a partition's
        // first batch and accept the next ones (seen at 5 M: "incoming seq. number 0, current end sequence 391230"), and
        // the refused batch could never be appended in order again. In order, the retry of the first batch blocks the rest.
        producerConfig.put(org.apache.kafka.clients.producer.ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer())) {
            for (int y = 0; sent < n; y++) {
                for (int r = 0; r < series.rows() && sent < n; r++) {
                    long hourEndMs = Instant.ofEpochSecond(series.epoch(r)).atZone(ZoneOffset.UTC).plusYears(y).toInstant().toEpochMilli();
                    for (int set = 0; set < SETS && sent < n; set++) {
                        for (int c = 0; c < series.columns().size() && sent < n; c++) {
                            BundledSeries.Column col = series.columns().get(c);
                            String text = series.cell(r, c);
                            if (text.isEmpty() || !col.known()) {
                                continue;
                            }
                            String station = col.stationCode() + '#' + set;
                            double value = Double.parseDouble(text);
                            Instant end = Instant.ofEpochMilli(hourEndMs);
                            String id = GiosWideCsvParser.FEED + ':' + station + ':' + col.pollutant() + ':' + end.getEpochSecond();
                            AirQualityMeasurement m = new AirQualityMeasurement(id, end, GiosWideCsvParser.FEED,
                                    "bench-same-work.csv:" + (r + 2), station, col.pollutant(), value,
                                    GiosWideCsvParser.AVERAGING_PERIOD_SECONDS, false, now);
                            // Record timestamp = now, as the peer's producer does: the topology takes event time from the
                            // value, and scaled event time runs into the future (5 M events reach 2031), which the broker's
                            // message.timestamp.after.max.ms would reject as a record timestamp.
                            producer.send(new ProducerRecord<>(topic, station, serializer.serialize(topic, m)), (md, e) -> {
                                if (e != null) {
                                    failure.compareAndSet(null, e);
                                }
                            });
                            sent++;
                            firstHourEnd = Math.min(firstHourEnd, hourEndMs);
                            lastHourEnd = Math.max(lastHourEnd, hourEndMs);
                            int partition = partitionOf.computeIfAbsent(station, s -> Utils.toPositive(
                                    Utils.murmur2(s.getBytes(StandardCharsets.UTF_8))) % PARTITIONS);
                            maxEventTime[partition] = Math.max(maxEventTime[partition], hourEndMs);
                            String indicator = idByPollutant.get(col.pollutant());
                            if (indicator != null) {
                                long dayStart = dayCache.startOf(hourEndMs - HOUR_MS);
                                Day d = days.computeIfAbsent(indicator + '\u0000' + station + '\u0000' + dayStart,
                                        k -> new Day(indicator, station, dayStart, dayCache.endMs, partition));
                                d.count++;
                                d.sum += value;
                            }
                        }
                    }
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("preloading the same-work input failed: " + failure.get(), failure.get());
        }
        return new Preload(sent, days, maxEventTime, Instant.ofEpochMilli(firstHourEnd), Instant.ofEpochMilli(lastHourEnd),
                (System.nanoTime() - began) / 1e9, graceMs);
    }

    /** The local day of an instant, cached for the last day asked (events arrive hour by hour). */
    private static final class DayCache {
        private final ZoneId zone;
        private long fromMs = Long.MAX_VALUE;
        private long toMs = Long.MIN_VALUE;
        long endMs;

        DayCache(ZoneId zone) {
            this.zone = zone;
        }

        long startOf(long ms) {
            if (ms < fromMs || ms >= toMs) {
                var date = Instant.ofEpochMilli(ms).atZone(zone).toLocalDate();
                fromMs = date.atStartOfDay(zone).toInstant().toEpochMilli();
                toMs = date.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
                endMs = toMs;
            } else {
                endMs = toMs;
            }
            return fromMs;
        }
    }

    /**
     * Reads the whole table and compares every value with the independent computation; returns a one-line summary.
     *
     * @throws IllegalStateException on any difference (a value, a count, a missing or extra day, a PROVISIONAL value)
     */
    static String verify(BenchContext ctx, Preload load) {
        Deserializer<IndicatorValue> values = ctx.platform.serdes().value(Topics.INDICATORS_IV3).deserializer();
        String topic = Topics.INDICATORS_IV3.name();
        Map<String, Object> props = ctx.platform.clients().consumer("bench-same-work-check", null);
        long finals = 0;
        long matched = 0;
        List<String> problems = new ArrayList<>();
        Map<String, Boolean> seen = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within 2 minutes");
                }
                for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
                    IndicatorValue v = rec.value() == null ? null : values.deserialize(topic, rec.value());
                    if (v == null) {
                        continue;
                    }
                    if (v.getStatus() != IndicatorStatus.FINAL) {
                        problems.add("a " + v.getStatus() + " value for " + rec.key() + " (FINAL only was configured)");
                        continue;
                    }
                    finals++;
                    String station = v.getScope().substring(v.getScope().indexOf(':') + 1);
                    String key = v.getIndicatorId() + '\u0000' + station + '\u0000' + v.getWindowStart().toEpochMilli();
                    Day d = load.days().get(key);
                    if (d == null || !load.closed(d)) {
                        problems.add("FINAL value for a day not closed by event time: " + rec.key());
                        continue;
                    }
                    if (seen.put(key, Boolean.TRUE) != null) {
                        problems.add("second FINAL value for " + rec.key());
                        continue;
                    }
                    double mean = d.sum / d.count;
                    boolean same = v.getObservedCount() == d.count && v.getValue() != null
                            && Math.abs(v.getValue() - mean) <= 1e-9 * Math.max(1, Math.abs(mean))
                            && v.getValid() == (d.count >= MIN_VALID_HOURS);
                    if (same) {
                        matched++;
                    } else {
                        problems.add(rec.key() + ": table " + v.getValue() + " from " + v.getObservedCount() + " hours (valid "
                                + v.getValid() + "), expected " + mean + " from " + d.count);
                    }
                }
            }
        }
        long closed = load.closedDays();
        if (finals != closed) {
            problems.add(0, finals + " FINAL values, " + closed + " days closed by event time");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("same work: the table differs from the independent computation ("
                    + problems.size() + " problems), first: " + problems.subList(0, Math.min(5, problems.size())));
        }
        return String.format(Locale.ROOT, "checked: %d FINAL values = %d days closed by event time, every mean, count and valid flag "
                + "equal to the independent computation", finals, closed);
    }
}
