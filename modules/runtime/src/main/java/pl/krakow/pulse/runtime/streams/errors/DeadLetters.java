package pl.krakow.pulse.runtime.streams.errors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import pl.krakow.pulse.events.ingest.RejectedRecord;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.RejectedRecords;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * Turns a record a Kafka Streams exception handler gave up on into a {@link RejectedRecord} on
 * {@code ingest.rejected.v1} (the DLQ of DESIGN §7), in that topic's own Avro format, returned to
 * Kafka Streams as a KIP-1034 dead-letter record so it is written in the task's (exactly-once)
 * transaction; the raw value is cut to {@code dead.letter.payload.max.bytes} with its full length and
 * SHA-256 ({@link RejectedRecords}), so a dead letter of a record near the size limit still fits. Shared by the handlers through the Streams configuration: the application puts one
 * instance under {@link #CONFIG}; Kafka Streams instantiates the handlers and hands them the
 * original configuration values in {@code configure}.
 *
 * <p>Logs are for operators, not per record: a handler logs the first failure and then at most one
 * summary line per minute; metrics count every record.
 */
public final class DeadLetters {

    /** Streams-configuration key under which the application passes this object to its handlers. */
    public static final String CONFIG = "pulse.indicators.dead.letters";

    public static final String DESERIALIZATION_ERRORS = "pulse.indicators.deserialization.errors";
    public static final String PROCESSING_ERRORS = "pulse.indicators.processing.errors";
    public static final String PRODUCTION_ERRORS = "pulse.indicators.production.errors";
    public static final String DEAD_LETTERS = "pulse.indicators.dead.letters";

    /** {@code feed} (and key) of the rejected records this application writes. */
    private final String application;
    private final Serializer<RejectedRecord> valueSerializer;
    private final RejectedRecords records;
    private final MeterRegistry meters;
    private final Clock clock;

    /** With the default raw-payload limit of {@link RejectedRecords#withDefaultLimit()}. */
    public DeadLetters(String application, PulseSerdes serdes, MeterRegistry meters, Clock clock) {
        this(application, serdes, meters, clock, RejectedRecords.withDefaultLimit());
    }

    /** @param records how the dead letters are built (the raw value cut to its limit, with length and SHA-256) */
    public DeadLetters(String application, PulseSerdes serdes, MeterRegistry meters, Clock clock, RejectedRecords records) {
        this.records = Objects.requireNonNull(records);
        this.application = Objects.requireNonNull(application);
        this.valueSerializer = serdes == null ? null : serdes.value(Topics.REJECTED).serializer();
        this.meters = Objects.requireNonNull(meters);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Log-and-continue without a DLQ: what a handler uses when configured outside {@link #CONFIG}. */
    static DeadLetters logOnly() {
        return new DeadLetters("indicators", null, Metrics.globalRegistry, Clock.systemUTC());
    }

    static DeadLetters from(Map<String, ?> configs) {
        Object o = configs == null ? null : configs.get(CONFIG);
        return o instanceof DeadLetters d ? d : logOnly();
    }

    MeterRegistry meters() {
        return meters;
    }

    Counter counter(String name, String... tags) {
        return meters.counter(name, tags);
    }

    /**
     * The DLQ record for a failed input record, or an empty list when no DLQ is configured or the
     * rejected record itself cannot be written (e.g. the schema registry is down) — the failure is then
     * only logged and counted, never allowed to stop the application.
     */
    List<ProducerRecord<byte[], byte[]>> deadLetter(ErrorHandlerContext context, byte[] rawValue, String reasonCode,
                                                    Exception exception, Logger log) {
        if (valueSerializer == null) {
            return List.of();
        }
        try {
            String sourceId = context.topic() + "/" + context.partition() + "@" + context.offset()
                    + " (processor " + context.processorNodeId() + ", task " + context.taskId() + ")";
            RejectedRecord rejected = records.rejected(application, sourceId, reasonCode, describe(exception),
                    context.topic(), "application/vnd.kafka.avro; wire-format=confluent", rawValue, clock.instant());
            byte[] value = valueSerializer.serialize(Topics.REJECTED.name(), rejected);
            byte[] key = application.getBytes(StandardCharsets.UTF_8);
            meters.counter(DEAD_LETTERS, "reason", reasonCode).increment();
            return List.of(new ProducerRecord<>(Topics.REJECTED.name(), null, key, value));
        } catch (RuntimeException e) {
            log.warn("cannot write a dead letter for {}/{}@{}: {}", context.topic(), context.partition(), context.offset(),
                    e.toString());
            return List.of();
        }
    }

    static String describe(Exception e) {
        StringBuilder sb = new StringBuilder(e.getClass().getSimpleName()).append(": ").append(e.getMessage());
        Throwable cause = e.getCause();
        if (cause != null && cause != e) {
            sb.append(" (caused by ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage()).append(')');
        }
        return sb.toString();
    }
}
