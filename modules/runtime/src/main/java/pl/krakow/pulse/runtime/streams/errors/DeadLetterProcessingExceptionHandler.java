package pl.krakow.pulse.runtime.streams.errors;

import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exception thrown while processing a record (KIP-1033) is logged (rate-limited), counted in
 * {@value DeadLetters#PROCESSING_ERRORS} {processor} and the record's source bytes are written to
 * {@code ingest.rejected.v1} with reason {@code PROCESSING_ERROR}; processing continues. A failure in a
 * punctuator has no source record: it is logged and counted only.
 */
public final class DeadLetterProcessingExceptionHandler extends DeadLetterHandler implements ProcessingExceptionHandler {

    public static final String REASON = "PROCESSING_ERROR";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingExceptionHandler.class);

    public DeadLetterProcessingExceptionHandler() {
        super(LOG);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        deadLetters.counter(DeadLetters.PROCESSING_ERRORS, "processor", String.valueOf(context.processorNodeId())).increment();
        log.warn("skipping record {}/{}@{} that failed in processor {}: {}", context.topic(), context.partition(),
                context.offset(), context.processorNodeId(), DeadLetters.describe(exception), exception);
        if (context.topic() == null || context.sourceRawValue() == null) {
            return Response.resume();
        }
        return Response.resume(deadLetters.deadLetter(context, context.sourceRawValue(), REASON, exception, LOG));
    }
}
