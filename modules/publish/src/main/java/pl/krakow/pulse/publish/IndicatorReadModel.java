package pl.krakow.pulse.publish;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.registry.SchemaRegistryException;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.runtime.replica.CatchUpReport;
import pl.krakow.pulse.runtime.replica.ReplicaListener;
import pl.krakow.pulse.runtime.replica.RestartBackoff;
import pl.krakow.pulse.runtime.replica.TopicReplica;

/**
 * A replicated copy of the indicator tables ({@code indicators.iv3.v1}, {@code iv4},
 * {@code iv5}), which the API answers from: the history on disk ({@link HistoryStore}), the latest value of each
 * indicator and scope in memory.
 *
 * <p><b>Replicated, not partitioned.</b> A {@link TopicReplica} (one background consumer that
 * {@code assign}s every partition of the tables — no consumer group, no committed offsets) reads them from
 * the beginning at every start and applies each record here. Each instance of {@code publish} therefore holds the whole table and can
 * answer any query alone: instances scale out behind a plain load balancer, with no forwarding
 * between them. Each instance has its own store, emptied and refilled from the tables at start, so instances that
 * have read the same records answer alike.
 *
 * <p><b>Memory.</b> The heap holds only what is bounded by the number of (indicator, scope) series — the latest
 * value of each, which the goal, district, dashboard and gauge views read, and the series' retention bookkeeping —
 * never the history, which lives in the store (RocksDB, off-heap caches of fixed size). History older than its
 * {@link HistoryRetention} (per window grain, counted back from the newest window of the series) is deleted as
 * newer windows arrive, and a record that is already that old when read is not stored
 * ({@code pulse_publish_read_model_values_expired_total}).
 *
 * <p><b>Semantics.</b> Per (indicator id, scope) a map sorted by window start holds the last record
 * read for each window: a later record for the same window replaces the earlier one, exactly as log
 * compaction would keep it (a topology emits PROVISIONAL values and then FINAL revisions in that
 * order, so last-wins is also newest-wins). A tombstone (null value) deletes its window, found from
 * the record key {@code indicatorId|scope|windowStart}. Records are read {@code read_committed}, so
 * values of an aborted exactly-once transaction never appear. A record that cannot be decoded is
 * skipped and counted ({@code pulse_publish_read_model_records_skipped_total{reason}}); a schema
 * registry that cannot be reached is not a bad record: the consumer restarts after a back-off
 * ({@link RestartBackoff#DEFAULT}) and re-reads from the record that failed, so nothing is dropped for an outage.
 * The latest value of a series is the one with the latest window start; deleting it makes the next older one
 * (read back from the store) the latest.
 *
 * <p><b>Threads.</b> One writer (the consumer thread, or {@link #apply} in tests); any number of
 * readers. Reads see each value atomically and never block the writer; a query that spans several
 * windows reads one snapshot of the store, taken when it starts. Latest values returned are the instances the model
 * holds: treat them as read-only; history values are decoded per query.
 *
 * <p><b>Time.</b> Window starts are UTC instants; rendering them in a time zone is the caller's job.
 */
public final class IndicatorReadModel implements AutoCloseable {

    /** A registered {@link #onUpdate} listener; closing it stops the deliveries. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /** The three indicator tables of DESIGN §7. */
    public static final List<TopicSpec<IndicatorValue>> INDICATOR_TABLES =
            List.of(Topics.INDICATORS_IV3, Topics.INDICATORS_IV4, Topics.INDICATORS_IV5);

    private static final Logger LOG = LoggerFactory.getLogger(IndicatorReadModel.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    static final String METRIC_VALUES = "pulse.publish.read.model.values";
    static final String METRIC_RECORDS = "pulse.publish.read.model.records";
    static final String METRIC_SKIPPED = "pulse.publish.read.model.records.skipped";
    static final String METRIC_CAUGHT_UP = "pulse.publish.read.model.caught.up";
    static final String METRIC_LISTENER_FAILURES = "pulse.publish.read.model.listener.failures";
    static final String METRIC_EXPIRED = "pulse.publish.read.model.values.expired";
    static final String METRIC_DISK_BYTES = "pulse.publish.read.model.disk.bytes";

    /** How far (event time) a series' newest window moves before its expired values are deleted again. */
    static final Duration PURGE_STEP = Duration.ofHours(1);

    /**
     * Record header that marks an indicator value computed from simulated input: {@code feed: simulated}
     * (the same word the ingest side puts in an event's {@code feed} field). A header, not a schema field,
     * so the IndicatorValue contract stays unchanged; Kafka Streams copies an input record's headers to
     * what it forwards, and a topology may also set it explicitly.
     */
    public static final String FEED_HEADER = "feed";
    public static final String SIMULATED_FEED = "simulated";

    static final String SKIP_UNDECODABLE = "undecodable-value";
    static final String SKIP_BAD_KEY = "bad-tombstone-key";

    /** One indicator: its goal and its scopes. */
    private static final class Series {
        volatile String goal;
        final ConcurrentSkipListMap<String, ScopeState> byScope = new ConcurrentSkipListMap<>();
    }

    /**
     * What the heap holds of one (indicator, scope): its latest value and its retention bookkeeping (written by the
     * writer thread only).
     */
    private static final class ScopeState {
        /** The value with the latest window start; null once the series is empty. */
        volatile IndicatorValue latest;
        volatile boolean simulated;
        /** The newest window start ever seen: what retention counts back from. */
        Instant newest = Instant.MIN;
        /** {@link #newest} at the last purge. */
        Instant purgedAt = Instant.MIN;
        /** Values of finite retention older than this were deleted by an earlier purge. */
        Instant purgeFrom = Instant.MIN;
        /** The shortest and longest finite retention of the grains seen in this series (zero: none). */
        Duration shortestRetention = Duration.ZERO;
        Duration longestRetention = Duration.ZERO;
    }

    /** The parts of an indicator-table key {@code indicatorId|scope|windowStart}. */
    record RowKey(String indicatorId, String scope, Instant windowStart) {
    }

    /** The consumer side; null for an in-memory model fed through {@link #apply}. */
    private final TopicReplica<String, IndicatorValue> replica;
    private final List<TopicSpec<IndicatorValue>> topics;
    private final MeterRegistry registry;
    private final String clientId;

    private final ConcurrentMap<String, Series> indicators = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, String> canonicalStrings = new ConcurrentHashMap<>();
    private final HistoryStore store;
    private final HistoryRetention retention;
    private final Counter expired;
    private final List<Consumer<IndicatorValue>> listeners = new CopyOnWriteArrayList<>();

    private final List<Meter> meters = new CopyOnWriteArrayList<>();
    private final Map<String, Counter> recordsByTopic = new ConcurrentHashMap<>();
    private final Map<String, Counter> skippedByReason = new ConcurrentHashMap<>();
    private final Map<String, AtomicBoolean> skipLogged = new ConcurrentHashMap<>();
    private final Counter listenerFailures;
    private final AtomicBoolean listenerFailureLogged = new AtomicBoolean();

    private volatile boolean closed;

    /**
     * A read model of the three indicator tables ({@link #INDICATOR_TABLES}) with its history in a temporary
     * directory (deleted on close) and the default retention; call {@link #start()}.
     */
    public IndicatorReadModel(KafkaClients clients, PulseSerdes serdes, PulseMetrics metrics) {
        this(clients, serdes, metrics, INDICATOR_TABLES);
    }

    /** A read model of the given indicator tables, as {@link #IndicatorReadModel(KafkaClients, PulseSerdes, PulseMetrics)}. */
    public IndicatorReadModel(KafkaClients clients, PulseSerdes serdes, PulseMetrics metrics,
                              List<TopicSpec<IndicatorValue>> topics) {
        this(Objects.requireNonNull(clients, "clients"), serdes.value(IndicatorValue.class).deserializer(),
                metrics.registry(), topics, HistoryStore.temporary(), PublishConfig.defaultRetention());
    }

    /**
     * A read model of the three indicator tables with its history under {@code historyDir} (a {@code history-N}
     * directory of its own, emptied at start) kept as {@code retention} says; call {@link #start()}.
     */
    IndicatorReadModel(KafkaClients clients, PulseSerdes serdes, PulseMetrics metrics, java.nio.file.Path historyDir,
                       HistoryRetention retention) {
        this(Objects.requireNonNull(clients, "clients"), serdes.value(IndicatorValue.class).deserializer(),
                metrics.registry(), INDICATOR_TABLES, HistoryStore.open(historyDir), retention);
    }

    /** With a given value deserializer (tests); {@code clients == null} makes a model fed through {@link #apply}. */
    IndicatorReadModel(KafkaClients clients, Deserializer<IndicatorValue> valueDeserializer,
                               MeterRegistry registry, List<TopicSpec<IndicatorValue>> topics) {
        this(clients, valueDeserializer, registry, topics, HistoryStore.temporary(), PublishConfig.defaultRetention());
    }

    /** The model takes over {@code store} and closes it with itself. */
    IndicatorReadModel(KafkaClients clients, Deserializer<IndicatorValue> valueDeserializer, MeterRegistry registry,
                       List<TopicSpec<IndicatorValue>> topics, HistoryStore store, HistoryRetention retention) {
        this.store = Objects.requireNonNull(store, "store");
        this.retention = Objects.requireNonNull(retention, "retention");
        int instance = INSTANCES.incrementAndGet();
        // Unique per process: two consumers with one client.id collide on their JMX app-info bean.
        this.clientId = (clients == null ? "pulse" : clients.config().get(PlatformConfig.APPLICATION_ID_PREFIX))
                + "-publish-read-model" + (instance == 1 ? "" : "-" + instance);
        this.topics = List.copyOf(topics);
        this.registry = Objects.requireNonNull(registry, "registry");
        this.replica = clients == null ? null : TopicReplica.builder(clientId, clients.consumer(clientId, null),
                        this.topics.stream().map(TopicSpec::name).toList(), new StringDeserializer(), valueDeserializer)
                .listener(new ReplicaListener<>() {
                    @Override
                    public void apply(ConsumerRecord<String, IndicatorValue> r) {
                        handle(r);
                    }

                    @Override
                    public void caughtUp(CatchUpReport report) {
                        LOG.info("Indicator read model caught up: {} values of {} indicators from {}", size(),
                                indicators.size(), report);
                    }
                })
                .undecodable(this::undecodable)
                .restartBackoff(RestartBackoff.DEFAULT)
                .clientMetrics(registry)
                .build();

        meters.add(Gauge.builder(METRIC_VALUES, store, HistoryStore::size).strongReference(true)
                .description("Indicator values held by the read model (one per indicator, scope and window)")
                .register(registry));
        meters.add(Gauge.builder(METRIC_DISK_BYTES, store, HistoryStore::diskBytes).strongReference(true)
                .description("Bytes of the read model's history store files on disk")
                .register(registry));
        expired = Counter.builder(METRIC_EXPIRED)
                .description("Indicator values deleted from (or not stored in) the read model's history by retention")
                .register(registry);
        meters.add(expired);
        meters.add(Gauge.builder(METRIC_CAUGHT_UP, this, m -> m.isCaughtUp() ? 1 : 0)
                .description("1 once the read model has read the indicator tables up to their end offsets at start")
                .register(registry));
        for (TopicSpec<IndicatorValue> t : this.topics) {
            recordsCounter(t.name());
        }
        skippedCounter(SKIP_UNDECODABLE);
        skippedCounter(SKIP_BAD_KEY);
        listenerFailures = Counter.builder(METRIC_LISTENER_FAILURES)
                .description("Update listeners that threw (the value is applied regardless)")
                .register(registry);
        meters.add(listenerFailures);
    }

    /**
     * A model with no consumer, fed only through {@link #apply}, its history in a temporary store; caught up from the
     * start. For tests.
     */
    static IndicatorReadModel inMemory(PulseMetrics metrics) {
        return new IndicatorReadModel(null, null, metrics.registry(), INDICATOR_TABLES);
    }

    /** As {@link #inMemory(PulseMetrics)} with the given retention. */
    static IndicatorReadModel inMemory(MeterRegistry registry, HistoryRetention retention) {
        return new IndicatorReadModel(null, null, registry, INDICATOR_TABLES, HistoryStore.temporary(), retention);
    }

    /** Starts the consumer thread; returns at once (see {@link #isCaughtUp()}). */
    public synchronized IndicatorReadModel start() {
        if (replica == null) {
            return this;
        }
        if (closed) {
            throw new IllegalStateException("this read model was closed");
        }
        replica.start();
        return this;
    }

    // --- queries --------------------------------------------------------------------------------

    /** The latest value (latest window) of every indicator and scope of one goal, by indicator id then scope. */
    public List<IndicatorValue> latestOfGoal(String goal) {
        List<IndicatorValue> out = new ArrayList<>();
        for (String id : indicatorIds()) {
            Series s = indicators.get(id);
            if (s != null && goal.equalsIgnoreCase(s.goal)) {
                collectLatest(s, out);
            }
        }
        return out;
    }

    /** The latest value of one indicator for each of its scopes, by scope. */
    public List<IndicatorValue> latest(String indicatorId) {
        List<IndicatorValue> out = new ArrayList<>();
        Series s = indicators.get(indicatorId);
        if (s != null) {
            collectLatest(s, out);
        }
        return out;
    }

    /** The latest value (latest window start) of one indicator and scope. From memory. */
    public Optional<IndicatorValue> latest(String indicatorId, String scope) {
        ScopeState state = state(indicatorId, scope);
        return state == null ? Optional.empty() : Optional.ofNullable(state.latest);
    }

    /**
     * The values of one indicator and scope whose window start lies in {@code [fromInclusive, toExclusive)},
     * by window start — all of them: a caller serving a client pages with
     * {@link #history(String, String, Instant, Instant, boolean, int)}.
     */
    public List<IndicatorValue> history(String indicatorId, String scope, Instant fromInclusive, Instant toExclusive) {
        return history(indicatorId, scope, fromInclusive, toExclusive, true, Integer.MAX_VALUE);
    }

    /**
     * At most {@code limit} values of one indicator and scope whose window start lies in
     * {@code [fromInclusive, toExclusive)}, by window start ascending or descending. Read from the store.
     */
    public List<IndicatorValue> history(String indicatorId, String scope, Instant fromInclusive, Instant toExclusive,
                                        boolean ascending, int limit) {
        if (fromInclusive.isAfter(toExclusive)) {
            throw new IllegalArgumentException("from " + fromInclusive + " is after to " + toExclusive);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        if (state(indicatorId, scope) == null) {
            return List.of();
        }
        return store.range(indicatorId, scope, fromInclusive, toExclusive, ascending, limit);
    }

    /** The scopes that have at least one value of the indicator, sorted. */
    public List<String> scopes(String indicatorId) {
        Series s = indicators.get(indicatorId);
        return s == null ? List.of() : List.copyOf(s.byScope.keySet());
    }

    /** The ids of the indicators that have at least one value, sorted. */
    public List<String> indicatorIds() {
        return indicators.keySet().stream().sorted().toList();
    }

    /** Whether the indicator has at least one value. */
    public boolean contains(String indicatorId) {
        return indicators.containsKey(indicatorId);
    }

    /** The number of values held (one per indicator, scope and window). */
    public long size() {
        return store.size();
    }

    /** Bytes of the history store's files on disk. */
    public long diskBytes() {
        return store.diskBytes();
    }

    // --- readiness and live updates ----------------------------------------------------------------

    /**
     * True once every partition has been read up to the end offset it had when the model started
     * (the last stable offset: {@code read_committed}). Stays true afterwards; a model that is caught up
     * serves the tables as they were at start-up at least.
     */
    public boolean isCaughtUp() {
        return replica == null || replica.catchUpReport() != null;
    }

    /** Waits until {@link #isCaughtUp()}; returns false on time-out. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return replica == null || replica.awaitReady(timeout);
    }

    /**
     * Waits until the model has applied everything committed to its tables before this call (the end offsets
     * of now, not of the start); false on time-out. What a caller that just wrote, or waited for a pipeline to
     * write, uses instead of sleeping.
     */
    public boolean awaitCurrentEndOffsets(Duration timeout) throws InterruptedException {
        return replica == null || replica.awaitCaughtUp(timeout);
    }

    /** One line for operators: what the model is doing, e.g. {@code caught up, 1234 values}. */
    public String status() {
        String s = replica != null ? replica.status() : closed ? "closed" : "caught up"; // in memory: caught up from the start
        return s.equals("caught up") ? "caught up, " + size() + " values" : s;
    }

    /**
     * Calls {@code listener} on the consumer thread with every value applied from now on, after it is
     * visible to queries — including the values read while catching up, so a listener that only wants
     * live changes checks {@link #isCaughtUp()}. Deletions (tombstones) are not delivered. A listener
     * must be quick and must not block: it delays every later record. One that throws is counted and
     * kept.
     */
    public Subscription onUpdate(Consumer<IndicatorValue> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    // --- the writer ---------------------------------------------------------------------------------

    /** Whether the latest record of this indicator and scope was marked as computed from simulated input. */
    public boolean isSimulated(String indicatorId, String scope) {
        ScopeState state = state(indicatorId, scope);
        return state != null && state.simulated;
    }

    /** Applies one value: it replaces whatever the model held for its indicator, scope and window. */
    void apply(IndicatorValue value) {
        apply(value, false);
    }

    /**
     * As {@link #apply(IndicatorValue)}, recording whether the value came from a simulated feed. A value that retention
     * has already expired (older than its grain's retention before the newest window of its series) is not stored
     * and not delivered to listeners.
     */
    void apply(IndicatorValue value, boolean simulated) {
        // The same few ids, scopes and units repeat in every value: keep one copy of each string.
        value.setIndicatorId(canonical(value.getIndicatorId()));
        value.setGoal(canonical(value.getGoal()));
        value.setScope(canonical(value.getScope()));
        value.setUnit(canonical(value.getUnit()));
        value.setTimeZone(canonical(value.getTimeZone()));

        Series series = indicators.computeIfAbsent(value.getIndicatorId(), id -> new Series());
        series.goal = value.getGoal();
        ScopeState state = series.byScope.computeIfAbsent(value.getScope(), s -> new ScopeState());
        Instant windowStart = value.getWindowStart();
        Duration windowLength = Duration.between(windowStart, value.getWindowEnd());
        if (retention.expired(windowStart, windowLength, state.newest)) {
            expired.increment();
            return;
        }
        IndicatorValue latest = state.latest;
        // Skips the store's look-up for the common cases: a revision of the latest window, a window after all others.
        store.put(value, latest != null && latest.getWindowStart().equals(windowStart) ? HistoryStore.Known.HELD
                : windowStart.isAfter(state.newest) ? HistoryStore.Known.NEW : HistoryStore.Known.UNKNOWN);
        if (latest == null || !windowStart.isBefore(latest.getWindowStart())) {
            state.latest = value;
        }
        state.simulated = simulated;
        Duration keep = retention.of(windowLength);
        if (!keep.isZero()) {
            if (state.shortestRetention.isZero() || keep.compareTo(state.shortestRetention) < 0) {
                state.shortestRetention = keep;
            }
            if (keep.compareTo(state.longestRetention) > 0) {
                state.longestRetention = keep;
            }
        }
        if (windowStart.isAfter(state.newest)) {
            state.newest = windowStart;
            purgeIfDue(value.getIndicatorId(), value.getScope(), state);
        }
        for (Consumer<IndicatorValue> listener : listeners) {
            try {
                listener.accept(value);
            } catch (RuntimeException e) {
                listenerFailures.increment();
                if (listenerFailureLogged.compareAndSet(false, true)) {
                    LOG.warn("An indicator update listener failed (further failures are only counted in {}): {}",
                            METRIC_LISTENER_FAILURES, e.toString(), e);
                }
            }
        }
    }

    /** Deletes one window (a tombstone); drops scopes and indicators left empty. */
    boolean remove(String indicatorId, String scope, Instant windowStart) {
        Series series = indicators.get(indicatorId);
        ScopeState state = series == null ? null : series.byScope.get(scope);
        if (state == null || !store.delete(indicatorId, scope, windowStart)) {
            return false;
        }
        IndicatorValue latest = state.latest;
        if (latest != null && latest.getWindowStart().equals(windowStart)) {
            state.latest = store.last(indicatorId, scope).orElse(null);
        }
        dropIfEmpty(series, indicatorId, scope, state);
        return true;
    }

    /**
     * Deletes the values of one series that retention has expired, once its newest window has moved
     * {@link #PURGE_STEP} since the last time: each purge scans only the windows a previous one has not already
     * cleared of finite-retention values.
     */
    private void purgeIfDue(String indicatorId, String scope, ScopeState state) {
        if (state.longestRetention.isZero() || state.newest.isBefore(state.purgedAt.plus(PURGE_STEP))) {
            return;
        }
        Instant newest = state.newest;
        int deleted = store.deleteWhere(indicatorId, scope, state.purgeFrom, newest.minus(state.shortestRetention),
                (windowStart, length) -> retention.expired(windowStart, length, newest));
        state.purgedAt = newest;
        state.purgeFrom = newest.minus(state.longestRetention);
        if (deleted > 0) {
            expired.increment(deleted);
            IndicatorValue latest = state.latest;
            if (latest != null && retention.expired(latest.getWindowStart(),
                    Duration.between(latest.getWindowStart(), latest.getWindowEnd()), newest)) {
                state.latest = store.last(indicatorId, scope).orElse(null);
            }
            dropIfEmpty(indicators.get(indicatorId), indicatorId, scope, state);
        }
    }

    private void dropIfEmpty(Series series, String indicatorId, String scope, ScopeState state) {
        if (state.latest == null && series != null) {
            series.byScope.remove(scope, state);
            if (series.byScope.isEmpty()) {
                indicators.remove(indicatorId, series);
            }
        }
    }

    /** Parses {@code indicatorId|scope|windowStart-ISO}; null when the key has another shape. */
    static RowKey parseKey(String key) {
        if (key == null) {
            return null;
        }
        int first = key.indexOf('|');
        int last = key.lastIndexOf('|');
        if (first <= 0 || last <= first + 1 || last == key.length() - 1) {
            return null;
        }
        try {
            Instant windowStart = OffsetDateTime.parse(key.substring(last + 1)).toInstant();
            return new RowKey(key.substring(0, first), key.substring(first + 1, last), windowStart);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    // --- what the replica applies -------------------------------------------------------------------

    private void handle(ConsumerRecord<String, IndicatorValue> r) {
        recordsCounter(r.topic()).increment();
        if (r.value() == null) {
            RowKey key = parseKey(r.key());
            if (key == null) {
                skip(SKIP_BAD_KEY, r.topic(), r.partition(), r.offset(),
                        "tombstone key is not indicatorId|scope|windowStart: '" + r.key() + "'");
            } else {
                remove(key.indicatorId(), key.scope(), key.windowStart());
            }
            return;
        }
        org.apache.kafka.common.header.Header feed = r.headers().lastHeader(FEED_HEADER);
        apply(r.value(), feed != null && feed.value() != null
                && SIMULATED_FEED.equals(new String(feed.value(), java.nio.charset.StandardCharsets.UTF_8)));
    }

    private void undecodable(ConsumerRecord<byte[], byte[]> r, RuntimeException e) {
        if (registryUnavailable(e)) {
            // Not the record's fault: fail the consumer so it restarts and re-reads this record.
            throw e;
        }
        recordsCounter(r.topic()).increment();
        skip(SKIP_UNDECODABLE, r.topic(), r.partition(), r.offset(), e.getMessage());
    }

    private static boolean registryUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SchemaRegistryException sre) {
                // 404 = the schema id does not exist: the record is bad. Anything else is the registry.
                return sre.httpStatus() != 404 && sre.httpStatus() / 100 != 4;
            }
        }
        return false;
    }

    private void skip(String reason, String topic, int partition, long offset, String why) {
        skippedCounter(reason).increment();
        if (skipLogged.computeIfAbsent(reason, k -> new AtomicBoolean()).compareAndSet(false, true)) {
            LOG.warn("Indicator read model skipped {}-{}@{} ({}): {}; further ones are only counted in "
                    + "pulse_publish_read_model_records_skipped_total{reason=\"{}\"}",
                    topic, partition, offset, reason, why, reason);
        }
    }

    // --- helpers ------------------------------------------------------------------------------------

    private String canonical(String s) {
        if (s == null) {
            return null;
        }
        String existing = canonicalStrings.putIfAbsent(s, s);
        return existing == null ? s : existing;
    }

    private ScopeState state(String indicatorId, String scope) {
        Series s = indicators.get(indicatorId);
        return s == null ? null : s.byScope.get(scope);
    }

    private static void collectLatest(Series s, Collection<IndicatorValue> out) {
        for (ScopeState state : s.byScope.values()) {
            IndicatorValue latest = state.latest;
            if (latest != null) {
                out.add(latest);
            }
        }
    }

    private Counter recordsCounter(String topic) {
        return recordsByTopic.computeIfAbsent(topic, t -> {
            Counter c = Counter.builder(METRIC_RECORDS).tag("topic", t)
                    .description("Indicator-table records read by the read model (values and tombstones)")
                    .register(registry);
            meters.add(c);
            return c;
        });
    }

    private Counter skippedCounter(String reason) {
        return skippedByReason.computeIfAbsent(reason, r -> {
            Counter c = Counter.builder(METRIC_SKIPPED).tag("reason", r)
                    .description("Indicator-table records the read model could not apply")
                    .register(registry);
            meters.add(c);
            return c;
        });
    }

    /** Stops the consumer thread (waits up to 10 s) and unregisters the model's meters. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (replica != null) {
            replica.close();
        }
        long held = size();
        store.close();
        meters.forEach(registry::remove);
        meters.clear();
        listeners.clear();
        if (replica != null) {
            LOG.info("Indicator read model stopped ({} values held)", held);
        }
    }

    @Override
    public String toString() {
        return "IndicatorReadModel[" + clientId + ", " + status() + "]";
    }
}
