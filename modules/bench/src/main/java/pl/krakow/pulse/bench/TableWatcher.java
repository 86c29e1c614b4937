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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.runtime.replica.RestartBackoff;
import pl.krakow.pulse.runtime.replica.TopicReplica;

/**
 * Reads an indicator table the way an analyst would ({@code read_committed}, so an update counts only
 * once its exactly-once transaction is committed and visible) on its own thread (a {@link TopicReplica}
 * that gives up on the first error), and tells when an
 * {@link Expectation} is met: every expected window shows its expected {@code observedCount} (and, when
 * asked, everything committed by then has been read).
 *
 * <p>When a {@link LatencyRecorder} is set, every PROVISIONAL update is recorded with the wall-clock
 * time it was read. Values are decoded only when needed (an expected key, or latency recording),
 * so watching costs the pipeline under test as little CPU as possible.
 */
final class TableWatcher implements AutoCloseable {

    /**
     * What must become visible; completes once. With {@code drain}, completion also waits until the reader
     * has consumed everything committed when {@link #await} saw the windows visible (every partition up to its
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

        Expectation(Map<String, Integer> windows, boolean drain) {
            this.remaining = new ConcurrentHashMap<>(windows);
            this.drain = drain;
        }

        private String describeMissing() {
            List<String> missing = new ArrayList<>();
            remaining.forEach((k, v) -> missing.add(k + " expected " + v + ", seen " + lastSeen.getOrDefault(k, 0)));
            return updates + " PROVISIONAL updates read; missing " + missing;
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

    private final Deserializer<IndicatorValue> values;
    private final String topic;
    /** Values stay bytes in the replica: decoded here only when an expectation or the recorder needs them. */
    private final TopicReplica<String, byte[]> replica;
    private volatile Expectation expectation;
    private volatile LatencyRecorder recorder;

    /**
     * Starts reading {@code table}; returns once the reader is positioned so that nothing written after this call
     * is missed. {@code fromEnd}: what the table already holds is passed over first (read, not decoded), so that
     * only later records count.
     */
    TableWatcher(KafkaClients clients, PulseSerdes serdes, TopicSpec<IndicatorValue> table, String clientId, boolean fromEnd) {
        this.topic = table.name();
        this.values = serdes.value(table).deserializer();
        this.replica = TopicReplica.builder(clientId, clients.consumer(clientId, null), List.of(topic), new StringDeserializer(),
                        new ByteArrayDeserializer())
                .listener(this::apply)
                .restartBackoff(RestartBackoff.none()) // a measurement that lost its reader is void: fail it
                .pollTimeout(Duration.ofMillis(50))
                .build();
        replica.start();
        if (fromEnd) {
            try {
                if (!replica.awaitReady(Duration.ofSeconds(30))) {
                    throw new IllegalStateException("could not read " + topic + " to its end: " + replica.status());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while positioning the reader of " + topic, e);
            }
        }
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
        if (!e.remaining.isEmpty()) {
            while (!e.done.await(100, TimeUnit.MILLISECONDS)) {
                failIfStopped();
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException(topic + " incomplete after " + timeout.toSeconds() + " s: " + e.describeMissing());
                }
            }
        }
        long visibleAt = e.remaining.isEmpty() && e.visibleAtNanos >= 0 ? e.visibleAtNanos : System.nanoTime();
        // Drain: everything committed by now (so at least by the moment the windows became visible) has been read.
        if (e.drain && !replica.awaitCaughtUp(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
            failIfStopped();
            throw new TimeoutException(topic + " not read to its end offsets within " + timeout.toSeconds() + " s: "
                    + e.describeMissing());
        }
        return visibleAt;
    }

    private void failIfStopped() {
        Throwable failure = replica.failure();
        if (failure != null) {
            throw new IllegalStateException("reading " + topic + " failed: " + failure, failure);
        }
    }

    /** Records latencies of PROVISIONAL updates into {@code r} from now on (null stops recording). */
    void record(LatencyRecorder r) {
        recorder = r;
    }

    private void apply(ConsumerRecord<String, byte[]> rec) {
        long receivedMs = System.currentTimeMillis();
        long receivedNanos = System.nanoTime();
        Expectation e = expectation;
        LatencyRecorder r = recorder;
        boolean wanted = e != null && e.wants(rec.key());
        if ((!wanted && r == null) || rec.value() == null) {
            return;
        }
        IndicatorValue v = values.deserialize(topic, rec.value());
        if (v == null) {
            return;
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
                if (e.visibleAtNanos >= 0) {
                    e.done.countDown();
                }
            }
        }
    }

    /** The error that stopped the reading thread, if any. */
    Throwable failure() {
        return replica.failure();
    }

    @Override
    public void close() {
        replica.close();
    }
}
