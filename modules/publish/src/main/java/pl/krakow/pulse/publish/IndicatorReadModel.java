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
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 * A replicated, in-memory copy of the indicator tables ({@code indicators.iv3.v1}, {@code iv4},
 * {@code iv5}), which the API answers from.
 *
 * <p><b>Replicated, not partitioned.</b> A {@link TopicReplica} (one background consumer that
 * {@code assign}s every partition of the tables — no consumer group, no committed offsets) reads them from
 * the beginning at every start and applies each record here. Each instance of {@code publish} therefore holds the whole table and can
 * answer any query alone: instances scale out behind a plain load balancer, with no forwarding
 * between them. The tables are small (one row per indicator, scope and window) and compacted, so a
 * full copy per instance costs little memory and a restart replays in seconds.
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
 *
 * <p><b>Threads.</b> One writer (the consumer thread, or {@link #apply} in tests); any number of
 * readers. Reads see each value atomically and never block the writer; a query that spans several
 * windows is weakly consistent (it may or may not include a value applied while it runs). Values
 * returned are the instances the model holds: treat them as read-only.
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

    /** One indicator: its goal and, per scope, window start → latest value. */
    private static final class Series {
        volatile String goal;
        final ConcurrentSkipListMap<String, ConcurrentSkipListMap<Instant, IndicatorValue>> byScope =
                new ConcurrentSkipListMap<>();
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
    /** indicatorId|scope of series whose latest value came from a simulated feed. */
    private final Set<String> simulatedSeries = ConcurrentHashMap.newKeySet();
    private final AtomicLong valuesHeld = new AtomicLong();
    private final List<Consumer<IndicatorValue>> listeners = new CopyOnWriteArrayList<>();

    private final List<Meter> meters = new CopyOnWriteArrayList<>();
    private final Map<String, Counter> recordsByTopic = new ConcurrentHashMap<>();
    private final Map<String, Counter> skippedByReason = new ConcurrentHashMap<>();
    private final Map<String, AtomicBoolean> skipLogged = new ConcurrentHashMap<>();
    private final Counter listenerFailures;
    private final AtomicBoolean listenerFailureLogged = new AtomicBoolean();

    private volatile boolean closed;

    /** A read model of the three indicator tables ({@link #INDICATOR_TABLES}); call {@link #start()}. */
    public IndicatorReadModel(KafkaClients clients, PulseSerdes serdes, PulseMetrics metrics) {
        this(clients, serdes, metrics, INDICATOR_TABLES);
    }

    /** A read model of the given indicator tables; call {@link #start()}. */
    public IndicatorReadModel(KafkaClients clients, PulseSerdes serdes, PulseMetrics metrics,
                              List<TopicSpec<IndicatorValue>> topics) {
        this(Objects.requireNonNull(clients, "clients"), serdes.value(IndicatorValue.class).deserializer(),
                metrics.registry(), topics);
    }

    /** With a given value deserializer (tests); {@code clients == null} makes an in-memory model. */
    IndicatorReadModel(KafkaClients clients, Deserializer<IndicatorValue> valueDeserializer,
                               MeterRegistry registry, List<TopicSpec<IndicatorValue>> topics) {
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

        meters.add(Gauge.builder(METRIC_VALUES, valuesHeld, AtomicLong::get).strongReference(true)
                .description("Indicator values held by the read model (one per indicator, scope and window)")
                .register(registry));
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

    /** A model with no consumer, fed only through {@link #apply}; caught up from the start. For tests. */
    static IndicatorReadModel inMemory(PulseMetrics metrics) {
        return new IndicatorReadModel(null, null, metrics.registry(), INDICATOR_TABLES);
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

    /** The latest value (latest window start) of one indicator and scope. */
    public Optional<IndicatorValue> latest(String indicatorId, String scope) {
        NavigableMap<Instant, IndicatorValue> windows = windows(indicatorId, scope);
        if (windows == null) {
            return Optional.empty();
        }
        Map.Entry<Instant, IndicatorValue> last = windows.lastEntry();
        return last == null ? Optional.empty() : Optional.of(last.getValue());
    }

    /**
     * The values of one indicator and scope whose window start lies in {@code [fromInclusive, toExclusive)},
     * by window start. Cost: a sub-map view of a sorted map, copied once.
     */
    public List<IndicatorValue> history(String indicatorId, String scope, Instant fromInclusive, Instant toExclusive) {
        if (fromInclusive.isAfter(toExclusive)) {
            throw new IllegalArgumentException("from " + fromInclusive + " is after to " + toExclusive);
        }
        ConcurrentSkipListMap<Instant, IndicatorValue> windows = windows(indicatorId, scope);
        if (windows == null) {
            return List.of();
        }
        ConcurrentNavigableMap<Instant, IndicatorValue> range = windows.subMap(fromInclusive, true, toExclusive, false);
        return List.copyOf(range.values());
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
        return valuesHeld.get();
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

    /** Whether the latest value of this indicator and scope was marked as computed from simulated input. */
    public boolean isSimulated(String indicatorId, String scope) {
        return simulatedSeries.contains(indicatorId + '|' + scope);
    }

    /** Applies one value: it replaces whatever the model held for its indicator, scope and window. */
    void apply(IndicatorValue value) {
        apply(value, false);
    }

    /** As {@link #apply(IndicatorValue)}, recording whether the value came from a simulated feed. */
    void apply(IndicatorValue value, boolean simulated) {
        String seriesKey = value.getIndicatorId() + '|' + value.getScope();
        if (simulated) {
            simulatedSeries.add(seriesKey);
        } else {
            simulatedSeries.remove(seriesKey);
        }
        // The same few ids, scopes and units repeat in every value: keep one copy of each string.
        value.setIndicatorId(canonical(value.getIndicatorId()));
        value.setGoal(canonical(value.getGoal()));
        value.setScope(canonical(value.getScope()));
        value.setUnit(canonical(value.getUnit()));
        value.setTimeZone(canonical(value.getTimeZone()));

        Series series = indicators.computeIfAbsent(value.getIndicatorId(), id -> new Series());
        series.goal = value.getGoal();
        ConcurrentSkipListMap<Instant, IndicatorValue> windows =
                series.byScope.computeIfAbsent(value.getScope(), s -> new ConcurrentSkipListMap<>());
        if (windows.put(value.getWindowStart(), value) == null) {
            valuesHeld.incrementAndGet();
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
        if (series == null) {
            return false;
        }
        ConcurrentSkipListMap<Instant, IndicatorValue> windows = series.byScope.get(scope);
        if (windows == null || windows.remove(windowStart) == null) {
            return false;
        }
        valuesHeld.decrementAndGet();
        if (windows.isEmpty()) {
            series.byScope.remove(scope, windows);
            if (series.byScope.isEmpty()) {
                indicators.remove(indicatorId, series);
            }
        }
        return true;
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

    private ConcurrentSkipListMap<Instant, IndicatorValue> windows(String indicatorId, String scope) {
        Series s = indicators.get(indicatorId);
        return s == null ? null : s.byScope.get(scope);
    }

    private static void collectLatest(Series s, Collection<IndicatorValue> out) {
        for (ConcurrentSkipListMap<Instant, IndicatorValue> windows : s.byScope.values()) {
            Map.Entry<Instant, IndicatorValue> last = windows.lastEntry();
            if (last != null) {
                out.add(last.getValue());
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
        meters.forEach(registry::remove);
        meters.clear();
        listeners.clear();
        if (replica != null) {
            LOG.info("Indicator read model stopped ({} values held)", size());
        }
    }

    @Override
    public String toString() {
        return "IndicatorReadModel[" + clientId + ", " + status() + "]";
    }
}
