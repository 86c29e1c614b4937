package pl.krakow.pulse.runtime.streams;

import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Record time = the event's own {@code eventTime}, so windows and stream time follow event time whatever
 * the producer stamped. Every Kraków Pulse event schema has a required {@code eventTime}
 * ({@code timestamp-millis}, e.g. the END of a measurement's averaging period, an incident's time); it is
 * read through the Avro schema, so the extractor serves any goal's source without knowing its type.
 *
 * <p>A record without a readable event time keeps its broker timestamp: a null value (a tombstone, a
 * {@code ~progress} marker), a value that is not an Avro record or has no {@code eventTime} field, or a
 * null {@code eventTime}.
 */
public final class EventTimeExtractor implements TimestampExtractor {

    /** The field every event schema carries. */
    public static final String FIELD = "eventTime";

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof IndexedRecord event) {
            Schema.Field field = event.getSchema().getField(FIELD);
            if (field != null && event.get(field.pos()) instanceof Instant eventTime) {
                return eventTime.toEpochMilli();
            }
        }
        return record.timestamp();
    }
}
