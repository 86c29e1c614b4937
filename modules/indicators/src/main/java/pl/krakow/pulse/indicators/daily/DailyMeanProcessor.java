package pl.krakow.pulse.indicators.daily;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.events.indicators.LateEvent;
import pl.krakow.pulse.indicators.window.LocalDay;
import pl.krakow.pulse.indicators.window.CalendarWindows;
import pl.krakow.pulse.indicators.window.LocalDayWindows;
import pl.krakow.pulse.platform.catalog.IndicatorKeys;
import pl.krakow.pulse.runtime.streams.watermark.Progress;
import pl.krakow.pulse.runtime.streams.watermark.ProgressReporter;
import pl.krakow.pulse.runtime.streams.watermark.SourcePartitions;

/**
 * Daily mean of one pollutant per station and local day, emitted as it changes and once more when the
 * day closes. Input: hourly {@link AirQualityMeasurement}s of the indicator's pollutant; output is
 * forwarded by child name straight to one of two sinks: {@link IndicatorValue}s to the indicator-table
 * sink, {@link LateEvent}s to the late-topic sink (no routing nodes in between: one hop per output).
 *
 * <p><b>Time.</b> Event time only: the record timestamp is the measurement's {@code eventTime} (the
 * topology's timestamp extractor), the value belongs to the local day of its averaging hour
 * ({@link LocalDayWindows#dayOfPeriodEndingAt hour-to-day rule}). Kafka Streams' stream time is the
 * largest timestamp seen <em>by this task</em>, i.e. per input partition: whether a day is late or due
 * is decided per partition, by all the stations that hash to it — a station that lags the others on its
 * partition by more than the grace sees its values go to the late topic.
 *
 * <p><b>Closing time</b> = max(stream time, idle watermark). A day {@code [start, end)} is
 * <em>due</em> when {@code end + grace ≤ closing time}.
 * <ul>
 *   <li>A record whose day is due is <b>late</b>: it is forwarded as a {@link LateEvent} (with its value
 *       re-serialised in the source topic's wire format) and counted; no value changes. Because state
 *       of a due day is gone, a late correction never produces a second FINAL from this processor.</li>
 *   <li>Otherwise the hourly value is added to the station-day (a duplicate — same hour, same value —
 *       changes nothing and emits nothing; a different value for the same hour replaces it) and the
 *       day's PROVISIONAL value (revision 0) is emitted.</li>
 *   <li>Whenever the closing time passes a stored day's {@code end + grace} that day's FINAL value
 *       (revision 1) is emitted once and the day is deleted from the store. This is checked on every
 *       record of this processor and by a STREAM_TIME punctuator, so records the pollutant filter keeps
 *       away (another pollutant on the same partition) close days too; the check reads the open days'
 *       keys held in memory (in window-end order, rebuilt from the store at start) and the due days by
 *       key — it never opens a store iterator.</li>
 *   <li>Stream time only advances when records arrive. A WALL_CLOCK_TIME punctuator therefore watches
 *       it: once it has not moved for {@code idleTimeout} of wall-clock time, the days whose
 *       {@code end + grace ≤ wallClock − idleTimeout} are finalised, so a silent partition does not hold
 *       windows open forever. The <b>idle watermark</b> then becomes the latest {@code end + grace} so
 *       closed and joins the closing time: a later value for such a day is late, and every day is FINAL
 *       exactly once. It is persisted (closing-time store) so this survives a restart. Because the
 *       watermark only moves to days that were actually held and closed, an idle empty partition does
 *       not turn a later backfill into late data; a replay of history keeps stream time moving and is
 *       unaffected unless it pauses for longer than the idle timeout (then the days it had open are
 *       closed and its next values for those days are late).</li>
 * </ul>
 *
 * <p><b>Progress for the next stage.</b> For daily windows, after the FINAL values a closing time makes due, a
 * {@link Progress} marker (this task's partition, the source's partition count, the closing time, idle or not) is
 * forwarded to the derived children — the city stage's re-key, which sends it to every partition of the city
 * repartition topic, the year-to-date and completeness processors — whenever the earliest open day changes, and
 * when the partition turns idle (no stream-time advance for {@code idleTimeout}) or active again. Downstream
 * stages take the minimum over all partitions (their watermark) to decide what is complete; values always
 * precede the marker that covers them. Markers never reach a table sink.
 *
 * <p><b>Store.</b> Key {@link DailyMeanStoreKey} (window end, then station), value the compact
 * {@link DailyMeanAccumulator} form; only open days are held.
 *
 * <p><b>Emission.</b> By default every change emits (one PROVISIONAL value per accepted record). With a
 * positive {@code emitInterval} the changes of a station-day are coalesced and its PROVISIONAL value is
 * emitted at most once per interval by a WALL_CLOCK_TIME punctuator — with exactly-once, output is not
 * visible before the next commit anyway, so an interval equal to {@code commit.interval.ms} costs no
 * visibility and cuts output (and broker load) up to 24-fold in backfills. The "changed, not yet
 * published" mark is kept in the stored state, so a restart never loses an update.
 *
 * <p><b>FINAL only.</b> With {@code provisional} false no PROVISIONAL value is emitted (to the table or the
 * derived children): each window is published once, FINAL, when it closes — the output of a windowed batch or
 * Flink job. The store still holds every open window, so a restart loses nothing.
 *
 * <p><b>Hourly values.</b> With {@link pl.krakow.pulse.indicators.window.HourWindows} (kind {@code hourly_value})
 * the same rules apply to one-hour windows: the "mean" of an hour is its single value, the latest one sent.
 *
 * <p><b>Derived values.</b> Every emitted value (PROVISIONAL and FINAL) is also forwarded to each of the
 * {@code derivedChildren} (year to date, completeness, the city re-key), in window order for FINAL values.
 *
 * <p><b>Output timestamps</b> are deterministic: a PROVISIONAL value carries its triggering event's
 * time (coalesced: the end of the day's latest hour with a value), a FINAL value its day's
 * {@code end + grace}. {@code computedAt} is the injected wall clock.
 */
public final class DailyMeanProcessor implements Processor<String, AirQualityMeasurement, String, SpecificRecord> {

    static final String CLOSING_TIME_KEY = "idle-watermark";

    private static final long MILLIS_PER_HOUR = 3_600_000L;
    private static final int HOURLY_SECONDS = 3600;
    private static final long UNKNOWN = Long.MIN_VALUE;
    private static final int KEY_CACHE_LIMIT = 10_000;

    private final DailyMeanDefinition definition;
    private final CalendarWindows windows;
    private final String zoneId;
    private final long graceMs;
    private final Clock clock;
    private final Duration punctuationInterval;
    private final long idleTimeoutMs;
    private final DailyMeanMetrics metrics;
    private final String defaultSourceTopic;
    private final Serializer<AirQualityMeasurement> sourceValueSerializer;
    private final String valuesChild;
    private final String lateChild;
    private final long emitIntervalMs;
    /** Children that also receive every emitted value: year to date, completeness, the city re-key. */
    private final String[] derivedChildren;
    /** False: only FINAL values are emitted. */
    private final boolean provisional;

    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<Bytes, DailyMeanAccumulator> days;
    private KeyValueStore<String, Long> closingTimeStore;
    private Cancellable idleCheck;
    private Cancellable streamTimeCheck;
    private Cancellable emitter;
    /** Station-days whose PROVISIONAL value is due at the next coalesced emission (emitInterval > 0). */
    private final Set<Bytes> pendingKeys = new LinkedHashSet<>();

    /**
     * Keys of the open station-days in store order (window end first), rebuilt from the store once per
     * task start and kept in step by {@link #process} and {@link #finaliseDue}; {@code null} until built.
     * Finalisation takes the due days from its head and reads each by key: no store iterator per closing.
     * Range scans over RocksDB (iterator creation, seeks over the tombstones of deleted days, the record
     * cache's merge) were 17 % of the stream thread in the benchmark's end-to-end profile.
     */
    private TreeSet<Bytes> openKeys;
    /** Latest {@code end + grace} of the days the wall-clock punctuator finalised; part of the closing time. */
    private long idleWatermarkMs = Long.MIN_VALUE;
    /** {@code end + grace} of the latest day {@link #finaliseDue} closed. */
    private long lastFinalisedDueMs = Long.MIN_VALUE;
    private long lastSeenStreamTimeMs = UNKNOWN;
    private long lastStreamTimeAdvanceWallMs = UNKNOWN;
    /** No stream-time advance for the idle timeout (wall clock). */
    private boolean idle;
    /** Decides when a progress marker is due (daily windows only; null for hourly ones). */
    private ProgressReporter progressReporter;
    /**
     * The open days' accumulators as last written to the store, by store key: a read-through copy so that the
     * ~24 updates of a station-day do not each deserialize it again from the store's cache. Only this processor
     * writes its store, and Streams calls {@link #init} again after any reset of the store (an exactly-once abort
     * wipes and restores it), where this copy is dropped; so an entry here always equals the stored value.
     */
    private final Map<Bytes, DailyMeanAccumulator> live = new HashMap<>();
    /** Table key and scope per station for its current day: formatting the ISO window start is the costly part. */
    private final Map<String, CachedKey> keyCache = new HashMap<>();

    private record CachedKey(long dayStartMs, String scope, String tableKey) {
    }

    /**
     * @param sourceValueSerializer re-serialises a late event's value for {@link LateEvent#getPayload()}
     * @param valuesChild           name of the child node (the indicator-table sink) that receives values
     * @param lateChild             name of the child node (the late-topic sink) that receives late events
     * @param emitInterval          {@link Duration#ZERO}: emit a PROVISIONAL value on every change; otherwise
     *                              coalesce the changes of a station-day and emit at most once per interval
     */
    public DailyMeanProcessor(DailyMeanDefinition definition, CalendarWindows windows, Clock clock,
                              Duration punctuationInterval, Duration idleTimeout, DailyMeanMetrics metrics,
                              String defaultSourceTopic, Serializer<AirQualityMeasurement> sourceValueSerializer,
                              String valuesChild, String lateChild, Duration emitInterval) {
        this(definition, windows, clock, punctuationInterval, idleTimeout, metrics, defaultSourceTopic,
                sourceValueSerializer, valuesChild, lateChild, emitInterval, List.of());
    }

    /**
     * @param yearToDateChild when not null, the child node (the year-to-date processor) that also receives
     *                        every emitted value, PROVISIONAL and FINAL
     */
    public DailyMeanProcessor(DailyMeanDefinition definition, CalendarWindows windows, Clock clock,
                              Duration punctuationInterval, Duration idleTimeout, DailyMeanMetrics metrics,
                              String defaultSourceTopic, Serializer<AirQualityMeasurement> sourceValueSerializer,
                              String valuesChild, String lateChild, Duration emitInterval, String yearToDateChild) {
        this(definition, windows, clock, punctuationInterval, idleTimeout, metrics, defaultSourceTopic,
                sourceValueSerializer, valuesChild, lateChild, emitInterval,
                yearToDateChild == null ? List.of() : List.of(yearToDateChild));
    }

    /**
     * @param derivedChildren the child nodes (year to date, completeness, the city re-key) that also receive
     *                        every emitted value, PROVISIONAL and FINAL
     */
    public DailyMeanProcessor(DailyMeanDefinition definition, CalendarWindows windows, Clock clock,
                              Duration punctuationInterval, Duration idleTimeout, DailyMeanMetrics metrics,
                              String defaultSourceTopic, Serializer<AirQualityMeasurement> sourceValueSerializer,
                              String valuesChild, String lateChild, Duration emitInterval, List<String> derivedChildren) {
        this(definition, windows, clock, punctuationInterval, idleTimeout, metrics, defaultSourceTopic, sourceValueSerializer,
                valuesChild, lateChild, emitInterval, derivedChildren, true);
    }

    /**
     * @param provisional false: no PROVISIONAL value is emitted at all (neither to the table nor to the derived
     *                    children), only each window's FINAL value at {@code end + grace}
     */
    public DailyMeanProcessor(DailyMeanDefinition definition, CalendarWindows windows, Clock clock,
                              Duration punctuationInterval, Duration idleTimeout, DailyMeanMetrics metrics,
                              String defaultSourceTopic, Serializer<AirQualityMeasurement> sourceValueSerializer,
                              String valuesChild, String lateChild, Duration emitInterval, List<String> derivedChildren,
                              boolean provisional) {
        this.provisional = provisional;
        this.derivedChildren = derivedChildren.toArray(new String[0]);
        this.definition = definition;
        this.windows = windows;
        this.zoneId = windows.zone().getId();
        this.graceMs = definition.grace().toMillis();
        this.clock = clock;
        this.punctuationInterval = punctuationInterval;
        this.idleTimeoutMs = idleTimeout.toMillis();
        this.metrics = metrics;
        this.defaultSourceTopic = defaultSourceTopic;
        this.sourceValueSerializer = sourceValueSerializer;
        this.valuesChild = valuesChild;
        this.lateChild = lateChild;
        this.emitIntervalMs = emitInterval.toMillis();
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        live.clear();
        openKeys = null;
        pendingKeys.clear();
        this.days = context.getStateStore(definition.storeName());
        this.closingTimeStore = context.getStateStore(definition.closingTimeStoreName());
        Long persisted = closingTimeStore.get(CLOSING_TIME_KEY);
        if (persisted != null) {
            idleWatermarkMs = persisted;
        }
        if (!definition.hourly() && derivedChildren.length > 0) {
            int partitions = SourcePartitions.of(context.appConfigs(), defaultSourceTopic);
            progressReporter = new ProgressReporter(context.taskId().partition(), partitions,
                    closingMs -> windows.windowContaining(closingMs - graceMs).startMs());
        }
        idleCheck = context.schedule(punctuationInterval, PunctuationType.WALL_CLOCK_TIME, this::onWallClock);
        // Stream time is the task's, advanced by every record of the partition — also by those the
        // pollutant filter keeps from this processor (PM10 records moving PM2.5's days to FINAL).
        streamTimeCheck = context.schedule(punctuationInterval, PunctuationType.STREAM_TIME,
                streamTime -> {
                    idle = false;
                    finaliseDue(closingTimeMs());
                    reportProgress();
                });
        if (provisional && emitIntervalMs > 0) {
            emitter = context.schedule(Duration.ofMillis(emitIntervalMs), PunctuationType.WALL_CLOCK_TIME,
                    wallClock -> emitPending());
        }
    }

    @Override
    public void process(Record<String, AirQualityMeasurement> record) {
        AirQualityMeasurement m = record.value();
        if (m == null) {
            metrics.ignoredTombstone();
            return;
        }
        if (m.getAveragingPeriodSeconds() != HOURLY_SECONDS) {
            metrics.ignoredNotHourly();
            return;
        }
        double concentration = m.getConcentrationUgM3();
        if (!Double.isFinite(concentration)) {
            metrics.ignoredNotFinite();
            return;
        }
        long hourStartMs = m.getEventTime().toEpochMilli() - MILLIS_PER_HOUR;
        LocalDay day = windows.windowContaining(hourStartMs);

        long closing = closingTimeMs();
        idle = false;
        finaliseDue(closing);
        reportProgress();
        if (day.endMs() + graceMs <= closing) {
            forwardLate(record, m, day, closing);
            return;
        }

        String station = m.getStationCode();
        Bytes key = DailyMeanStoreKey.of(day.endMs(), station);
        DailyMeanAccumulator acc = read(key);
        boolean newDay = acc == null;
        if (newDay) {
            acc = DailyMeanAccumulator.forDay(day, definition.minValidHours());
        }
        long ingestedAtMs = m.getIngestedAt().toEpochMilli();
        switch (acc.add(hourStartMs, concentration, ingestedAtMs)) {
            case DUPLICATE -> {
                metrics.duplicate();
                return;
            }
            case CORRECTED -> metrics.corrected();
            case ADDED -> {
            }
        }
        boolean coalesced = provisional && emitIntervalMs > 0;
        if (coalesced) {
            acc.pendingEmission(true);
            pendingKeys.add(key);
        }
        write(key, acc);
        if (newDay) {
            openKeys().add(key);
        }
        if (coalesced || !provisional) {
            return;
        }
        long now = clock.millis();
        emit(station, acc, IndicatorStatus.PROVISIONAL, 0, now, record.timestamp());
        metrics.latency(now - ingestedAtMs);
    }

    /** The stored accumulator of {@code key}, from the read-through copy when it holds it. */
    private DailyMeanAccumulator read(Bytes key) {
        DailyMeanAccumulator acc = live.get(key);
        if (acc == null) {
            acc = days.get(key);
            if (acc != null) {
                live.put(key, acc);
            }
        }
        return acc;
    }

    /** Stores {@code acc} (the changelog follows through the store's cache) and keeps it as the read-through copy. */
    private void write(Bytes key, DailyMeanAccumulator acc) {
        days.put(key, acc);
        live.put(key, acc);
    }

    private long closingTimeMs() {
        return Math.max(context.currentStreamTimeMs(), idleWatermarkMs);
    }

    /** Sends a progress marker to the derived children when the next stage learns something new from it. */
    private void reportProgress() {
        if (progressReporter == null) {
            return;
        }
        progressReporter.observe(closingTimeMs(), idle).ifPresent(p -> {
            Record<String, SpecificRecord> marker = p.toRecord();
            for (String child : derivedChildren) {
                context.forward(marker, child);
            }
        });
    }

    /** Emits FINAL values of every stored day due at {@code closingMs} and deletes them; returns how many. */
    private int finaliseDue(long closingMs) {
        TreeSet<Bytes> open = openKeys();
        if (open.isEmpty() || DailyMeanStoreKey.windowEndMs(open.first()) + graceMs > closingMs) {
            return 0; // the common case: nothing is due
        }
        long now = clock.millis();
        int finalised = 0;
        for (Iterator<Bytes> it = open.iterator(); it.hasNext(); ) {
            Bytes key = it.next();
            if (DailyMeanStoreKey.windowEndMs(key) + graceMs > closingMs) {
                break; // keys are in window-end order: every later day is open too
            }
            it.remove();
            DailyMeanAccumulator acc = read(key);
            if (acc == null) {
                continue;
            }
            long dueMs = acc.dayEndMs() + graceMs;
            pendingKeys.remove(key); // the FINAL value supersedes a pending PROVISIONAL one
            emit(DailyMeanStoreKey.stationCode(key), acc, IndicatorStatus.FINAL, 1, now, dueMs);
            days.delete(key);
            live.remove(key);
            lastFinalisedDueMs = Math.max(lastFinalisedDueMs, dueMs);
            finalised++;
        }
        return finalised;
    }

    /**
     * The open days' keys; the first call after a (re)start reads them from the store, once, together with
     * the days whose change was committed but not yet published (marked in the stored state).
     */
    private TreeSet<Bytes> openKeys() {
        if (openKeys == null) {
            TreeSet<Bytes> keys = new TreeSet<>();
            try (KeyValueIterator<Bytes, DailyMeanAccumulator> it = days.all()) {
                it.forEachRemaining(kv -> {
                    keys.add(kv.key);
                    if (kv.value.pendingEmission()) {
                        pendingKeys.add(kv.key);
                    }
                });
            }
            openKeys = keys;
        }
        return openKeys;
    }

    /** Coalesced mode: publishes the PROVISIONAL value of every station-day changed since the last call. */
    private void emitPending() {
        openKeys(); // after a restart, also finds the changes committed but not yet published
        if (pendingKeys.isEmpty()) {
            return;
        }
        long now = clock.millis();
        for (Bytes key : pendingKeys) {
            DailyMeanAccumulator acc = read(key);
            if (acc == null || !acc.pendingEmission()) {
                continue;
            }
            acc.pendingEmission(false);
            write(key, acc);
            emit(DailyMeanStoreKey.stationCode(key), acc, IndicatorStatus.PROVISIONAL, 0, now, acc.latestHourEndMs());
            metrics.latency(now - acc.lastIngestedAtMs());
        }
        pendingKeys.clear();
    }

    private void onWallClock(long wallClockMs) {
        long streamTime = context.currentStreamTimeMs();
        if (lastStreamTimeAdvanceWallMs == UNKNOWN || streamTime != lastSeenStreamTimeMs) {
            lastSeenStreamTimeMs = streamTime;
            lastStreamTimeAdvanceWallMs = wallClockMs;
            idle = false;
            reportProgress();
            return;
        }
        if (wallClockMs - lastStreamTimeAdvanceWallMs < idleTimeoutMs) {
            reportProgress();
            return;
        }
        idle = true;
        int finalised = finaliseDue(Math.max(closingTimeMs(), wallClockMs - idleTimeoutMs));
        if (finalised > 0) {
            // From now on the closing time covers what was closed, so those days stay FINAL-once; persisted
            // because only this value remembers them across a restart.
            idleWatermarkMs = Math.max(idleWatermarkMs, lastFinalisedDueMs);
            closingTimeStore.put(CLOSING_TIME_KEY, idleWatermarkMs);
            metrics.idleFinalised(finalised);
        }
        reportProgress();
    }

    private void emit(String station, DailyMeanAccumulator acc, IndicatorStatus status, int revision,
                      long computedAtMs, long timestampMs) {
        CachedKey k = keyOf(station, acc.dayStartMs());
        long lastIngested = acc.lastIngestedAtMs();
        IndicatorValue value = new IndicatorValue(definition.indicatorId(), definition.goal(), k.scope(),
                Instant.ofEpochMilli(acc.dayStartMs()), Instant.ofEpochMilli(acc.dayEndMs()), zoneId, acc.mean(),
                definition.unit(), acc.observedCount(), acc.expectedCount(), acc.coverage(), acc.valid(), status,
                revision, Instant.ofEpochMilli(computedAtMs),
                lastIngested == Long.MIN_VALUE ? null : Instant.ofEpochMilli(lastIngested));
        Record<String, SpecificRecord> out = new Record<>(k.tableKey(), value, timestampMs);
        context.forward(out, valuesChild);
        for (String child : derivedChildren) {
            context.forward(out, child);
        }
        metrics.emitted(status);
    }

    private CachedKey keyOf(String station, long dayStartMs) {
        CachedKey cached = keyCache.get(station);
        if (cached != null && cached.dayStartMs() == dayStartMs) {
            return cached;
        }
        if (keyCache.size() >= KEY_CACHE_LIMIT) {
            keyCache.clear();
        }
        String scope = IndicatorKeys.stationScope(station);
        CachedKey fresh = new CachedKey(dayStartMs, scope,
                IndicatorKeys.key(definition.indicatorId(), scope, Instant.ofEpochMilli(dayStartMs), windows.zone()));
        keyCache.put(station, fresh);
        return fresh;
    }

    private void forwardLate(Record<String, AirQualityMeasurement> record, AirQualityMeasurement m, LocalDay day,
                             long closingMs) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse(defaultSourceTopic);
        byte[] payload = sourceValueSerializer.serialize(topic, m);
        LateEvent late = new LateEvent(definition.indicatorId(), topic, record.key(), m.getEventTime(), day.start(),
                day.end(), Instant.ofEpochMilli(closingMs), ByteBuffer.wrap(payload));
        // Stamped with the wall clock: indicators.late.v1 is a delete-retention topic, and an event-time stamp from
        // a backfill (2017) would make the kept late record eligible for deletion at once.
        context.forward(new Record<>(record.key(), late, clock.millis()), lateChild);
        metrics.late();
    }

    @Override
    public void close() {
        if (idleCheck != null) {
            idleCheck.cancel();
        }
        if (streamTimeCheck != null) {
            streamTimeCheck.cancel();
        }
        if (emitter != null) {
            emitter.cancel();
        }
        pendingKeys.clear();
        keyCache.clear();
        live.clear();
    }
}
