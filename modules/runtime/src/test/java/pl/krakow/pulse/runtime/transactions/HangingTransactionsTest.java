package pl.krakow.pulse.runtime.transactions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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

/** The find-hanging rule: open on a partition, and no coordinator will end it (or it outlived every timeout). */
class HangingTransactionsTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final TopicPartition OFFSETS_1 = new TopicPartition("__consumer_offsets", 1);
    private static final TopicPartition AIR_1 = new TopicPartition("environment.air-quality.v1", 1);
    private static final long PID = 4711;
    private final HangingTransactions rule = new HangingTransactions(Duration.ofMinutes(15), Duration.ZERO);

    private static OpenTransaction open(TopicPartition partition, long producerId, Duration idle) {
        return new OpenTransaction(partition, producerId, 3, 0, 1234, NOW.minus(idle));
    }

    private static CoordinatorTransaction coordinated(TransactionState state, TopicPartition... partitions) {
        return new CoordinatorTransaction("pulse-indicators-iv3-0_1", PID, 3, state, Set.of(partitions));
    }

    @Test
    void anOpenTransactionItsCoordinatorHasOngoingWithThatPartitionIsNotHanging() {
        List<Hanging> hanging = rule.hanging(List.of(open(OFFSETS_1, PID, Duration.ofSeconds(5))),
                Map.of(PID, coordinated(TransactionState.ONGOING, OFFSETS_1, AIR_1)), NOW);
        assertThat(hanging).isEmpty();
    }

    @Test
    void aTransactionWhoseMarkersAreBeingWrittenIsNotHanging() {
        List<Hanging> hanging = rule.hanging(List.of(open(OFFSETS_1, PID, Duration.ofSeconds(5))),
                Map.of(PID, coordinated(TransactionState.PREPARE_ABORT, OFFSETS_1)), NOW);
        assertThat(hanging).isEmpty();
    }

    @Test
    void aProducerNoCoordinatorListsLeavesAHangingTransaction() {
        OpenTransaction txn = open(OFFSETS_1, PID, Duration.ofSeconds(8));
        List<Hanging> hanging = rule.hanging(List.of(txn), Map.of(), NOW);
        assertThat(hanging).singleElement().satisfies(h -> {
            assertThat(h.transaction()).isEqualTo(txn);
            assertThat(h.idle()).isEqualTo(Duration.ofSeconds(8));
            assertThat(h.reason()).contains("no transaction at any coordinator");
        });
    }

    @Test
    void aCoordinatorWhoseTransactionIsCompleteLeavesAHangingTransaction() {
        List<Hanging> hanging = rule.hanging(List.of(open(OFFSETS_1, PID, Duration.ofSeconds(8))),
                Map.of(PID, coordinated(TransactionState.COMPLETE_ABORT, OFFSETS_1)), NOW);
        assertThat(hanging).singleElement().extracting(Hanging::reason).asString().contains("CompleteAbort");
    }

    @Test
    void aCoordinatorWhoseOngoingTransactionLacksThePartitionLeavesAHangingTransaction() {
        List<Hanging> hanging = rule.hanging(List.of(open(OFFSETS_1, PID, Duration.ofSeconds(8)), open(AIR_1, PID, Duration.ofSeconds(8))),
                Map.of(PID, coordinated(TransactionState.ONGOING, AIR_1)), NOW);
        assertThat(hanging).singleElement().extracting(h -> h.transaction().partition()).isEqualTo(OFFSETS_1);
    }

    @Test
    void anyTransactionOpenLongerThanTheMaximumTimeoutIsHangingWhateverTheCoordinatorSays() {
        List<Hanging> hanging = rule.hanging(List.of(open(AIR_1, PID, Duration.ofMinutes(16))),
                Map.of(PID, coordinated(TransactionState.ONGOING, AIR_1)), NOW);
        assertThat(hanging).singleElement().extracting(Hanging::reason).asString().contains("transaction.max.timeout.ms");
    }

    @Test
    void onAClusterARecentTransactionUnknownToItsCoordinatorIsGivenTimeToBeListed() {
        HangingTransactions cautious = new HangingTransactions(Duration.ofMinutes(15), Duration.ofSeconds(60));
        assertThat(cautious.hanging(List.of(open(AIR_1, PID, Duration.ofSeconds(10))), Map.of(), NOW)).isEmpty();
        assertThat(cautious.hanging(List.of(open(AIR_1, PID, Duration.ofSeconds(61))), Map.of(), NOW)).hasSize(1);
    }
}
