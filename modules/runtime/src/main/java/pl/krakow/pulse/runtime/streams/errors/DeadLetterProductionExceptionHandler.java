package pl.krakow.pulse.runtime.streams.errors;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Output that cannot be <em>serialized</em> (e.g. the schema registry refuses an incompatible schema)
 * is counted in {@value DeadLetters#PRODUCTION_ERRORS} {kind=serialization}, its triggering source record
 * goes to {@code ingest.rejected.v1} with reason {@code SERIALIZATION_ERROR}, and processing continues.
 * A failure to <em>send</em> (broker errors after the producer's own retries) is counted and FAILs the
 * application, as Kafka's default handler does: losing indicator values silently is worse than a restart,
 * and with exactly-once the uncommitted work is redone.
 */
public final class DeadLetterProductionExceptionHandler extends DeadLetterHandler implements ProductionExceptionHandler {

    public static final String REASON = "SERIALIZATION_ERROR";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProductionExceptionHandler.class);

    public DeadLetterProductionExceptionHandler() {
        super(LOG);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        deadLetters.counter(DeadLetters.PRODUCTION_ERRORS, "kind", "send").increment();
        LOG.error("cannot send to {}: {}", record.topic(), DeadLetters.describe(exception));
        return Response.fail();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        deadLetters.counter(DeadLetters.PRODUCTION_ERRORS, "kind", "serialization").increment();
        log.warn("cannot serialize the {} of a record for {} (source {}/{}@{}): {}", origin, record.topic(),
                context.topic(), context.partition(), context.offset(), DeadLetters.describe(exception));
        if (context.topic() == null || context.sourceRawValue() == null) {
            return Response.resume();
        }
        return Response.resume(deadLetters.deadLetter(context, context.sourceRawValue(), REASON, exception, LOG));
    }
}
