package pl.krakow.pulse.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays recorded inputs of one {@link FeedFormat} into an {@link EventSink}, in event-time order
 * across all inputs, as fast as possible or at N× real time.
 *
 * <p><b>How.</b> One parser (one session: duplicates are detected across all inputs) reads every
 * input in the order given; rejections go to the sink at once, accepted events are collected, then
 * sorted by event time (stable: events with the same time keep their input order) and published.
 * At {@link ReplaySpeed#MAX} nothing waits; at N× the event at time t is published at
 * {@code start + (t − t₀) / N} wall time, measured from the first event, so the pace does not drift
 * with the cost of publishing. The sink is flushed once, at the end.
 *
 * <p><b>Memory.</b> Sorting across inputs means the accepted events of one replay are held in memory
 * (a few hundred bytes each; published ones are released as the replay goes). Replay large archives
 * in several calls, e.g. one per month of files.
 *
 * <p><b>Failures.</b> A malformed record is a rejection and never stops the replay. An input that
 * cannot be opened or read is reported ({@link ProgressListener#inputFailed}, one WARN line, the
 * report's {@code failedInputs}) and the others continue; events read from it before the failure
 * are kept. A {@link PublishException} (the sink cannot take records at all) ends the replay.
 * Interrupting the thread stops the replay after the current record; what was handed to the sink is
 * flushed and the report says {@code interrupted}, and the interrupt flag is restored.
 *
 * <p>Logs one line when a replay starts and one when it finishes, never per record.
 */
public final class FileReplayer {

    private static final Logger LOG = LoggerFactory.getLogger(FileReplayer.class);
    private static final int PROGRESS_EVERY = 1024;

    private final EventSink sink;
    private final IngestContext context;
    private final ReplayClock clock;

    public FileReplayer(EventSink sink, IngestContext context) {
        this(sink, context, ReplayClock.SYSTEM);
    }

    public FileReplayer(EventSink sink, IngestContext context, ReplayClock clock) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.context = Objects.requireNonNull(context, "context");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Replays files (a folder stands for its files, sorted by name); see {@link ReplayInput#expand}. */
    public ReplayReport replayFiles(FeedFormat format, List<Path> files, ReplaySpeed speed, ProgressListener listener) {
        return replay(format, ReplayInput.expand(files), speed, listener);
    }

    /** Replays the inputs; returns when every event was published and the sink flushed. */
    public ReplayReport replay(FeedFormat format, List<ReplayInput> inputs, ReplaySpeed speed, ProgressListener listener) {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(speed, "speed");
        ProgressListener progress = listener == null ? ProgressListener.NONE : listener;
        Run run = new Run(format, inputs, speed, progress);
        return run.execute();
    }

    /** The state of one replay. */
    private final class Run {
        final FeedFormat format;
        final List<ReplayInput> inputs;
        final ReplaySpeed speed;
        final ProgressListener listener;
        final Map<ReasonCode, Long> rejectedByReason = new EnumMap<>(ReasonCode.class);
        final List<ReplayReport.FailedInput> failed = new ArrayList<>();
        final long startNanos = clock.nanoTime();
        long rejected;
        long accepted;
        long total = -1;
        Instant lastPublished;
        boolean interrupted;

        Run(FeedFormat format, List<ReplayInput> inputs, ReplaySpeed speed, ProgressListener listener) {
            this.format = format;
            this.inputs = List.copyOf(inputs);
            this.speed = speed;
            this.listener = listener;
        }

        ReplayReport execute() {
            long failuresBefore = sink.sendFailures();
            List<String> names = inputs.stream().map(ReplayInput::name).toList();
            LOG.info("Replay of {} started: {} input(s) at speed {}", format.name(), inputs.size(), speed);
            listener.started(format.name(), names, speed);

            List<ParseOutcome.Accepted<?>> events = read();
            events.sort(Comparator.comparing(ParseOutcome.Accepted::eventTime));
            Instant first = events.isEmpty() ? null : events.get(0).eventTime();
            total = events.size() + rejected;
            if (!interrupted) {
                publish(events);
            }
            flushSink();

            ReplayReport report = new ReplayReport(format.name(), inputs.size(), accepted, rejectedByReason, failed,
                    elapsed(), accepted > 0 ? first : null, accepted > 0 ? lastPublished : null,
                    sink.sendFailures() - failuresBefore, interrupted);
            listener.finished(report); // first, so a progress bar ends its line before the log line
            if (interrupted || !failed.isEmpty() || report.sendFailures() > 0) {
                LOG.warn("Replay of {} finished: {}", format.name(), report.summary());
            } else {
                LOG.info("Replay of {} finished: {}", format.name(), report.summary());
            }
            return report;
        }

        /** Parses every input; rejections go to the sink now, accepted events are returned. */
        List<ParseOutcome.Accepted<?>> read() {
            List<ParseOutcome.Accepted<?>> events = new ArrayList<>();
            FeedParser parser = format.newParser(context);
            long records = 0;
            for (ReplayInput input : inputs) {
                if (interrupted) {
                    break;
                }
                try (Stream<ParseOutcome> outcomes = parser.parse(input.open(), input.name())) {
                    Iterator<ParseOutcome> it = outcomes.iterator();
                    while (it.hasNext()) {
                        ParseOutcome o = it.next();
                        if (o instanceof ParseOutcome.Accepted<?> a) {
                            events.add(a);
                        } else {
                            rejectNow((ParseOutcome.Rejected) o);
                        }
                        if (++records % PROGRESS_EVERY == 0) {
                            listener.progress(new ReplayProgress(ReplayProgress.Phase.READING, records, -1, 0, rejected,
                                    elapsed(), null));
                            if (Thread.currentThread().isInterrupted()) {
                                interrupted = true;
                                break;
                            }
                        }
                    }
                } catch (PublishException e) {
                    throw e;
                } catch (IOException | RuntimeException e) {
                    inputFailed(input.name(), e);
                }
            }
            return events;
        }

        void publish(List<ParseOutcome.Accepted<?>> events) {
            if (events.isEmpty()) {
                return;
            }
            listener.progress(new ReplayProgress(ReplayProgress.Phase.PUBLISHING, rejected, total, 0, rejected,
                    elapsed(), null));
            long paceStart = clock.nanoTime();
            long t0Millis = events.get(0).eventTime().toEpochMilli();
            for (int i = 0; i < events.size(); i++) {
                ParseOutcome.Accepted<?> e = events.get(i);
                if (!speed.isMax()) {
                    long offsetNanos = (long) ((e.eventTime().toEpochMilli() - t0Millis) * 1_000_000.0 / speed.factor());
                    long wait = paceStart + offsetNanos - clock.nanoTime();
                    if (wait > 0) {
                        try {
                            clock.sleepNanos(wait);
                        } catch (InterruptedException ie) {
                            interrupted = true;
                            return;
                        }
                    }
                } else if (i % PROGRESS_EVERY == 0 && Thread.currentThread().isInterrupted()) {
                    interrupted = true;
                    return;
                }
                sink.accept(e);
                events.set(i, null); // let the published event be collected
                accepted++;
                lastPublished = e.eventTime();
                if (!speed.isMax() || accepted % PROGRESS_EVERY == 0) {
                    listener.progress(new ReplayProgress(ReplayProgress.Phase.PUBLISHING, accepted + rejected, total,
                            accepted, rejected, elapsed(), lastPublished));
                }
            }
        }

        void rejectNow(ParseOutcome.Rejected r) {
            sink.reject(r);
            rejected++;
            rejectedByReason.merge(r.reason(), 1L, Long::sum);
        }

        void inputFailed(String name, Exception e) {
            Throwable cause = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
            String error = cause.getClass().getSimpleName() + (cause.getMessage() != null ? ": " + cause.getMessage() : "");
            failed.add(new ReplayReport.FailedInput(name, error));
            listener.inputFailed(name, cause instanceof Exception ex ? ex : e);
            LOG.warn("Replay of {}: cannot read {} ({}); continuing with the other inputs", format.name(), name, error);
        }

        void flushSink() {
            // Kafka's flush refuses to wait on an interrupted thread; what was handed in must still be written.
            boolean wasInterrupted = Thread.interrupted();
            interrupted |= wasInterrupted;
            try {
                sink.flush();
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        Duration elapsed() {
            return Duration.ofNanos(clock.nanoTime() - startNanos);
        }
    }
}
