package pl.krakow.pulse.publish;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.events.alerts.Alert;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.runtime.replica.CatchUpReport;
import pl.krakow.pulse.runtime.replica.ReplicaListener;
import pl.krakow.pulse.runtime.replica.RestartBackoff;
import pl.krakow.pulse.runtime.replica.TopicReplica;

/**
 * A replicated, in-memory copy of the alert episodes on {@code alerts.v1}, which the API's alert
 * list and the live stream answer from — the same design as {@link IndicatorReadModel}: a {@link TopicReplica}
 * (one consumer without a group that assigns every partition) reads from the beginning at start with
 * {@code read_committed}, so every publish instance holds every alert and answers alone; a failed consumer
 * restarts after {@link RestartBackoff#DEFAULT} from the record it stopped at.
 *
 * <p><b>Semantics.</b> One entry per {@code alertId} (one breach episode): the record read last wins,
 * i.e. an episode's state is the state of its latest record (RAISED → ESCALATED → CLEARED). The
 * alerting app keys records by {@code indicatorId|scope|family} so one episode's records stay in one
 * partition and in order; the same family's next episode has a new alertId and supersedes the one before
 * (see {@link #apply(String, Alert)}). A record that cannot be decoded is skipped and counted; tombstones are
 * ignored (the topic is compact-and-delete, so an episode may also simply age out of the topic).
 *
 * <p><b>Time and activity</b> are defined in {@link AlertEpisodes}: an episode is about the indicator window of
 * its latest record (event time), never its wall-clock stamps; it is <em>active</em> while it is neither CLEARED
 * nor RETRACTED and is the latest episode of its (indicator, scope, rule) series.
 */
public final class AlertReadModel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertReadModel.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    static final String METRIC_ALERTS = "pulse.publish.alerts";
    static final String METRIC_SKIPPED = "pulse.publish.alerts.records.skipped";

    /** The consumer side; null for an in-memory model fed through {@link #apply}. */
    private final TopicReplica<String, Alert> replica;
    private final MeterRegistry registry;
    private final String clientId;
    private final Map<String, Alert> byAlertId = new ConcurrentHashMap<>();
    /** The episode (alertId) last read under each record key (alert family). */
    private final Map<String, String> alertIdByKey = new ConcurrentHashMap<>();
    private final List<Consumer<Alert>> listeners = new CopyOnWriteArrayList<>();
    private final List<Meter> meters = new CopyOnWriteArrayList<>();
    private final Counter skipped;
    private final AtomicBoolean skipLogged = new AtomicBoolean();
    private volatile boolean closed;

    /** A model of {@code alerts.v1}; call {@link #start()}. */
    public AlertReadModel(KafkaClients clients, PulseSerdes serdes, PulseMetrics metrics) {
        this(Objects.requireNonNull(clients, "clients"), serdes.value(Alert.class).deserializer(), metrics.registry());
    }

    AlertReadModel(KafkaClients clients, Deserializer<Alert> deserializer, MeterRegistry registry) {
        int instance = INSTANCES.incrementAndGet();
        this.clientId = (clients == null ? "pulse" : clients.config().get(PlatformConfig.APPLICATION_ID_PREFIX))
                + "-publish-alerts" + (instance == 1 ? "" : "-" + instance);
        this.registry = Objects.requireNonNull(registry, "registry");
        this.replica = clients == null ? null : TopicReplica.builder(clientId, clients.consumer(clientId, null),
                        List.of(Topics.ALERTS.name()), new StringDeserializer(), deserializer)
                .listener(new ReplicaListener<>() {
                    @Override
                    public void apply(ConsumerRecord<String, Alert> r) {
                        if (r.value() != null) { // tombstones: see the class comment
                            AlertReadModel.this.apply(r.key(), r.value());
                        }
                    }

                    @Override
                    public void caughtUp(CatchUpReport report) {
                        LOG.info("Alert read model caught up: {} alert episodes", size());
                    }
                })
                .undecodable(this::skip)
                .restartBackoff(RestartBackoff.DEFAULT)
                .build();
        meters.add(Gauge.builder(METRIC_ALERTS, this, m -> m.active().size()).tag("state", "active")
                .description("Alert episodes held by the publish read model").register(registry));
        meters.add(Gauge.builder(METRIC_ALERTS, byAlertId, Map::size).tag("state", "all")
                .description("Alert episodes held by the publish read model").register(registry));
        skipped = Counter.builder(METRIC_SKIPPED).description("alerts.v1 records that could not be decoded")
                .register(registry);
        meters.add(skipped);
    }

    /** A model fed only through {@link #apply}; caught up from the start. For tests. */
    static AlertReadModel inMemory(PulseMetrics metrics) {
        return new AlertReadModel(null, null, metrics.registry());
    }

    public synchronized AlertReadModel start() {
        if (replica == null) {
            return this;
        }
        if (closed) {
            throw new IllegalStateException("this alert model was closed");
        }
        replica.start();
        return this;
    }

    // --- queries --------------------------------------------------------------------------------

    /** A snapshot of every episode held (the latest of each alert family on the topic), in no order. */
    public List<Alert> episodes() {
        return List.copyOf(byAlertId.values());
    }

    /** The active episodes ({@link AlertEpisodes}: open and the latest of their series), latest window first. */
    public List<Alert> active() {
        return AlertEpisodes.active(episodes());
    }

    /** Every episode held, latest window first. */
    public List<Alert> all() {
        return AlertEpisodes.sorted(episodes());
    }

    /**
     * Every episode whose latest record is about an indicator window overlapping {@code [from, to)}, latest window
     * first. Event time: a replay of 2017 data lists under 2017, whenever it ran.
     */
    public List<Alert> concerning(Instant fromInclusive, Instant toExclusive) {
        return AlertEpisodes.concerning(episodes(), fromInclusive, toExclusive);
    }

    /** Whether {@code a} is active given the episodes held now ({@link AlertEpisodes}). */
    public boolean isActive(Alert a) {
        return AlertEpisodes.isActive(a, episodes());
    }

    public int size() {
        return byAlertId.size();
    }

    /** True once {@code alerts.v1} was read up to the end offsets it had when the model started; stays true. */
    public boolean isCaughtUp() {
        return replica == null || replica.catchUpReport() != null;
    }

    /** Waits until {@link #isCaughtUp()}; false on time-out. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return replica == null || replica.awaitReady(timeout);
    }

    /** Waits until the model has applied everything committed to {@code alerts.v1} before this call; false on time-out. */
    public boolean awaitCurrentEndOffsets(Duration timeout) throws InterruptedException {
        return replica == null || replica.awaitCaughtUp(timeout);
    }

    public String status() {
        if (replica == null) {
            return closed ? "closed" : "in memory";
        }
        String s = replica.status();
        return s.equals("caught up") ? "caught up, " + size() + " alert episodes" : s;
    }

    /** Every applied alert record, on the consumer thread, after it is visible. Must not block. */
    public IndicatorReadModel.Subscription onUpdate(Consumer<Alert> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return () -> listeners.remove(listener);
    }

    /** Applies one alert record: it replaces what the model held for its alertId. */
    void apply(Alert alert) {
        apply(null, alert);
    }

    /**
     * Applies one alert record read under {@code key} (the alert family, {@code indicatorId|scope|family}).
     * A record of another episode under the same key supersedes the one held before: {@code alerts.v1} is
     * compacted, so an instance started later sees only the key's latest episode, and an instance that read
     * both must answer the same (multi-instance consistency), so the superseded episode is dropped.
     */
    void apply(String key, Alert alert) {
        if (key != null) {
            String previous = alertIdByKey.put(key, alert.getAlertId());
            if (previous != null && !previous.equals(alert.getAlertId())) {
                byAlertId.remove(previous);
            }
        }
        byAlertId.put(alert.getAlertId(), alert);
        for (Consumer<Alert> l : listeners) {
            try {
                l.accept(alert);
            } catch (RuntimeException e) {
                LOG.warn("An alert listener failed: {}", e.toString());
            }
        }
    }

    private void skip(ConsumerRecord<byte[], byte[]> r, RuntimeException e) {
        skipped.increment();
        if (skipLogged.compareAndSet(false, true)) {
            LOG.warn("Alert read model skipped {}-{}@{}: {} (further ones only counted)",
                    r.topic(), r.partition(), r.offset(), e.getMessage());
        }
    }

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
        listeners.clear();
    }
}
