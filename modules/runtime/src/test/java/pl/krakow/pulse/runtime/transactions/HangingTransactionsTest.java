package pl.krakow.pulse.runtime.transactions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.runtime.transactions.HangingTransactions.CoordinatorTransaction;
import pl.krakow.pulse.runtime.transactions.HangingTransactions.Hanging;
import pl.krakow.pulse.runtime.transactions.HangingTransactions.OpenTransaction;

/** The find-hanging rule: open on a partition, no coordinator will end it, and still open when looked at again. */
class HangingTransactionsTest {

    private static final TopicPartition OFFSETS_1 = new TopicPartition("__consumer_offsets", 1);
    private static final TopicPartition AIR_1 = new TopicPartition("environment.air-quality.v1", 1);
    private static final long PID = 4711;
    /** Event time, as our producers stamp records: a year old, and no sign of a stale transaction. */
    private static final Instant LAST_RECORD = Instant.parse("2017-03-31T23:00:00Z");

    private static OpenTransaction open(TopicPartition partition, long producerId, long startOffset) {
        return new OpenTransaction(partition, producerId, 3, 0, startOffset, LAST_RECORD);
    }

    private static CoordinatorTransaction coordinated(TransactionState state, TopicPartition... partitions) {
        return new CoordinatorTransaction("pulse-indicators-iv3-0_1", PID, 3, state, Set.of(partitions));
    }

    @Test
    void anOpenTransactionItsCoordinatorHasOngoingWithThatPartitionIsNotHangingHoweverOldItsRecords() {
        assertThat(HangingTransactions.candidates(List.of(open(OFFSETS_1, PID, 1234)),
                Map.of(PID, coordinated(TransactionState.ONGOING, OFFSETS_1, AIR_1)))).isEmpty();
    }

    @Test
    void aTransactionWhoseMarkersAreBeingWrittenIsNotHanging() {
        assertThat(HangingTransactions.candidates(List.of(open(OFFSETS_1, PID, 1234)),
                Map.of(PID, coordinated(TransactionState.PREPARE_ABORT, OFFSETS_1)))).isEmpty();
    }

    @Test
    void aProducerNoCoordinatorListsLeavesAHangingTransaction() {
        OpenTransaction txn = open(OFFSETS_1, PID, 1234);
        List<Hanging> candidates = HangingTransactions.candidates(List.of(txn), Map.of());
        assertThat(candidates).singleElement().satisfies(h -> {
            assertThat(h.transaction()).isEqualTo(txn);
            assertThat(h.reason()).contains("no transaction at any coordinator");
            assertThat(h.abortable()).isTrue();
        });
        assertThat(HangingTransactions.confirmed(candidates, List.of(txn))).isEqualTo(candidates);
    }

    @Test
    void aCoordinatorWhoseTransactionIsCompleteLeavesAHangingTransaction() {
        assertThat(HangingTransactions.candidates(List.of(open(OFFSETS_1, PID, 1234)),
                Map.of(PID, coordinated(TransactionState.COMPLETE_ABORT, OFFSETS_1))))
                .singleElement().extracting(Hanging::reason).asString().contains("CompleteAbort");
    }

    @Test
    void aCoordinatorWhoseOngoingTransactionLacksThePartitionLeavesAHangingTransaction() {
        assertThat(HangingTransactions.candidates(List.of(open(OFFSETS_1, PID, 1234), open(AIR_1, PID, 99)),
                Map.of(PID, coordinated(TransactionState.ONGOING, AIR_1))))
                .singleElement().extracting(h -> h.transaction().partition()).isEqualTo(OFFSETS_1);
    }

    @Test
    void aTransactionItsCoordinatorCommittedIsReportedButNeverAborted() {
        // Seen after a kill -9: the restarted coordinator resent a COMMIT and skipped partitions without a leader yet.
        assertThat(HangingTransactions.candidates(List.of(open(OFFSETS_1, PID, 1234)),
                Map.of(PID, coordinated(TransactionState.COMPLETE_COMMIT, OFFSETS_1)))).singleElement().satisfies(h -> {
                    assertThat(h.abortable()).isFalse();
                    assertThat(h.reason()).contains("COMMIT marker");
                });
    }

    @Test
    void aCommittedTransactionGetsTheCommitMarkerItsCoordinatorWouldHaveWritten() {
        OpenTransaction openAtEpoch3 = open(OFFSETS_1, PID, 1234);
        // Transaction version 2: the commit bumped the epoch, the marker carries the bumped one.
        assertThat(HangingTransactions.commitMarkerFor(openAtEpoch3,
                new CoordinatorTransaction("t", PID, 4, TransactionState.COMPLETE_COMMIT, Set.of())))
                .isEqualTo(new HangingTransactions.CommitMarker((short) 4, (short) 2));
        // Transaction version 0/1: same epoch.
        assertThat(HangingTransactions.commitMarkerFor(openAtEpoch3,
                new CoordinatorTransaction("t", PID, 3, TransactionState.COMPLETE_COMMIT, Set.of())))
                .isEqualTo(new HangingTransactions.CommitMarker((short) 3, (short) 0));
        // Later transactions ended since: which way the open one went is unknown, so nothing is written.
        assertThat(HangingTransactions.commitMarkerFor(openAtEpoch3,
                new CoordinatorTransaction("t", PID, 6, TransactionState.COMPLETE_COMMIT, Set.of()))).isNull();
        assertThat(HangingTransactions.candidates(List.of(openAtEpoch3),
                Map.of(PID, coordinated(TransactionState.COMPLETE_COMMIT, OFFSETS_1))))
                .singleElement().extracting(Hanging::commitMarker).isNotNull();
    }

    @Test
    void aTransactionThatEndedBetweenTheTwoLooksIsNotAborted() {
        // Seen open, then the coordinator wrote its markers and completed it before it was asked: not hanging.
        List<Hanging> candidates = HangingTransactions.candidates(List.of(open(AIR_1, PID, 99)),
                Map.of(PID, coordinated(TransactionState.COMPLETE_COMMIT, AIR_1)));
        assertThat(candidates).hasSize(1);
        assertThat(HangingTransactions.confirmed(candidates, List.of())).isEmpty();
        assertThat(HangingTransactions.confirmed(candidates, List.of(open(AIR_1, PID, 140))))
                .as("the same producer's next transaction, from a later offset").isEmpty();
    }
}
