package pl.krakow.pulse.runtime.transactions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;

/**
 * Decides which open transactions on partitions are <em>hanging</em>: open on the partition (the partition leader
 * holds a first offset of the producer's transaction and no marker has ended it), but no transaction coordinator
 * will ever write that marker. A read_committed consumer cannot read past a hanging transaction (the partition's
 * last stable offset stays at its first offset), and on {@code __consumer_offsets} it blocks every offset fetch of
 * the group with a pending transactional commit — the IV.3 application stuck in REBALANCING of issue 15.
 *
 * <p>The rule is the one of {@code kafka-transactions.sh find-hanging}, made safe against a race: an open
 * transaction is hanging when the coordinator does not list its producer id with a transaction in progress
 * (Ongoing, or Prepare*, whose markers are still being written) that includes the partition, <em>and</em> the
 * partition still shows the same transaction open (same producer, same first offset) when looked at again after
 * the coordinator answered. A coordinator only completes a transaction after its markers are written, so a
 * transaction that ended normally between the two looks is gone by the second one and is never aborted — aborting it
 * could otherwise cut a committed transaction of a live producer in two.
 *
 * <p>Not used: the tool's "older than {@code transaction.max.timeout.ms}" shortcut. It measures age from the
 * producer's last record timestamp, which is the producer's CreateTime — for our events their event time, months or
 * years old — so it called live transactions "open for 368 days" on the first real run.
 *
 * <p>Pure: the caller gathers what the brokers say ({@link HangingTransactionSweep}).
 */
public final class HangingTransactions {

    /** Coordinator states in which the coordinator still owns the transaction and will end it with markers. */
    private static final Set<TransactionState> IN_PROGRESS = Set.of(TransactionState.ONGOING,
            TransactionState.PREPARE_COMMIT, TransactionState.PREPARE_ABORT, TransactionState.PREPARE_EPOCH_FENCE);

    private HangingTransactions() {
    }

    /**
     * An open transaction as a partition leader reports it ({@code DescribeProducers}); {@code lastRecordTimestamp} is
     * the producer's last record timestamp (CreateTime), shown to the operator, not judged.
     */
    public record OpenTransaction(TopicPartition partition, long producerId, int producerEpoch, int coordinatorEpoch,
                                  long startOffset, Instant lastRecordTimestamp) {

        boolean sameAs(OpenTransaction other) {
            return partition.equals(other.partition) && producerId == other.producerId && startOffset == other.startOffset;
        }
    }

    /** A transaction as its coordinator describes it ({@code ListTransactions} + {@code DescribeTransactions}). */
    public record CoordinatorTransaction(String transactionalId, long producerId, int producerEpoch, TransactionState state,
                                         Set<TopicPartition> partitions) {
    }

    /**
     * An open transaction judged hanging, with why, and how it may be ended. Aborting is safe unless its coordinator
     * decided to commit it (CompleteCommit): the partition is missing a COMMIT marker, and an abort there would split a
     * committed transaction (its other partitions committed, this one aborted: lost or duplicated records). Kafka's
     * Admin API can only write abort markers; {@code commitMarker} is the COMMIT marker the coordinator would have
     * written, when that transaction is certainly the one open on the partition — else null, and it is reported only.
     */
    public record Hanging(OpenTransaction transaction, String reason, boolean abortable, CommitMarker commitMarker) {

        Hanging(OpenTransaction transaction, String reason, boolean abortable) {
            this(transaction, reason, abortable, null);
        }
    }

    /**
     * The COMMIT marker a coordinator would have written: its producer epoch, and the transaction version the marker
     * is written under (2 when the coordinator bumped the epoch at the end of the transaction, KIP-890; else 0).
     */
    public record CommitMarker(short producerEpoch, short transactionVersion) {
    }

    /**
     * The COMMIT marker that ends {@code open} as its coordinator decided, or null when the coordinator's completed
     * commit is not certainly that transaction. Under transaction version 2 every transaction ends with an epoch bump,
     * so the committed transaction left the coordinator one epoch above the partition's open one; under version 0/1 at
     * the same epoch. Any other distance means later transactions of the producer ended since, and which way the open
     * one went is not known: never guessed.
     */
    static CommitMarker commitMarkerFor(OpenTransaction open, CoordinatorTransaction committed) {
        if (committed.producerId() != open.producerId()) {
            return null;
        }
        if (committed.producerEpoch() == open.producerEpoch() + 1) {
            return new CommitMarker((short) committed.producerEpoch(), (short) 2);
        }
        if (committed.producerEpoch() == open.producerEpoch()) {
            return new CommitMarker((short) committed.producerEpoch(), (short) 0);
        }
        return null;
    }

    /**
     * The open transactions the coordinators will not end: the candidates among {@code open}.
     *
     * @param open        every open transaction found on the partitions
     * @param coordinated the coordinators' transactions by producer id, asked after {@code open} was gathered
     *                    (producers they do not list are absent)
     */
    public static List<Hanging> candidates(Collection<OpenTransaction> open, Map<Long, CoordinatorTransaction> coordinated) {
        List<Hanging> out = new ArrayList<>();
        for (OpenTransaction txn : open) {
            CoordinatorTransaction known = coordinated.get(txn.producerId());
            if (known == null) {
                out.add(new Hanging(txn, "its producer has no transaction at any coordinator", true));
            } else if (known.state() == TransactionState.COMPLETE_COMMIT) {
                out.add(new Hanging(txn, "the coordinator's transaction " + known.transactionalId() + " is CompleteCommit: "
                        + "this partition lacks its COMMIT marker, which the Admin API cannot write", false, commitMarkerFor(txn, known)));
            } else if (!IN_PROGRESS.contains(known.state())) {
                out.add(new Hanging(txn, "the coordinator's transaction " + known.transactionalId() + " is "
                        + known.state() + ", not in progress", true));
            } else if (!known.partitions().contains(txn.partition())) {
                out.add(new Hanging(txn, "the coordinator's transaction " + known.transactionalId() + " ("
                        + known.state() + ") does not include " + txn.partition(), true));
            }
        }
        return out;
    }

    /**
     * The candidates that are still open, unchanged, in {@code openAgain} — gathered after the coordinators answered:
     * those are hanging.
     */
    public static List<Hanging> confirmed(Collection<Hanging> candidates, Collection<OpenTransaction> openAgain) {
        return candidates.stream().filter(c -> openAgain.stream().anyMatch(o -> o.sameAs(c.transaction()))).toList();
    }
}
