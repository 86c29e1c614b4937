package pl.krakow.pulse.indicators.iv4;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.catalog.IndicatorKeys;
import pl.krakow.pulse.runtime.streams.watermark.Progress;
import pl.krakow.pulse.runtime.streams.watermark.UpstreamWatermark;

/**
 * The window bookkeeping the IV.4 processors share: per (group, scope, window start) a small binary
 * state in a persistent store whose first 8 bytes are the window end (epoch ms) and bytes 8–16 the
 * newest contributing event's ingestedAt. Event time drives windows; a window is FINAL (revision 1)
 * once the stage's <b>watermark</b> reaches its end plus the group's grace, and its state is then deleted. Updates
 * to a window already closed are late: counted in {@code pulse.indicators.iv4.late}, not applied. The watermark
 * ({@link UpstreamWatermark}, store {@code <window store>-upstream-progress}) is the minimum, over the input topic's
 * partitions, of the latest event time each has sent (the {@link Progress} markers that the repartition into this
 * single task multicasts), idle partitions left out: one partition's backlog never closes windows that another
 * partition is still filling. The largest event time seen here still drives the per-minute expiry of vehicles. Between
 * closes, a wall-clock punctuator emits PROVISIONAL values of the windows changed since the last
 * punctuation, so the output rate is bounded by the number of live windows, not by the input rate.
 *
 * <p>Store keys are {@code group|scope|windowStartMs}; the open-window index is rebuilt from the store
 * at start-up, so a restart loses nothing.
 */
abstract class WindowedScopeProcessor<V> implements Processor<String, V, String, IndicatorValue> {

    /** One indicator value a window's state yields. */
    record Output(String indicatorId, Double value, String unit, int observed) {
    }

    /** Applies a change to one window's state. */
    interface Updater {
        /** @param change old state (null when new) → new state; the first 16 bytes are kept by the base */
        void update(String group, String scope, long startMs, long endMs, long ingestedMs, UnaryOperator<ByteBuffer> change);
    }

    private final String storeName;
    private final Map<String, Duration> graceByGroup;
    private final ZoneId zone;
    private final Clock clock;
    private final Duration punctuation;
    private final Counter late;
    private final Counter finals;
    private final Counter provisional;
    private final TreeMap<Long, Set<String>> openByClose = new TreeMap<>();
    private final Set<String> dirty = new LinkedHashSet<>();
    private ProcessorContext<String, IndicatorValue> context;
    private KeyValueStore<String, byte[]> store;
    private UpstreamWatermark watermark;
    private long streamTime = Long.MIN_VALUE;

    WindowedScopeProcessor(String storeName, Map<String, Duration> graceByGroup, ZoneId zone, Clock clock,
                           Duration punctuation, MeterRegistry meters, String name) {
        this.storeName = storeName;
        this.graceByGroup = graceByGroup;
        this.zone = zone;
        this.clock = clock;
        this.punctuation = punctuation;
        this.late = Counter.builder("pulse.indicators.iv4.late").tag("processor", name).register(meters);
        this.finals = Counter.builder("pulse.indicators.iv4.values").tag("processor", name).tag("status", "FINAL").register(meters);
        this.provisional = Counter.builder("pulse.indicators.iv4.values").tag("processor", name).tag("status", "PROVISIONAL")
                .register(meters);
    }

    @Override
    public void init(ProcessorContext<String, IndicatorValue> ctx) {
        this.context = ctx;
        this.store = ctx.getStateStore(storeName);
        this.watermark = new UpstreamWatermark(ctx.getStateStore(progressStoreOf(storeName)));
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                openByClose.computeIfAbsent(closeAt(kv.key, ByteBuffer.wrap(kv.value).getLong(0)), k -> new HashSet<>()).add(kv.key);
            }
        }
        ctx.schedule(punctuation, PunctuationType.WALL_CLOCK_TIME, now -> flushProvisional());
        initMore(ctx);
    }

    /** Subclass start-up (further stores). */
    void initMore(ProcessorContext<String, IndicatorValue> ctx) {
    }

    @Override
    public void process(Record<String, V> record) {
        Optional<Progress> progress = Progress.of(record);
        if (progress.isPresent()) {
            if (watermark.update(progress.get())) {
                closeUpTo(watermark.current());
            }
            return;
        }
        long t = eventTimeMs(record.value());
        beforeAdvance(t);
        if (t > streamTime) {
            streamTime = t;
        }
        onRecord(record.value(), this::apply);
    }

    /** The store of the stage's upstream progress, beside a window store, e.g. {@code iv4-bikes-windows-upstream-progress}. */
    static String progressStoreOf(String windowStore) {
        return windowStore + "-upstream-progress";
    }

    /** Called before stream time advances to {@code eventTimeMs} (e.g. to expire state first). */
    void beforeAdvance(long eventTimeMs) {
    }

    long streamTime() {
        return streamTime;
    }

    abstract long eventTimeMs(V value);

    abstract void onRecord(V value, Updater updater);

    /** The indicator values of one window's state. */
    abstract List<Output> render(String group, String scope, ByteBuffer state);

    private void apply(String group, String scope, long startMs, long endMs, long ingestedMs, UnaryOperator<ByteBuffer> change) {
        String key = group + '|' + scope + '|' + startMs;
        long close = endMs + graceByGroup.getOrDefault(group, Duration.ZERO).toMillis();
        if (close <= watermark.current()) { // that window was closed when the watermark reached it
            late.increment();
            return;
        }
        byte[] old = store.get(key);
        ByteBuffer next = change.apply(old == null ? null : ByteBuffer.wrap(old));
        next.putLong(0, endMs);
        long previousIngested = old == null ? Long.MIN_VALUE : ByteBuffer.wrap(old).getLong(8);
        next.putLong(8, Math.max(previousIngested, ingestedMs));
        store.put(key, next.array());
        openByClose.computeIfAbsent(close, k -> new HashSet<>()).add(key);
        dirty.add(key);
    }

    private long closeAt(String key, long endMs) {
        String group = key.substring(0, key.indexOf('|'));
        return endMs + graceByGroup.getOrDefault(group, Duration.ZERO).toMillis();
    }

    private void closeUpTo(long time) {
        while (!openByClose.isEmpty() && openByClose.firstKey() <= time) {
            Map.Entry<Long, Set<String>> e = openByClose.pollFirstEntry();
            for (String key : e.getValue()) {
                byte[] state = store.get(key);
                if (state != null) {
                    emit(key, ByteBuffer.wrap(state), IndicatorStatus.FINAL);
                    store.delete(key);
                }
                dirty.remove(key);
            }
        }
    }

    private void flushProvisional() {
        for (String key : dirty) {
            byte[] state = store.get(key);
            if (state != null) {
                emit(key, ByteBuffer.wrap(state), IndicatorStatus.PROVISIONAL);
            }
        }
        dirty.clear();
    }

    private void emit(String key, ByteBuffer state, IndicatorStatus status) {
        int a = key.indexOf('|');
        int b = key.lastIndexOf('|');
        String group = key.substring(0, a);
        String scope = key.substring(a + 1, b);
        long start = Long.parseLong(key.substring(b + 1));
        long end = state.getLong(0);
        long ingested = state.getLong(8);
        Instant computed = clock.instant();
        for (Output o : render(group, scope, state)) {
            IndicatorValue v = new IndicatorValue(o.indicatorId(), "IV.4", scope, Instant.ofEpochMilli(start),
                    Instant.ofEpochMilli(end), zone.getId(), o.value(), o.unit(), o.observed(), o.observed(),
                    o.observed() > 0 ? 1.0 : 0.0, o.observed() > 0, status, status == IndicatorStatus.FINAL ? 1 : 0,
                    computed, ingested == Long.MIN_VALUE ? null : Instant.ofEpochMilli(ingested));
            context.forward(new Record<>(IndicatorKeys.key(o.indicatorId(), scope, Instant.ofEpochMilli(start), zone), v,
                    Math.max(end - 1, 0)));
            (status == IndicatorStatus.FINAL ? finals : provisional).increment();
        }
    }
}
