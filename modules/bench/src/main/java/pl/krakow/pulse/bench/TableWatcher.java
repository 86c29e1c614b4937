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
 * {@link Expectation} is met: every expected window shows its expected {@code observedCount} (and, when
 * asked, everything committed by then has been read).
 *
 * <p>When a {@link LatencyRecorder} is set, every PROVISIONAL update is recorded with the wall-clock
 * time its poll returned. Values are decoded only when needed (an expected key, or latency recording),
 * so watching costs the pipeline under test as little CPU as possible.
 */
final class TableWatcher implements AutoCloseable {

    /**
     * What must become visible; completes once. With {@code drain}, completion also waits until the reader
     * has consumed everything committed when the windows became visible (every partition up to its
     * last stable offset of that moment), so every update of the measured phase has been seen and
     * recorded, whatever partition it landed on.
     */
    static final class Expectation {
        private final Map<String, Integer> remaining;
        private final Map<String, Integer> lastSeen = new ConcurrentHashMap<>();
        private final boolean drain;
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile long updates;
        private volatile long visibleAtNanos = -1;
        private Map<TopicPartition, Long> drainTo;

        Expectation(Map<String, Integer> windows, boolean drain) {
            this.remaining = new ConcurrentHashMap<>(windows);
            this.drain = drain;
        }

        private String describeMissing() {
            List<String> missing = new ArrayList<>();
            remaining.forEach((k, v) -> missing.add(k + " expected " + v + ", seen " + lastSeen.getOrDefault(k, 0)));
            return updates + " PROVISIONAL updates read; missing " + missing + (drainTo != null ? "; draining to " + drainTo : "");
        }

        /** PROVISIONAL updates read since this expectation was set. */
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
                    if (remaining.isEmpty()) {
                        visibleAtNanos = nowNanos;
                    }
                }
            }
        }

        void provisional() {
            updates++;
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
    Expectation expect(Map<String, Integer> windows, boolean drain) {
        Expectation e = new Expectation(windows, drain);
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
        if (e.remaining.isEmpty() && !e.drain) {
            return System.nanoTime();
        }
        while (!e.done.await(100, TimeUnit.MILLISECONDS)) {
            if (failure != null) {
                throw new IllegalStateException("reading " + topic + " failed: " + failure, failure);
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(topic + " incomplete after " + timeout.toSeconds() + " s: " + e.describeMissing());
            }
        }
        return e.visibleAtNanos;
    }

    /** Records latencies of PROVISIONAL updates into {@code r} from now on (null stops recording). */
    void record(LatencyRecorder r) {
        recorder = r;
    }

    private void loop() {
        try {
            while (!closing) {
                ConsumerRecords<String, byte[]> batch = consumer.poll(Duration.ofMillis(50));
                long receivedMs = System.currentTimeMillis();
                long receivedNanos = System.nanoTime();
                Expectation e = expectation;
                LatencyRecorder r = recorder;
                for (ConsumerRecord<String, byte[]> rec : batch) {
                    boolean wanted = e != null && e.wants(rec.key());
                    if (!wanted && r == null) {
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
                        if (provisional) {
                            e.provisional();
                        }
                        if (wanted) {
                            e.seen(rec.key(), v.getObservedCount(), receivedNanos);
                        }
                    }
                }
                if (e != null && e.visibleAtNanos >= 0 && e.done.getCount() > 0) {
                    maybeComplete(e);
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

    /** Completes a met expectation, after draining to the offsets committed when it was met if it asks for that. */
    private void maybeComplete(Expectation e) {
        if (!e.drain) {
            e.done.countDown();
            return;
        }
        if (e.drainTo == null) {
            e.drainTo = consumer.endOffsets(consumer.assignment());
        }
        for (Map.Entry<TopicPartition, Long> p : e.drainTo.entrySet()) {
            if (consumer.position(p.getKey()) < p.getValue()) {
                return;
            }
        }
        e.done.countDown();
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
