package pl.krakow.pulse.runtime.replica;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.runtime.service.Service;

/**
 * A replica of one or more (usually compacted) topics: one background consumer thread that {@code assign}s every
 * partition — no consumer group, no committed offsets — reads them from the beginning, decodes each record with
 * the given deserializers and applies it, value or tombstone, to its {@link ReplicaListener}s. Whatever the
 * listeners build (a map, a read model) is the replica's state; the replica only owns the reading.
 *
 * <p><b>Caught up.</b> When reading begins the replica takes the end offsets of every partition; it is caught up
 * ({@link #isReady()}, {@link #awaitReady}) once its position in every partition has reached them, and stays so.
 * That logs one {@link CatchUpReport} (records, time, lag at start). {@link #awaitCaughtUp} asks the stronger,
 * repeatable question: it fetches the end offsets <em>now</em> and waits until the replica's positions reach
 * them, i.e. until everything committed before the call has been applied — what a test waits for instead of
 * sleeping. Offsets are those of the given consumer configuration's isolation level: with
 * {@code read_committed} (what {@code KafkaClients.consumer} sets) the end is the last stable offset, records of
 * aborted transactions are never applied, and a position passes transaction markers.
 *
 * <p><b>Failures.</b> A consumer that throws (a broker error, an {@link UndecodableRecords} policy that fails, a
 * listener that throws) is closed and recreated after its {@link RestartBackoff}; the new one resumes every
 * partition at the position after the last record applied, so no record is skipped and none applied twice.
 * After {@link RestartBackoff#maxRestarts()} consecutive failures the thread gives up: {@link #health()} is
 * DOWN and {@link #failure()} says why. Topics that do not exist yet are waited for (checked every second).
 *
 * <p><b>Threads.</b> Listeners (fixed when built) run on the replica's one thread, in order; every other method may
 * be called from any thread.
 */
public final class TopicReplica<K, V> implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(TopicReplica.class);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration TOPIC_RETRY = Duration.ofSeconds(1);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final Map<String, Object> consumerConfig;
    private final List<String> topics;
    private final Deserializer<K> keyDeserializer;
    private final Deserializer<V> valueDeserializer;
    private final UndecodableRecords undecodable;
    private final RestartBackoff backoff;
    private final Duration pollTimeout;
    private final MeterRegistry clientMetrics;
    private final List<ReplicaListener<K, V>> listeners;

    private final CountDownLatch caughtUpLatch = new CountDownLatch(1);
    private final CountDownLatch stoppedLatch = new CountDownLatch(1);
    /** Position (next offset to read) per partition, as of the last completed poll. Guarded by itself for waits. */
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    /** awaitCaughtUp requests: the consumer thread completes each with the end offsets it fetched. */
    private final Queue<CompletableFuture<Map<TopicPartition, Long>>> endOffsetRequests = new ConcurrentLinkedQueue<>();
    private volatile boolean caughtUp;
    private volatile boolean closing;
    private volatile Throwable failure;
    private volatile String state = "not started";
    private volatile CatchUpReport report;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    // Consumer-thread state.
    private final Map<TopicPartition, Long> resumeAt = new HashMap<>();
    private Map<TopicPartition, Long> behindAtStart;
    private long offsetsBehindAtStart;
    private long startedNanos;
    private long recordsApplied;
    private int consecutiveFailures;

    private TopicReplica(Builder<K, V> b) {
        this.name = b.name;
        Map<String, Object> config = new HashMap<>(b.consumerConfig);
        // A replica reads every partition itself: a group would split them across instances and commit offsets.
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, b.name);
        this.consumerConfig = Map.copyOf(config);
        this.topics = List.copyOf(b.topics);
        this.keyDeserializer = b.keyDeserializer;
        this.valueDeserializer = b.valueDeserializer;
        this.undecodable = b.undecodable;
        this.backoff = b.backoff;
        this.pollTimeout = b.pollTimeout;
        this.clientMetrics = b.clientMetrics;
        this.listeners = List.copyOf(b.listeners);
    }

    /**
     * A replica named {@code name} (thread name, logs) reading {@code topics} with a consumer built from
     * {@code consumerConfig} (its {@code group.id}, if any, is dropped).
     */
    public static <K, V> Builder<K, V> builder(String name, Map<String, Object> consumerConfig, Collection<String> topics,
                                               Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        return new Builder<>(name, consumerConfig, topics, keyDeserializer, valueDeserializer);
    }

    /**
     * Reads {@code topics} once from the beginning up to the end offsets they have when reading begins, applying
     * every record to {@code listener} on the calling thread's behalf, and returns when done. No restart: a
     * failure (an undecodable record, a listener that throws) is thrown.
     *
     * @throws IllegalStateException when the topics cannot be read to their end within {@code timeout} (e.g. a
     *                               topic does not exist) or reading failed
     */
    public static <K, V> CatchUpReport readToEnd(String name, Map<String, Object> consumerConfig, Collection<String> topics,
                                                 Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer,
                                                 ReplicaListener<K, V> listener, Duration timeout) {
        try (TopicReplica<K, V> replica = builder(name, consumerConfig, topics, keyDeserializer, valueDeserializer)
                .listener(listener).restartBackoff(RestartBackoff.none()).pollTimeout(Duration.ofMillis(100)).build()) {
            replica.start();
            boolean done = replica.awaitReady(timeout);
            if (replica.failure() != null) {
                throw new IllegalStateException("reading " + topics + " failed: " + replica.failure(), replica.failure());
            }
            if (!done) {
                throw new IllegalStateException("could not read " + topics + " to their end within " + timeout + " ("
                        + replica.status() + ")");
            }
            return replica.catchUpReport();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + topics, e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    /** Starts the consumer thread; returns at once. */
    @Override
    public synchronized void start() {
        if (closing) {
            throw new IllegalStateException("replica " + name + " was closed");
        }
        if (thread == null) {
            startedNanos = System.nanoTime();
            state = "starting";
            thread = new Thread(this::run, name);
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** True once caught up with the end offsets taken when reading began (see the class comment), unless it died. */
    @Override
    public boolean isReady() {
        return caughtUp && failure == null;
    }

    /** DOWN once the consumer thread gave up (more consecutive failures than its backoff allows). */
    @Override
    public Health health() {
        return failure == null ? Health.UP : Health.DOWN;
    }

    /** The error the consumer thread gave up on; null while it runs. */
    public Throwable failure() {
        return failure;
    }

    /** Waits until caught up with the end offsets taken when reading began; false on time-out or when it died. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!caughtUpLatch.await(Math.min(100, remainingMillis(deadline)), TimeUnit.MILLISECONDS)) {
            if (failure != null || System.nanoTime() >= deadline) {
                return false;
            }
        }
        return true;
    }

    /**
     * Fetches the end offsets of every partition now and waits until the replica has read up to them: true once
     * everything committed before this call has been applied; false on time-out or when the replica died.
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (failure != null) {
            return false;
        }
        CompletableFuture<Map<TopicPartition, Long>> request = new CompletableFuture<>();
        endOffsetRequests.add(request);
        if (failure != null || closing) {
            request.cancel(false); // the thread may have drained the queue before the add
        }
        Map<TopicPartition, Long> target;
        try {
            target = request.get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException | java.util.concurrent.CancellationException e) {
            endOffsetRequests.remove(request);
            return false;
        }
        synchronized (positions) {
            while (!reached(target)) {
                long wait = remainingMillis(deadline);
                if (wait <= 0 || failure != null || closing) {
                    return false;
                }
                positions.wait(Math.min(wait, 100));
            }
        }
        return true;
    }

    /** The next offset to read per partition (a snapshot). */
    public Map<TopicPartition, Long> positions() {
        return Map.copyOf(positions);
    }

    /** How the replica first caught up; null before. */
    public CatchUpReport catchUpReport() {
        return report;
    }

    /** One line for operators, e.g. {@code caught up} or {@code waiting for topics [alerts.v1]}. */
    public String status() {
        return state;
    }

    // --- the consumer thread ------------------------------------------------------------------------

    private void run() {
        while (!closing) {
            try (KafkaConsumer<byte[], byte[]> c =
                         new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                 KafkaClientMetrics metrics = clientMetrics == null ? null : new KafkaClientMetrics(c)) {
                if (metrics != null) {
                    metrics.bindTo(clientMetrics);
                }
                consumer = c;
                if (closing) {
                    break; // close() ran before the consumer could be woken up
                }
                consume(c);
            } catch (WakeupException e) {
                // close() woke the consumer up
            } catch (InterruptException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                if (closing) {
                    break;
                }
                consecutiveFailures++;
                if (!backoff.restartsAfter(consecutiveFailures)) {
                    failure = e;
                    state = "failed (" + e.getMessage() + ")";
                    LOG.error("Replica {} of {} failed {} times in a row; giving up", name, topics, consecutiveFailures, e);
                    break;
                }
                Duration rest = backoff.delay(consecutiveFailures);
                state = "consumer failed (" + e.getMessage() + "); restarting in " + rest.toMillis() + " ms";
                LOG.error("Replica {} of {} failed; restarting it in {} ms from the positions already applied",
                        name, topics, rest.toMillis(), e);
                try {
                    stoppedLatch.await(rest.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            } finally {
                consumer = null;
            }
        }
        if (failure == null) {
            state = "closed";
        }
        CompletableFuture<Map<TopicPartition, Long>> pending;
        while ((pending = endOffsetRequests.poll()) != null) {
            pending.cancel(false);
        }
        synchronized (positions) {
            positions.notifyAll();
        }
    }

    private void consume(KafkaConsumer<byte[], byte[]> c) {
        List<TopicPartition> partitions = awaitPartitions(c);
        if (partitions == null) {
            return;
        }
        c.assign(partitions);
        List<TopicPartition> fromBeginning = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            Long next = resumeAt.get(tp);
            if (next == null) {
                fromBeginning.add(tp);
            } else {
                c.seek(tp, next);
            }
        }
        if (!fromBeginning.isEmpty()) {
            // Never with an empty list: KafkaConsumer.seekToBeginning(empty) rewinds every assigned partition.
            c.seekToBeginning(fromBeginning);
        }
        if (behindAtStart == null) {
            behindAtStart = new HashMap<>(c.endOffsets(partitions));
            Map<TopicPartition, Long> beginning = c.beginningOffsets(partitions);
            offsetsBehindAtStart = behindAtStart.entrySet().stream()
                    .mapToLong(e -> e.getValue() - beginning.getOrDefault(e.getKey(), 0L)).sum();
            LOG.debug("Replica {} reading {} partitions of {} from the beginning ({} offsets behind)", name, partitions.size(),
                    topics, offsetsBehindAtStart);
        } else if (caughtUp) {
            LOG.info("Replica {} consumer restarted; resuming {}", name, topics);
        }
        state = caughtUp ? "caught up" : "catching up";
        while (!closing) {
            ConsumerRecords<byte[], byte[]> records = c.poll(pollTimeout);
            for (ConsumerRecord<byte[], byte[]> raw : records) {
                ConsumerRecord<K, V> decoded = decode(raw);
                if (decoded != null) {
                    for (ReplicaListener<K, V> listener : listeners) {
                        listener.apply(decoded);
                    }
                }
                resumeAt.put(new TopicPartition(raw.topic(), raw.partition()), raw.offset() + 1);
                recordsApplied++;
            }
            consecutiveFailures = 0;
            synchronized (positions) {
                for (TopicPartition tp : partitions) {
                    long position = c.position(tp);
                    positions.put(tp, position);
                    // Past transaction markers too, so a restart does not wait on them again.
                    resumeAt.put(tp, position);
                }
                positions.notifyAll();
            }
            if (!caughtUp) {
                checkCaughtUp();
            }
            serveEndOffsetRequests(c, partitions);
        }
    }

    /** The record decoded, or null when {@link #undecodable} chose to skip it. */
    private ConsumerRecord<K, V> decode(ConsumerRecord<byte[], byte[]> raw) {
        K key;
        V value;
        try {
            key = raw.key() == null ? null : keyDeserializer.deserialize(raw.topic(), raw.headers(), raw.key());
            value = raw.value() == null ? null : valueDeserializer.deserialize(raw.topic(), raw.headers(), raw.value());
            if (raw.value() != null && value == null) {
                throw new SerializationException("value decoded to null");
            }
        } catch (RuntimeException e) {
            undecodable.handle(raw, e);
            return null;
        }
        return new ConsumerRecord<>(raw.topic(), raw.partition(), raw.offset(), raw.timestamp(), raw.timestampType(),
                raw.serializedKeySize(), raw.serializedValueSize(), key, value, raw.headers(), raw.leaderEpoch());
    }

    private void checkCaughtUp() {
        behindAtStart.entrySet().removeIf(e -> positions.getOrDefault(e.getKey(), 0L) >= e.getValue());
        if (!behindAtStart.isEmpty()) {
            state = "catching up (" + behindAtStart.size() + " partitions behind)";
            return;
        }
        CatchUpReport done = new CatchUpReport(Duration.ofNanos(System.nanoTime() - startedNanos), recordsApplied,
                offsetsBehindAtStart, positions.size());
        LOG.info("Replica {} of {} caught up: {}", name, topics, done);
        for (ReplicaListener<K, V> listener : listeners) {
            listener.caughtUp(done);
        }
        // Ready only after the listeners heard of it: a caller of awaitReady sees what they did then.
        report = done;
        caughtUp = true;
        state = "caught up";
        caughtUpLatch.countDown();
    }

    private void serveEndOffsetRequests(KafkaConsumer<byte[], byte[]> c, List<TopicPartition> partitions) {
        if (endOffsetRequests.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> end = c.endOffsets(partitions);
        CompletableFuture<Map<TopicPartition, Long>> request;
        while ((request = endOffsetRequests.poll()) != null) {
            request.complete(end);
        }
    }

    /** Waits until every topic exists; null when closing. */
    private List<TopicPartition> awaitPartitions(KafkaConsumer<byte[], byte[]> c) {
        boolean logged = false;
        while (!closing) {
            List<TopicPartition> partitions = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String topic : topics) {
                List<PartitionInfo> infos = c.partitionsFor(topic, METADATA_TIMEOUT);
                if (infos == null || infos.isEmpty()) {
                    missing.add(topic);
                } else {
                    infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
                }
            }
            if (missing.isEmpty()) {
                return partitions;
            }
            state = "waiting for topics " + missing;
            if (!logged) {
                LOG.info("Replica {} waiting for topics {} to exist", name, missing);
                logged = true;
            }
            try {
                stoppedLatch.await(TOPIC_RETRY.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    private boolean reached(Map<TopicPartition, Long> target) {
        for (Map.Entry<TopicPartition, Long> e : target.entrySet()) {
            if (positions.getOrDefault(e.getKey(), 0L) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static long remainingMillis(long deadlineNanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    /** Stops the consumer thread (waits up to 10 s). Idempotent. */
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
        stoppedLatch.countDown();
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (t != null) {
            try {
                t.join(CLOSE_TIMEOUT.toMillis());
                if (t.isAlive()) {
                    LOG.warn("Replica {} consumer did not stop within {} s", name, CLOSE_TIMEOUT.toSeconds());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure == null) {
            state = "closed";
        }
    }

    @Override
    public String toString() {
        return "TopicReplica[" + name + " of " + topics + ", " + state + "]";
    }

    /** Options of a {@link TopicReplica}; only the constructor arguments of {@link #builder} are required. */
    public static final class Builder<K, V> {
        private final String name;
        private final Map<String, Object> consumerConfig;
        private final List<String> topics;
        private final Deserializer<K> keyDeserializer;
        private final Deserializer<V> valueDeserializer;
        private final List<ReplicaListener<K, V>> listeners = new ArrayList<>();
        private UndecodableRecords undecodable = UndecodableRecords.FAIL;
        private RestartBackoff backoff = RestartBackoff.DEFAULT;
        private Duration pollTimeout = Duration.ofMillis(200);
        private MeterRegistry clientMetrics;

        private Builder(String name, Map<String, Object> consumerConfig, Collection<String> topics,
                        Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
            this.name = Objects.requireNonNull(name, "name");
            this.consumerConfig = Objects.requireNonNull(consumerConfig, "consumerConfig");
            this.topics = List.copyOf(topics);
            if (this.topics.isEmpty()) {
                throw new IllegalArgumentException("a replica needs at least one topic");
            }
            this.keyDeserializer = Objects.requireNonNull(keyDeserializer, "keyDeserializer");
            this.valueDeserializer = Objects.requireNonNull(valueDeserializer, "valueDeserializer");
        }

        /** A listener every record is applied to, from the first record on. */
        public Builder<K, V> listener(ReplicaListener<K, V> listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** What to do with a record that cannot be decoded; default {@link UndecodableRecords#FAIL}. */
        public Builder<K, V> undecodable(UndecodableRecords policy) {
            this.undecodable = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** When to restart a failed consumer; default {@link RestartBackoff#DEFAULT}. */
        public Builder<K, V> restartBackoff(RestartBackoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /** How long one poll waits for records; also how soon an {@link #awaitCaughtUp} request is served. */
        public Builder<K, V> pollTimeout(Duration timeout) {
            this.pollTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Binds the consumer's own metrics (fetch lag, rates) to {@code registry}; none by default. */
        public Builder<K, V> clientMetrics(MeterRegistry registry) {
            this.clientMetrics = registry;
            return this;
        }

        public TopicReplica<K, V> build() {
            return new TopicReplica<>(this);
        }
    }
}
