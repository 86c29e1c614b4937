package pl.krakow.pulse.runtime.replica;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What a {@link TopicReplica} does with a record whose key or value cannot be decoded (or whose non-null value
 * decodes to null): return to skip it, throw to fail the consumer, which then restarts after its backoff and
 * reads the same record again — the right answer when the cause is not the record (a schema registry that
 * cannot be reached).
 */
@FunctionalInterface
public interface UndecodableRecords {

    /** Fails the consumer on every undecodable record: nothing is silently dropped. The default. */
    UndecodableRecords FAIL = (record, cause) -> {
        throw cause;
    };

    /** Skips {@code record} (return) or fails the consumer (throw). */
    void handle(ConsumerRecord<byte[], byte[]> record, RuntimeException cause);
}
