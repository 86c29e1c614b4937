package pl.krakow.pulse.publish;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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

/**
 * A replicated, in-memory copy of the alert episodes on {@code alerts.v1}, which the API's alert
 * list and the live stream answer from — the same design as {@link IndicatorReadModel}: one consumer
 * without a group that assigns every partition, reads from the beginning at start with
 * {@code read_committed}, so every publish instance holds every alert and answers alone.
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
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration RESTART_BACKOFF = Duration.ofSeconds(5);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    static final String METRIC_ALERTS = "pulse.publish.alerts";
    static final String METRIC_SKIPPED = "pulse.publish.alerts.records.skipped";

    private final Map<String, Object> consumerConfig;
    private final Deserializer<Alert> deserializer;
    private final String topic;
    private final MeterRegistry registry;
    private final String clientId;
    private final Map<String, Alert> byAlertId = new ConcurrentHashMap<>();
    /** The episode (alertId) last read under each record key (alert family). */
    private final Map<String, String> alertIdByKey = new ConcurrentHashMap<>();
    private final List<Consumer<Alert>> listeners = new CopyOnWriteArrayList<>();
    private final List<Meter> meters = new ArrayList<>();
    private final Counter skipped;
    private final AtomicBoolean skipLogged = new AtomicBoolean();
    private final CountDownLatch caughtUpLatch = new CountDownLatch(1);
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private volatile boolean caughtUp;
    private volatile boolean closing;
    private volatile String state;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;
    private final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
    private Map<TopicPartition, Long> behindAtStart;

    /** A model of {@code alerts.v1}; call {@link #start()}. */
    public AlertReadModel(KafkaClients clients, PulseSerdes serdes, PulseMetrics metrics) {
        this(Objects.requireNonNull(clients, "clients"), serdes.value(Alert.class).deserializer(), metrics.registry());
    }

    AlertReadModel(KafkaClients clients, Deserializer<Alert> deserializer, MeterRegistry registry) {
        int instance = INSTANCES.incrementAndGet();
        this.clientId = (clients == null ? "pulse" : clients.config().get(PlatformConfig.APPLICATION_ID_PREFIX))
                + "-publish-alerts" + (instance == 1 ? "" : "-" + instance);
        this.consumerConfig = clients == null ? null : clients.consumer(clientId, null);
        this.deserializer = deserializer;
        this.topic = Topics.ALERTS.name();
        this.registry = Objects.requireNonNull(registry, "registry");
        this.state = clients == null ? "in memory" : "not started";
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
        AlertReadModel m = new AlertReadModel(null, null, metrics.registry());
        m.caughtUp = true;
        m.caughtUpLatch.countDown();
        return m;
    }

    public synchronized AlertReadModel start() {
        if (consumerConfig == null || thread != null) {
            return this;
        }
        if (closing) {
            throw new IllegalStateException("this alert model was closed");
        }
        thread = new Thread(this::run, clientId);
        thread.setDaemon(true);
        thread.start();
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

    public boolean isCaughtUp() {
        return caughtUp;
    }

    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUpLatch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public String status() {
        String s = state;
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

    // --- the consumer thread ------------------------------------------------------------------------

    private void run() {
        while (!closing) {
            try (KafkaConsumer<String, byte[]> c =
                         new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer())) {
                consumer = c;
                if (closing) {
                    break;
                }
                consume(c);
            } catch (WakeupException e) {
                // close()
            } catch (InterruptException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                if (closing) {
                    break;
                }
                state = "consumer failed (" + e.getMessage() + "); restarting";
                LOG.error("Alert read model consumer failed; restarting in {} s", RESTART_BACKOFF.toSeconds(), e);
                try {
                    closedLatch.await(RESTART_BACKOFF.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            } finally {
                consumer = null;
            }
        }
        state = "closed";
    }

    private void consume(KafkaConsumer<String, byte[]> c) throws InterruptException {
        List<TopicPartition> partitions = List.of();
        while (!closing && partitions.isEmpty()) {
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(5));
            partitions = infos == null ? List.of()
                    : infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (partitions.isEmpty()) {
                state = "waiting for topic " + topic;
                try {
                    closedLatch.await(RETRY.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        if (closing) {
            return;
        }
        c.assign(partitions);
        List<TopicPartition> fromBeginning = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            Long next = nextOffsets.get(tp);
            if (next == null) {
                fromBeginning.add(tp);
            } else {
                c.seek(tp, next);
            }
        }
        c.seekToBeginning(fromBeginning);
        if (!caughtUp && behindAtStart == null) {
            behindAtStart = new HashMap<>(c.endOffsets(partitions));
        }
        state = caughtUp ? "caught up" : "catching up";
        while (!closing) {
            for (ConsumerRecord<String, byte[]> r : c.poll(POLL_TIMEOUT)) {
                if (r.value() != null) {
                    try {
                        Alert a = deserializer.deserialize(r.topic(), r.headers(), r.value());
                        if (a != null) {
                            apply(r.key(), a);
                        }
                    } catch (RuntimeException e) {
                        skipped.increment();
                        if (skipLogged.compareAndSet(false, true)) {
                            LOG.warn("Alert read model skipped {}-{}@{}: {} (further ones only counted)",
                                    r.topic(), r.partition(), r.offset(), e.getMessage());
                        }
                    }
                }
                nextOffsets.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
            }
            if (!caughtUp) {
                behindAtStart.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
                if (behindAtStart.isEmpty()) {
                    caughtUp = true;
                    state = "caught up";
                    caughtUpLatch.countDown();
                    LOG.info("Alert read model caught up: {} alert episodes", size());
                }
            }
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
            t = thread;
        }
        closedLatch.countDown();
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (t != null) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        meters.forEach(registry::remove);
        listeners.clear();
        state = "closed";
    }
}
