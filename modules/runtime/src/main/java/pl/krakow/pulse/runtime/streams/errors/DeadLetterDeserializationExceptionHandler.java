package pl.krakow.pulse.runtime.streams.errors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An input record that cannot be deserialized (not Confluent wire format, unknown schema id, corrupt
 * Avro) is logged (rate-limited), counted in {@value DeadLetters#DESERIALIZATION_ERRORS} {topic} and —
 * when the application configured {@link DeadLetters} — written to {@code ingest.rejected.v1} as a
 * {@code RejectedRecord} with reason {@code DESERIALIZATION_ERROR} and the raw bytes; processing
 * continues with the next record. Nothing is dropped silently.
 */
public final class DeadLetterDeserializationExceptionHandler extends DeadLetterHandler implements DeserializationExceptionHandler {

    public static final String REASON = "DESERIALIZATION_ERROR";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationExceptionHandler.class);

    public DeadLetterDeserializationExceptionHandler() {
        super(LOG);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        deadLetters.counter(DeadLetters.DESERIALIZATION_ERRORS, "topic", String.valueOf(context.topic())).increment();
        log.warn("skipping undeserializable record {}/{}@{}: {}", context.topic(), context.partition(), context.offset(),
                DeadLetters.describe(exception));
        return Response.resume(deadLetters.deadLetter(context, record.value(), REASON, exception, LOG));
    }
}
