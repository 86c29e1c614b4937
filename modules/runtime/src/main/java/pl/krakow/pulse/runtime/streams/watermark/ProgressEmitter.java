package pl.krakow.pulse.runtime.streams.watermark;

import java.time.Duration;
import java.util.function.ToLongFunction;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Pass-through in front of a repartition whose next stage decides windows by event time: forwards every record
 * unchanged and, after it, a {@link Progress} marker whenever this task's progress — the largest event time it has
 * forwarded — crosses a multiple of {@code granularity}, and when the task turns idle (no record for
 * {@code idleTimeout} of wall-clock time, checked every {@code punctuation}) or active again. The repartition must
 * use {@link WatermarkPartitioner} so every marker reaches every downstream task, whose {@link UpstreamWatermark}
 * takes the minimum over all source partitions.
 *
 * <p>Progress is the maximum event time <em>seen on this partition</em>, not a promise that nothing older follows:
 * records that are out of order within one partition are the downstream stage's grace to absorb, exactly as with
 * one partition. Progress is held in memory: after a restart the first record (or the idle check) reports again, and
 * the downstream watermark, stored and monotonic, never goes back.
 *
 * @param <V> value type; {@code eventTime} maps a value to its event time (epoch ms)
 */
public final class ProgressEmitter<K, V> implements Processor<K, V, K, V> {

    private final String[] sourceTopics;
    private final ToLongFunction<V> eventTime;
    private final long granularityMs;
    private final Duration punctuation;
    private final long idleTimeoutMs;
    private ProcessorContext<K, V> context;
    private ProgressReporter reporter;
    private Cancellable idleCheck;
    private long progressMs = Long.MIN_VALUE;
    private long lastRecordWallMs;
    private boolean idle;

    public ProgressEmitter(ToLongFunction<V> eventTime, Duration granularity, Duration idleTimeout, Duration punctuation,
                           String... sourceTopics) {
        this.eventTime = eventTime;
        this.granularityMs = Math.max(1, granularity.toMillis());
        this.idleTimeoutMs = idleTimeout.toMillis();
        this.punctuation = punctuation;
        this.sourceTopics = sourceTopics.clone();
    }

    @Override
    public void init(ProcessorContext<K, V> context) {
        this.context = context;
        reporter = new ProgressReporter(context.taskId().partition(), SourcePartitions.of(context.appConfigs(), sourceTopics),
                t -> Math.floorDiv(t, granularityMs));
        lastRecordWallMs = context.currentSystemTimeMs();
        idleCheck = context.schedule(punctuation, PunctuationType.WALL_CLOCK_TIME, this::checkIdle);
    }

    @Override
    public void process(Record<K, V> record) {
        context.forward(record);
        lastRecordWallMs = context.currentSystemTimeMs();
        idle = false;
        if (record.value() != null) {
            progressMs = Math.max(progressMs, eventTime.applyAsLong(record.value()));
        }
        report();
    }

    private void checkIdle(long wallClockMs) {
        if (!idle && wallClockMs - lastRecordWallMs >= idleTimeoutMs) {
            idle = true;
        }
        report();
    }

    @SuppressWarnings("unchecked")
    private void report() {
        reporter.observe(progressMs, idle).ifPresent(p -> context.forward((Record<K, V>) (Record<?, ?>) p.toRecord()));
    }

    @Override
    public void close() {
        if (idleCheck != null) {
            idleCheck.cancel();
        }
    }
}
