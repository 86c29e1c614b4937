package pl.krakow.pulse.runtime.replica;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What a {@link TopicReplica} applies each record to, on the replica's consumer thread.
 *
 * <p>The record carries the decoded key, the decoded value or {@code null} for a tombstone, and its topic,
 * partition, offset, timestamp and headers. Records of one partition arrive in offset order; partitions are
 * interleaved. A listener that throws fails the consumer: it restarts after its backoff and delivers the same
 * record again, so a listener that must skip a bad record catches its own exception.
 */
@FunctionalInterface
public interface ReplicaListener<K, V> {

    /** Applies one record (value {@code null}: a tombstone). Must not block: it delays every later record. */
    void apply(ConsumerRecord<K, V> record);

    /** Called once, on the consumer thread, when the replica first reached the end offsets it saw at start. */
    default void caughtUp(CatchUpReport report) {
    }
}
