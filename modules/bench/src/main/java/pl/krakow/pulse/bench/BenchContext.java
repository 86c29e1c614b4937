package pl.krakow.pulse.bench;

import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Locale;
import java.util.stream.Stream;
import pl.krakow.pulse.ingest.EventSink;
import pl.krakow.pulse.ingest.FeedFormat;
import pl.krakow.pulse.ingest.FeedFormats;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.environment.GiosWideCsvParser;
import pl.krakow.pulse.ingest.IngestConfig;
import pl.krakow.pulse.platform.metrics.PulseMetrics;

/** What every section of a run shares: the platform, the options, the bundled data and the progress log. */
final class BenchContext {

    final BenchPlatform platform;
    final BenchOptions options;
    final BundledSeries series;
    final FeedFormat format;
    private final PrintStream log;
    private final long startedNanos = System.nanoTime();

    BenchContext(BenchPlatform platform, BenchOptions options, PrintStream log) {
        this.platform = platform;
        this.options = options;
        this.log = log;
        this.series = BundledSeries.bundled();
        this.format = FeedFormats.discover().get(GiosWideCsvParser.FEED);
    }

    /** One progress line (stderr by default): what runs now and what the last repetition measured. */
    void progress(String format, Object... args) {
        log.println(String.format(Locale.ROOT, "[bench %5.1f s] ", (System.nanoTime() - startedNanos) / 1e9)
                + String.format(Locale.ROOT, format, args));
        log.flush();
    }

    /**
     * End of the first generated hour of the workloads that go through validation (end to end, latency,
     * the raw baseline's events): a week inside the {@code ingest.max.age} horizon, so the real validator
     * accepts every event and up to ~20 years of hourly history (about 1.3 M events) fit before now.
     */
    Instant historyStart() {
        Instant horizon = Instant.now().minus(platform.config().get(IngestConfig.MAX_AGE)).plus(Duration.ofDays(7));
        return horizon.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    }

    /** The {@link WallClockSampler} diagnostic for these threads when it is switched on, else a no-op. */
    AutoCloseable wallClockSampler(String threadPrefix) {
        return WallClockSampler.startIfEnabled(threadPrefix, log);
    }

    /** Whether run {@code run} (0-based) of section {@code id} is its warm-up. */
    boolean isWarmup(String id, int run) {
        return options.warmsUp(id) && run == 0;
    }

    String runLabel(String id, int run) {
        return isWarmup(id, run) ? "warm-up" : "rep " + (run + (options.warmsUp(id) ? 0 : 1)) + "/" + options.repetitions();
    }

    /** How a section was warmed up, for its parameters. */
    String warmupNote(String id) {
        if (options.warmsUp(id)) {
            return "one warm-up run, excluded";
        }
        return options.warmup() ? "none of its own: the end-to-end warm-up ran the same parser, publisher and topology code" : "none";
    }

    /** A fresh parser session of the real {@code gios-wide-csv} format, validating with the run's configuration. */
    FeedParser newParser(PulseMetrics metrics) {
        return format.newParser(IngestContext.from(platform.config(), metrics.registry()));
    }

    /** Outcome counts of one ingest pass. */
    record IngestCount(long accepted, long rejected) {
    }

    /**
     * The real ingest path for one input: parse (and validate) record by record, hand every outcome to
     * {@code sink} (the {@code EventPublisher}: Avro, produce). Does not flush.
     */
    static IngestCount ingest(FeedParser parser, EventSink sink, InputStream input, String name) {
        long accepted = 0;
        long rejected = 0;
        try (Stream<ParseOutcome> outcomes = parser.parse(input, name)) {
            Iterator<ParseOutcome> it = outcomes.iterator();
            while (it.hasNext()) {
                ParseOutcome o = it.next();
                sink.publish(o);
                if (o instanceof ParseOutcome.Accepted<?>) {
                    accepted++;
                } else {
                    rejected++;
                }
            }
        }
        return new IngestCount(accepted, rejected);
    }

    static String count(double n) {
        return String.format(Locale.ROOT, "%,.0f", n);
    }
}
