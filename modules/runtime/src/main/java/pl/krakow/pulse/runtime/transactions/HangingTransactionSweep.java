package pl.krakow.pulse.runtime.transactions;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.runtime.transactions.HangingTransactions.CoordinatorTransaction;
import pl.krakow.pulse.runtime.transactions.HangingTransactions.Hanging;
import pl.krakow.pulse.runtime.transactions.HangingTransactions.OpenTransaction;

/**
 * Finds hanging transactions on every partition of the cluster — our topics, the Streams applications' changelog
 * and repartition topics, {@code __consumer_offsets} and the other internal topics — and, when asked to, aborts
 * them by writing the abort marker the lost coordinator never wrote ({@code Admin.abortTransaction}, what
 * {@code kafka-transactions.sh abort} does). Run before the Streams applications start, so that no application
 * waits forever on a last stable offset that will never move (issue 15).
 *
 * <p>Which transactions are hanging is {@link HangingTransactions}' decision; this class only asks the brokers:
 * {@code DescribeProducers} on every partition for the open transactions, {@code ListTransactions} filtered by
 * their producer ids and {@code DescribeTransactions} for what the coordinators know, then {@code DescribeProducers}
 * again on the candidates' partitions to confirm. Each hanging transaction is logged at WARN with its partition,
 * producer id and epoch, first offset, last record timestamp and reason, and whether it was aborted; {@code pulse.transactions.hanging.found}
 * and {@code pulse.transactions.hanging.aborted} count them.
 *
 * <p>A sweep that cannot complete (a broker down, a missing ACL on a real cluster) logs why and returns what it
 * did: it never stops the start-up — the progress health check still reports an application that stays stuck.
 */
public final class HangingTransactionSweep {

    private static final Logger LOG = LoggerFactory.getLogger(HangingTransactionSweep.class);

    private final Admin admin;
    private final Duration timeout;
    private final Counter found;
    private final Counter aborted;
    private final Counter committed;
    private CommitMarkerWriter commitMarkers;

    /**
     * @param admin   an Admin client on the cluster (not closed here)
     * @param timeout bound of each Admin call
     */
    public HangingTransactionSweep(Admin admin, MeterRegistry meters, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
        this.found = Counter.builder("pulse.transactions.hanging.found")
                .description("Hanging transactions found on start-up (open on a partition, unknown to any coordinator)")
                .register(meters);
        this.aborted = Counter.builder("pulse.transactions.hanging.aborted")
                .description("Hanging transactions aborted on start-up by writing their abort marker")
                .register(meters);
        this.committed = Counter.builder("pulse.transactions.hanging.committed")
                .description("Hanging transactions their coordinator had committed, ended on start-up by writing the missing COMMIT marker")
                .register(meters);
    }

    /**
     * Also end hanging transactions their coordinator committed, by writing the missing COMMIT marker to
     * {@code broker} ({@link CommitMarkerWriter}) — only for the embedded single-node broker, the partitions' only
     * leader, which grants the inter-broker request; on a cluster such a transaction is reported for an operator.
     */
    public HangingTransactionSweep writingCommitMarkersTo(InetSocketAddress broker) {
        this.commitMarkers = new CommitMarkerWriter(broker, timeout);
        return this;
    }

    /**
     * Looks for hanging transactions and aborts them when {@code abort} is true (otherwise only reports them).
     *
     * @return the hanging transactions found (aborted or not); empty when the sweep could not complete
     */
    public List<Hanging> sweep(boolean abort) {
        long began = System.nanoTime();
        try {
            List<Hanging> hanging = find();
            for (Hanging h : hanging) {
                found.increment();
                OpenTransaction t = h.transaction();
                String outcome;
                if (h.abortable()) {
                    outcome = !abort ? "not aborted (report only)" : abort(t) ? "ABORTED (abort marker written)" : "abort FAILED";
                } else if (abort && commitMarkers != null && h.commitMarker() != null) {
                    outcome = commit(t, h.commitMarker()) ? "COMMITTED (the coordinator's missing COMMIT marker written)"
                            : "commit marker FAILED; an operator must resolve it";
                } else {
                    outcome = "NOT aborted: it was committed; an operator must resolve it";
                }
                LOG.warn("Hanging transaction on {}: producer id {} epoch {}, open from offset {}, last record timestamp {} ({}): {}",
                        t.partition(), t.producerId(), t.producerEpoch(), t.startOffset(), t.lastRecordTimestamp(), h.reason(), outcome);
            }
            LOG.info("Hanging-transaction sweep done in {} ms: {} found{}", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began),
                    hanging.size(), abort ? "" : " (report only)");
            return hanging;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warn("Hanging-transaction sweep could not complete: {}", e.toString());
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** The hanging transactions now, without aborting anything. */
    List<Hanging> find() throws ExecutionException, InterruptedException, TimeoutException {
        List<OpenTransaction> open = openTransactions(allPartitions());
        if (open.isEmpty()) {
            return List.of();
        }
        Map<Long, CoordinatorTransaction> coordinated = coordinatorTransactions(open.stream().map(OpenTransaction::producerId).toList());
        List<Hanging> candidates = HangingTransactions.candidates(open, coordinated);
        if (candidates.isEmpty()) {
            return List.of();
        }
        List<OpenTransaction> openAgain = openTransactions(candidates.stream().map(h -> h.transaction().partition()).distinct().toList());
        return HangingTransactions.confirmed(candidates, openAgain);
    }

    private boolean abort(OpenTransaction t) {
        try {
            admin.abortTransaction(new AbortTransactionSpec(t.partition(), t.producerId(), (short) t.producerEpoch(),
                    t.coordinatorEpoch())).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            aborted.increment();
            return true;
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Could not abort the hanging transaction of producer {} on {}: {}", t.producerId(), t.partition(), e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean commit(OpenTransaction t, HangingTransactions.CommitMarker marker) {
        try {
            commitMarkers.commit(t.partition(), t.producerId(), marker.producerEpoch(), t.coordinatorEpoch(), marker.transactionVersion());
            committed.increment();
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not write the COMMIT marker of producer {} on {}: {}", t.producerId(), t.partition(), e.toString());
            return false;
        }
    }

    private List<TopicPartition> allPartitions() throws ExecutionException, InterruptedException, TimeoutException {
        Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Map<String, TopicDescription> descriptions = admin.describeTopics(topics).allTopicNames()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        List<TopicPartition> partitions = new ArrayList<>();
        descriptions.values().forEach(d -> d.partitions().forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition()))));
        return partitions;
    }

    private List<OpenTransaction> openTransactions(Collection<TopicPartition> partitions)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, PartitionProducerState> states = admin.describeProducers(partitions).all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        List<OpenTransaction> open = new ArrayList<>();
        states.forEach((partition, state) -> {
            for (ProducerState p : state.activeProducers()) {
                if (p.currentTransactionStartOffset().isPresent()) {
                    open.add(new OpenTransaction(partition, p.producerId(), p.producerEpoch(), p.coordinatorEpoch().orElse(0),
                            p.currentTransactionStartOffset().getAsLong(), Instant.ofEpochMilli(p.lastTimestamp())));
                }
            }
        });
        return open;
    }

    private Map<Long, CoordinatorTransaction> coordinatorTransactions(Collection<Long> producerIds)
            throws ExecutionException, InterruptedException, TimeoutException {
        Collection<TransactionListing> listings = admin.listTransactions(new ListTransactionsOptions().filterProducerIds(producerIds))
                .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Map<Long, CoordinatorTransaction> out = new HashMap<>();
        if (listings.isEmpty()) {
            return out;
        }
        Map<String, TransactionDescription> descriptions = admin.describeTransactions(
                listings.stream().map(TransactionListing::transactionalId).toList()).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        descriptions.forEach((id, d) -> out.put(d.producerId(),
                new CoordinatorTransaction(id, d.producerId(), d.producerEpoch(), d.state(), d.topicPartitions())));
        return out;
    }
}
