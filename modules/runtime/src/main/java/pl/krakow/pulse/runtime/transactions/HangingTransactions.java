package pl.krakow.pulse.runtime.transactions;

import java.time.Duration;
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
 * <p>The rule is the one of {@code kafka-transactions.sh find-hanging}: an open transaction is hanging when
 * <ul>
 *   <li>the coordinator does not list its producer id with a transaction in progress (Ongoing, or
 *       Prepare*, whose markers are still being written) that includes this partition; or</li>
 *   <li>the producer last wrote to the partition longer ago than the brokers' {@code transaction.max.timeout.ms}:
 *       the coordinator aborts every transaction by then, so one still open has lost its marker.</li>
 * </ul>
 * The first rule only applies to a transaction idle for at least {@code minIdle}: a producer that has just
 * written may not be listed yet by a coordinator on another broker (pre-KIP-890 clusters, where the partition
 * is added to the coordinator asynchronously). The embedded single-node broker checks before anything of ours
 * runs, so it passes {@link Duration#ZERO}.
 *
 * <p>Pure: the caller gathers what the brokers say ({@link HangingTransactionSweep}) and passes the time.
 */
public final class HangingTransactions {

    /** Coordinator states in which the coordinator still owns the transaction and will end it with markers. */
    private static final Set<TransactionState> IN_PROGRESS = Set.of(TransactionState.ONGOING,
            TransactionState.PREPARE_COMMIT, TransactionState.PREPARE_ABORT, TransactionState.PREPARE_EPOCH_FENCE);

    private final Duration maxTransactionTimeout;
    private final Duration minIdle;

    /**
     * @param maxTransactionTimeout the brokers' {@code transaction.max.timeout.ms}
     * @param minIdle               how long a transaction unknown to its coordinator must have been idle to count
     */
    public HangingTransactions(Duration maxTransactionTimeout, Duration minIdle) {
        this.maxTransactionTimeout = maxTransactionTimeout;
        this.minIdle = minIdle;
    }

    /** An open transaction as a partition leader reports it ({@code DescribeProducers}). */
    public record OpenTransaction(TopicPartition partition, long producerId, int producerEpoch, int coordinatorEpoch,
                                  long startOffset, Instant lastWrite) {
    }

    /** A transaction as its coordinator describes it ({@code ListTransactions} + {@code DescribeTransactions}). */
    public record CoordinatorTransaction(String transactionalId, long producerId, int producerEpoch, TransactionState state,
                                         Set<TopicPartition> partitions) {
    }

    /** An open transaction judged hanging, with why and for how long its producer has been silent. */
    public record Hanging(OpenTransaction transaction, Duration idle, String reason) {
    }

    /**
     * The hanging ones among {@code open}, judged against what the coordinators list by producer id.
     *
     * @param open        every open transaction found on the partitions
     * @param coordinated the coordinators' transactions by producer id (producers they do not list are absent)
     * @param now         the time to measure idleness against
     */
    public List<Hanging> hanging(Collection<OpenTransaction> open, Map<Long, CoordinatorTransaction> coordinated, Instant now) {
        List<Hanging> out = new ArrayList<>();
        for (OpenTransaction txn : open) {
            Duration idle = Duration.between(txn.lastWrite(), now);
            if (idle.isNegative()) {
                idle = Duration.ZERO;
            }
            if (idle.compareTo(maxTransactionTimeout) > 0) {
                out.add(new Hanging(txn, idle, "open longer than transaction.max.timeout.ms (" + maxTransactionTimeout + ")"));
                continue;
            }
            if (idle.compareTo(minIdle) < 0) {
                continue;
            }
            CoordinatorTransaction known = coordinated.get(txn.producerId());
            if (known == null) {
                out.add(new Hanging(txn, idle, "its producer has no transaction at any coordinator"));
            } else if (!IN_PROGRESS.contains(known.state())) {
                out.add(new Hanging(txn, idle, "the coordinator's transaction " + known.transactionalId() + " is "
                        + known.state() + ", not in progress"));
            } else if (!known.partitions().contains(txn.partition())) {
                out.add(new Hanging(txn, idle, "the coordinator's transaction " + known.transactionalId() + " ("
                        + known.state() + ") does not include " + txn.partition()));
            }
        }
        return out;
    }
}
