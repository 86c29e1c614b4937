package pl.krakow.pulse.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.RejectedRecords;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * Publishes ingest outcomes to Kafka with one producer ({@link KafkaClients#producer}: idempotent,
 * {@code acks=all}, lz4, batched): accepted events to their topic keyed by their key, rejections as
 * {@code RejectedRecord} to {@code ingest.rejected.v1} keyed by feed, their raw payload cut to
 * {@code dead.letter.payload.max.bytes} with its full length and SHA-256 ({@link RejectedRecords}), so a
 * rejection of any size fits the topic.
 *
 * <p><b>Delivery.</b> Sends are asynchronous; nothing waits per record. Per-partition order is the
 * order of the calls (idempotence keeps it across retries). {@link #flush()} blocks until every
 * record handed in so far is acknowledged or has failed. A record the producer gives up on (after
 * its delivery timeout) is <em>never swallowed</em>: it is counted in {@code pulse.ingest.send.failures}
 * (tags feed, topic) and in {@link #sendFailures()}, kept as {@link #lastSendFailure()}, passed to the
 * {@link SendFailureListener}, and logged once when sends start failing (then at most once a minute
 * while they keep failing) and once when they recover (no failure for 10 s).
 * A record that cannot even be handed to the producer (serialization failure, closed publisher)
 * throws {@link PublishException}.
 *
 * <p><b>Acknowledged batches.</b> {@link #publishAll} sends a batch with a callback per record and completes its
 * future only when the broker acknowledged every record, or fails it with a {@link NotAcknowledgedException}
 * naming the records without an acknowledgement. Its wait is bounded by the acknowledgement timeout: a publisher
 * made with {@link #acknowledging} gives its producer that timeout as {@code delivery.timeout.ms} (so a record the
 * sender was told failed is one the producer has given up on, and a broker outage costs a push at most that long, not
 * the default 120 s) and at most 2 s of {@code max.block.ms} (a send waiting for metadata blocks the caller's thread:
 * during an outage that is an HTTP worker); any other publisher waits up to its producer's delivery timeout. Two seconds of grace on top let the producer's own verdict arrive first.
 *
 * <p><b>Metrics</b> (per record, on the {@link PulseMetrics} registry, tag {@code feed}):
 * {@code pulse.ingest.records} with {@code outcome=accepted|rejected} — the validation outcome, counted
 * when handed in — and {@code pulse.ingest.rejected} with {@code reason=<ReasonCode>}. The producer's
 * own metrics are bound to the registry too.
 *
 * <p><b>Record timestamp.</b> By default an event's Kafka timestamp is the time it was published,
 * and consumers read the event time from the value ({@code eventTime}; the indicator topologies use
 * a timestamp extractor). Why: the broker's time-based retention looks at the record timestamp, so
 * event-time stamps would make a backfill of history older than a topic's {@code retention.ms} (the
 * bundled 2017 data in the 400-day topic) eligible for deletion at the next retention check — and
 * the deletion of a producer's only segment also drops its idempotence state, which showed up as
 * OUT_OF_ORDER_SEQUENCE_NUMBER and stalled sends. {@link RecordTimestamp#EVENT_TIME} remains for
 * topics whose retention covers the data. Rejections are stamped with their rejection time.
 *
 * <p>Thread-safe: sources on several threads may share one publisher.
 */
public final class EventPublisher implements EventSink, AutoCloseable {

    public static final String RECORDS_METRIC = "pulse.ingest.records";
    public static final String REJECTED_METRIC = "pulse.ingest.rejected";
    public static final String SEND_FAILURES_METRIC = "pulse.ingest.send.failures";

    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final long QUIET_LOG_NANOS = Duration.ofMinutes(1).toNanos();
    private static final long RECOVERY_NANOS = Duration.ofSeconds(10).toNanos();
    private static final Duration ACK_GRACE = Duration.ofSeconds(2);
    private static final Duration MAX_BLOCK = Duration.ofSeconds(2);

    /** Which time becomes the Kafka record timestamp of an accepted event. */
    public enum RecordTimestamp {
        /** The event's own time (default). */
        EVENT_TIME,
        /** The producer's clock when the record is sent. */
        PUBLISH_TIME
    }

    /** Told about every record the producer could not write. Called on the producer's I/O thread: keep it short. */
    @FunctionalInterface
    public interface SendFailureListener {
        void onSendFailure(String feed, String topic, Exception error);
    }

    private final Producer<String, byte[]> producer;
    private final PulseSerdes serdes;
    private final MeterRegistry meters;
    private final RecordTimestamp timestampMode;
    private final RejectedRecords rejectedRecords;
    private final SendFailureListener failureListener;
    private final Duration ackWait;
    /** Ends the waits of {@link #publishAll} batches at their deadline; a batch done earlier cancels its timer. */
    private final ScheduledThreadPoolExecutor ackDeadlines;
    private final Map<String, FeedMeters> feedMeters = new ConcurrentHashMap<>();
    private final LongAdder failures = new LongAdder();
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder failuresInBurst = new LongAdder();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Exception lastFailure;
    private volatile long lastFailureNanos;
    private volatile long lastFailureLogNanos;

    /** A publisher with publish-time record timestamps (see the class comment) and no extra failure listener. */
    public EventPublisher(KafkaClients clients, PulseSerdes serdes, PulseMetrics metrics, String clientId) {
        this(clients, serdes, metrics, clientId, RecordTimestamp.PUBLISH_TIME, (feed, topic, error) -> { });
    }

    /**
     * @param clients         the Kafka client settings ({@code kafka.*} pass-through applies)
     * @param serdes          value serdes bound to the schema registry
     * @param metrics         where the counters go; the producer is bound to it as well
     * @param clientId        the producer's {@code client.id}
     * @param timestampMode   which time becomes the record timestamp of accepted events
     * @param failureListener told about every failed send, in addition to the counters
     */
    public EventPublisher(KafkaClients clients, PulseSerdes serdes, PulseMetrics metrics, String clientId,
                          RecordTimestamp timestampMode, SendFailureListener failureListener) {
        this(clients.producer(clientId), RejectedRecords.from(clients.config()), serdes, metrics, timestampMode, failureListener);
    }

    private EventPublisher(Map<String, Object> producerConfig, RejectedRecords rejectedRecords, PulseSerdes serdes, PulseMetrics metrics,
                           RecordTimestamp timestampMode, SendFailureListener failureListener) {
        this.serdes = Objects.requireNonNull(serdes, "serdes");
        this.meters = metrics.registry();
        this.timestampMode = Objects.requireNonNull(timestampMode, "timestampMode");
        this.failureListener = Objects.requireNonNull(failureListener, "failureListener");
        this.rejectedRecords = Objects.requireNonNull(rejectedRecords, "rejectedRecords");
        this.ackWait = Duration.ofMillis(millis(producerConfig.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG))).plus(ACK_GRACE);
        this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
        metrics.bind(producer);
        this.ackDeadlines = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "pulse-ack-deadline-" + producerConfig.get(ProducerConfig.CLIENT_ID_CONFIG));
            t.setDaemon(true);
            return t;
        });
        ackDeadlines.setRemoveOnCancelPolicy(true);
    }

    /**
     * A publisher for sources that answer a sender ({@link #publishAll}): publish-time timestamps, and a producer that
     * gives up on a record after {@code ackTimeout} — {@code delivery.timeout.ms} is set to it, {@code max.block.ms} to
     * at most 2 s and {@code request.timeout.ms} lowered to fit — so a push waits at most that long (plus 2 s of grace).
     *
     * @param ackTimeout at least 1 s (the producer needs room for its linger and one request)
     */
    public static EventPublisher acknowledging(KafkaClients clients, PulseSerdes serdes, PulseMetrics metrics, String clientId,
                                               Duration ackTimeout) {
        if (ackTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("the acknowledgement timeout must be at least 1 s: " + ackTimeout);
        }
        Map<String, Object> config = clients.producer(clientId);
        long timeoutMs = ackTimeout.toMillis();
        long lingerMs = millis(config.getOrDefault(ProducerConfig.LINGER_MS_CONFIG, 5));
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeoutMs));
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(timeoutMs, MAX_BLOCK.toMillis()));
        // The producer refuses delivery.timeout.ms < linger.ms + request.timeout.ms.
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, timeoutMs - lingerMs));
        return new EventPublisher(config, RejectedRecords.from(clients.config()), serdes, metrics, RecordTimestamp.PUBLISH_TIME, (feed, topic, error) -> { });
    }

    @Override
    public void accept(ParseOutcome.Accepted<?> event) {
        accept(event, null);
    }

    private void accept(ParseOutcome.Accepted<?> event, Callback ack) {
        FeedMeters fm = feedMeters(event.feed());
        byte[] value = serialize(event.topic(), event.value(), fm);
        Long timestamp = timestampMode == RecordTimestamp.EVENT_TIME ? event.eventTime().toEpochMilli() : null;
        fm.accepted.increment();
        send(new ProducerRecord<>(event.topic().name(), null, timestamp, event.key(), value), fm, event.topic().name(), ack);
    }

    @Override
    public void reject(ParseOutcome.Rejected rejection) {
        reject(rejection, null);
    }

    private void reject(ParseOutcome.Rejected rejection, Callback ack) {
        FeedMeters fm = feedMeters(rejection.feed());
        byte[] value = serialize(Topics.REJECTED, rejection.toAvro(rejectedRecords), fm);
        fm.rejected.increment();
        fm.byReason[rejection.reason().ordinal()].increment();
        send(new ProducerRecord<>(Topics.REJECTED.name(), null, rejection.rejectedAt().toEpochMilli(), rejection.feed(), value),
                fm, Topics.REJECTED.name(), ack);
    }

    /**
     * Sends the batch and completes when the broker acknowledged every record of it; see the class comment. A record
     * that cannot be handed to the producer ends the batch there: the records after it are not sent and are listed as
     * unacknowledged with it (reason {@code REFUSED}).
     */
    @Override
    public CompletableFuture<Void> publishAll(List<? extends ParseOutcome> outcomes) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new NotAcknowledgedException(NotAcknowledgedException.Reason.REFUSED,
                    "the event publisher is closed", null, List.copyOf(outcomes)));
        }
        BatchAcknowledgement batch = new BatchAcknowledgement(List.copyOf(outcomes), ackWait, ackDeadlines);
        for (int i = 0; i < outcomes.size(); i++) {
            Callback ack = batch.callback(i);
            try {
                if (outcomes.get(i) instanceof ParseOutcome.Accepted<?> a) {
                    accept(a, ack);
                } else {
                    reject((ParseOutcome.Rejected) outcomes.get(i), ack);
                }
            } catch (PublishException e) {
                batch.refused(i, e);
                break;
            }
        }
        return batch.future();
    }

    /** Blocks until every record handed in so far is acknowledged or has failed (no per-record flush needed). */
    @Override
    public void flush() {
        producer.flush();
    }

    /** Records the producer gave up on, or that could not be handed to it, since this publisher was created. */
    @Override
    public long sendFailures() {
        return failures.sum();
    }

    /** Records the broker acknowledged. */
    public long acknowledged() {
        return acknowledged.sum();
    }

    /** The most recent send failure, if any. */
    public Optional<Exception> lastSendFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /** Flushes and closes the producer (waiting up to 30 s). Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            producer.flush();
        } finally {
            producer.close(CLOSE_TIMEOUT);
            ackDeadlines.shutdownNow(); // every batch has its verdict once the producer is closed
        }
        long failed = failures.sum();
        if (failed > 0) {
            LOG.warn("Event publisher closed: {} records acknowledged, {} could not be written", acknowledged.sum(), failed);
        } else {
            LOG.info("Event publisher closed: {} records acknowledged", acknowledged.sum());
        }
    }

    // ------------------------------------------------------------------------------------------------

    /** A producer setting in milliseconds: a number, or a string when it came through the {@code kafka.*} pass-through. */
    private static long millis(Object value) {
        return value instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(value).trim());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private byte[] serialize(TopicSpec topic, SpecificRecord value, FeedMeters fm) {
        Serializer<SpecificRecord> serializer = serdes.value(topic).serializer();
        try {
            return serializer.serialize(topic.name(), value);
        } catch (RuntimeException e) {
            recordFailure(fm, topic.name(), e);
            throw new PublishException("cannot serialize a " + value.getClass().getSimpleName() + " for " + topic.name()
                    + ": " + e.getMessage(), e);
        }
    }

    /** @param ack told about this record's outcome after the counters, or null */
    private void send(ProducerRecord<String, byte[]> record, FeedMeters fm, String topic, Callback ack) {
        if (closed.get()) {
            recordFailure(fm, topic, new IllegalStateException("publisher closed"));
            throw new PublishException("the event publisher is closed", null);
        }
        try {
            Callback counted = fm.callback(topic);
            producer.send(record, ack == null ? counted : (metadata, error) -> {
                counted.onCompletion(metadata, error);
                ack.onCompletion(metadata, error);
            });
        } catch (RuntimeException e) {
            // Kafka hands most errors to the callback; what it throws here (closed producer, interrupt,
            // fatal producer state) means nothing after this record would get through either.
            recordFailure(fm, topic, e);
            throw new PublishException("cannot send to " + topic + ": " + e.getMessage(), e);
        }
    }

    private void recordFailure(FeedMeters fm, String topic, Exception e) {
        failures.increment();
        failuresInBurst.increment();
        fm.failureCounter(topic).increment();
        lastFailure = e;
        long now = System.nanoTime();
        lastFailureNanos = now;
        // One line when sends start failing, then at most one a minute while they keep failing.
        if (failing.compareAndSet(false, true)) {
            lastFailureLogNanos = now;
            LOG.warn("Sends of feed {} to {} are failing (counted in {}): {}", fm.feed, topic, SEND_FAILURES_METRIC, e.toString());
        } else if (now - lastFailureLogNanos > QUIET_LOG_NANOS) {
            lastFailureLogNanos = now;
            LOG.warn("Sends keep failing: {} records failed so far; latest: feed {} to {}: {}", failures.sum(), fm.feed, topic,
                    e.toString());
        }
        try {
            failureListener.onSendFailure(fm.feed, topic, e);
        } catch (RuntimeException listenerError) {
            LOG.warn("Send-failure listener threw {}", listenerError.toString());
        }
    }

    private void recordSuccess() {
        acknowledged.increment();
        // Recovered only after a quiet spell, so a partly failing stream does not flap the log.
        if (failing.get() && System.nanoTime() - lastFailureNanos > RECOVERY_NANOS && failing.compareAndSet(true, false)) {
            LOG.info("Sends succeed again after {} failed records", failuresInBurst.sumThenReset());
        }
    }

    private FeedMeters feedMeters(String feed) {
        FeedMeters fm = feedMeters.get(feed);
        return fm != null ? fm : feedMeters.computeIfAbsent(feed, FeedMeters::new);
    }

    /** The counters and callbacks of one feed, created once so the hot path only looks them up. */
    private final class FeedMeters {
        final String feed;
        final Counter accepted;
        final Counter rejected;
        final Counter[] byReason;
        final Map<String, Callback> callbacks = new ConcurrentHashMap<>();
        final Map<String, Counter> failureCounters = new ConcurrentHashMap<>();

        FeedMeters(String feed) {
            this.feed = feed;
            this.accepted = Counter.builder(RECORDS_METRIC).description("Ingested records by validation outcome")
                    .tag("feed", feed).tag("outcome", "accepted").register(meters);
            this.rejected = Counter.builder(RECORDS_METRIC).description("Ingested records by validation outcome")
                    .tag("feed", feed).tag("outcome", "rejected").register(meters);
            // Every reason is registered up front, so a dashboard's rate() sees 0 rather than no series.
            ReasonCode[] reasons = ReasonCode.values();
            this.byReason = new Counter[reasons.length];
            for (ReasonCode r : reasons) {
                byReason[r.ordinal()] = Counter.builder(REJECTED_METRIC).description("Rejected records by reason")
                        .tag("feed", feed).tag("reason", r.name()).register(meters);
            }
        }

        Callback callback(String topic) {
            Callback cb = callbacks.get(topic);
            return cb != null ? cb : callbacks.computeIfAbsent(topic, t -> (RecordMetadata metadata, Exception error) -> {
                if (error == null) {
                    recordSuccess();
                } else {
                    recordFailure(this, t, error);
                }
            });
        }

        Counter failureCounter(String topic) {
            return failureCounters.computeIfAbsent(topic, t -> Counter.builder(SEND_FAILURES_METRIC)
                    .description("Records the producer could not write").tag("feed", feed).tag("topic", t).register(meters));
        }
    }

    /**
     * The acknowledgement state of one {@link #publishAll} batch: one slot per record (pending, acknowledged, failed),
     * completed once no slot is pending, or at the deadline with whatever is still pending counted as unacknowledged.
     */
    private static final class BatchAcknowledgement {
        private static final int PENDING = 0;
        private static final int ACKNOWLEDGED = 1;
        private static final int FAILED = 2;

        private final List<ParseOutcome> outcomes;
        private final AtomicIntegerArray states;
        private final AtomicInteger pending;
        private final CompletableFuture<Void> future = new CompletableFuture<>();
        private volatile Throwable firstError;
        private volatile NotAcknowledgedException.Reason failure;

        BatchAcknowledgement(List<ParseOutcome> outcomes, Duration wait, ScheduledThreadPoolExecutor deadlines) {
            this.outcomes = outcomes;
            this.states = new AtomicIntegerArray(outcomes.size());
            this.pending = new AtomicInteger(outcomes.size());
            if (outcomes.isEmpty()) {
                future.complete(null);
            } else {
                ScheduledFuture<?> deadline = deadlines.schedule(() -> finish(NotAcknowledgedException.Reason.TIMED_OUT,
                        "no acknowledgement from the broker within " + wait), wait.toMillis(), TimeUnit.MILLISECONDS);
                future.whenComplete((ok, error) -> deadline.cancel(false));
            }
        }

        Callback callback(int index) {
            return (metadata, error) -> settle(index, error == null ? ACKNOWLEDGED : FAILED, error,
                    NotAcknowledgedException.Reason.SEND_FAILED);
        }

        /** Record {@code index} was not handed to the producer; neither are those after it. */
        void refused(int index, PublishException error) {
            int stillPending = 0;
            for (int i = index; i < outcomes.size(); i++) {
                if (states.compareAndSet(i, PENDING, FAILED)) {
                    stillPending++;
                }
            }
            recordFailure(error, NotAcknowledgedException.Reason.REFUSED);
            if (pending.addAndGet(-stillPending) == 0) {
                finish(failure, error.getMessage());
            }
        }

        CompletableFuture<Void> future() {
            return future;
        }

        private void settle(int index, int state, Throwable error, NotAcknowledgedException.Reason reason) {
            if (!states.compareAndSet(index, PENDING, state)) {
                return;
            }
            if (error != null) {
                recordFailure(error, reason);
            }
            if (pending.decrementAndGet() == 0) {
                finish(failure, firstError == null ? "" : String.valueOf(firstError.getMessage()));
            }
        }

        private synchronized void recordFailure(Throwable error, NotAcknowledgedException.Reason reason) {
            if (firstError == null) {
                firstError = error;
                failure = reason;
            }
        }

        /** {@code reason} null = every record acknowledged. */
        private void finish(NotAcknowledgedException.Reason reason, String message) {
            if (future.isDone()) {
                return;
            }
            if (reason == null) {
                future.complete(null);
                return;
            }
            List<ParseOutcome> unacknowledged = new ArrayList<>();
            for (int i = 0; i < outcomes.size(); i++) {
                if (states.get(i) != ACKNOWLEDGED) {
                    unacknowledged.add(outcomes.get(i));
                }
            }
            if (reason == NotAcknowledgedException.Reason.TIMED_OUT && unacknowledged.isEmpty()) {
                future.complete(null); // the last acknowledgement raced the deadline
                return;
            }
            future.completeExceptionally(new NotAcknowledgedException(reason,
                    unacknowledged.size() + " of " + outcomes.size() + " records not acknowledged: " + message, firstError,
                    unacknowledged));
        }
    }
}
