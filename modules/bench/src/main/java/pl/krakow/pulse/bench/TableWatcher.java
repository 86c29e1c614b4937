package pl.krakow.pulse.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.TopicSpec;

/**
 * Reads an indicator table the way an analyst would ({@code read_committed}, so an update counts only
 * once its exactly-once transaction is committed and visible) on its own thread, and tells when an
 * {@link Expectation} is met: every expected window shows its expected {@code observedCount}, and — when
 * asked — at least a number of PROVISIONAL updates arrived.
 *
 * <p>When a {@link LatencyRecorder} is set, every PROVISIONAL update is recorded with the wall-clock
 * time its poll returned. Values are decoded only when needed (an expected key, or latency recording),
 * so watching costs the pipeline under test as little CPU as possible.
 */
final class TableWatcher implements AutoCloseable {

    /** What must become visible; completes once. */
    static final class Expectation {
        private final Map<String, Integer> remaining;
        private final Map<String, Integer> lastSeen = new ConcurrentHashMap<>();
        private final long minUpdates;
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile long updates;
        private volatile long completedAtNanos = -1;

        Expectation(Map<String, Integer> windows, long minUpdates) {
            this.remaining = new ConcurrentHashMap<>(windows);
            this.minUpdates = minUpdates;
        }

        private String describeMissing() {
            List<String> missing = new ArrayList<>();
            remaining.forEach((k, v) -> missing.add(k + " expected " + v + ", seen " + lastSeen.getOrDefault(k, 0)));
            return updates + " of " + minUpdates + " updates; missing " + missing;
        }

        long updates() {
            return updates;
        }

        boolean wants(String key) {
            return remaining.containsKey(key);
        }

        void seen(String key, int observedCount, long nowNanos) {
            Integer want = remaining.get(key);
            if (want != null) {
                lastSeen.put(key, observedCount);
                if (observedCount >= want) {
                    remaining.remove(key);
                    check(nowNanos);
                }
            }
        }

        void provisional(long nowNanos) {
            updates++;
            check(nowNanos);
        }

        private void check(long nowNanos) {
            if (completedAtNanos < 0 && remaining.isEmpty() && updates >= minUpdates) {
                completedAtNanos = nowNanos;
                done.countDown();
            }
        }
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final Deserializer<IndicatorValue> values;
    private final String topic;
    private final Thread thread;
    private volatile Expectation expectation;
    private volatile LatencyRecorder recorder;
    private volatile Throwable failure;
    private volatile boolean closing;

    /**
     * Starts reading {@code table} from its current end ({@code fromEnd}) or beginning; returns once
     * the start positions are fixed, so nothing written after this call is missed.
     */
    TableWatcher(KafkaClients clients, PulseSerdes serdes, TopicSpec<IndicatorValue> table, String clientId, boolean fromEnd) {
        this.topic = table.name();
        this.values = serdes.value(table).deserializer();
        this.consumer = new KafkaConsumer<>(clients.consumer(clientId, null), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        consumer.assign(partitions);
        if (fromEnd) {
            consumer.seekToEnd(partitions);
        } else {
            consumer.seekToBeginning(partitions);
        }
        partitions.forEach(p -> consumer.position(p, Duration.ofSeconds(30)));
        thread = new Thread(this::loop, "bench-table-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    /** Sets what to wait for; call before the records that satisfy it are produced. */
    Expectation expect(Map<String, Integer> windows, long minUpdates) {
        Expectation e = new Expectation(windows, minUpdates);
        expectation = e;
        return e;
    }

    /**
     * Waits until {@code e} is met and returns when ({@link System#nanoTime()}, the moment the poll that
     * completed it returned).
     *
     * @throws TimeoutException when it is not met within {@code timeout}, naming what is missing
     */
    long await(Expectation e, Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!e.done.await(100, TimeUnit.MILLISECONDS)) {
            if (failure != null) {
                throw new IllegalStateException("reading " + topic + " failed: " + failure, failure);
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(topic + " incomplete after " + timeout.toSeconds() + " s: " + e.describeMissing());
            }
        }
        return e.completedAtNanos;
    }

    /** Records latencies of PROVISIONAL updates into {@code r} from now on (null stops recording). */
    void record(LatencyRecorder r) {
        recorder = r;
    }

    private void loop() {
        try {
            while (!closing) {
                ConsumerRecords<String, byte[]> batch = consumer.poll(Duration.ofMillis(50));
                if (batch.isEmpty()) {
                    continue;
                }
                long receivedMs = System.currentTimeMillis();
                long receivedNanos = System.nanoTime();
                Expectation e = expectation;
                LatencyRecorder r = recorder;
                for (ConsumerRecord<String, byte[]> rec : batch) {
                    boolean wanted = e != null && e.wants(rec.key());
                    if (!wanted && r == null && (e == null || e.minUpdates == 0)) {
                        continue;
                    }
                    IndicatorValue v = values.deserialize(topic, rec.value());
                    if (v == null) {
                        continue;
                    }
                    boolean provisional = v.getStatus() == IndicatorStatus.PROVISIONAL;
                    if (provisional && r != null) {
                        r.record(v, receivedMs);
                    }
                    if (e != null) {
                        if (wanted) {
                            e.seen(rec.key(), v.getObservedCount(), receivedNanos);
                        }
                        if (provisional) {
                            e.provisional(receivedNanos);
                        }
                    }
                }
            }
        } catch (WakeupException e) {
            if (!closing) {
                failure = e;
            }
        } catch (RuntimeException | Error e) {
            failure = e;
        }
    }

    /** The error that stopped the reading thread, if any. */
    Throwable failure() {
        return failure;
    }

    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(5));
    }
}
