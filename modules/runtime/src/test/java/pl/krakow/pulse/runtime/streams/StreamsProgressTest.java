package pl.krakow.pulse.runtime.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.Test;

/** When a Streams application counts as stuck (issue 15: REBALANCING forever behind a hanging transaction). */
class StreamsProgressTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration BOUND = Duration.ofSeconds(60);
    private final StreamsProgress progress = new StreamsProgress(BOUND);

    private static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    @Test
    void nothingObservedYetIsNotStuck() {
        assertThat(progress.verdict().stuck()).isFalse();
    }

    @Test
    void rebalancingWithinTheBoundIsNotStuck() {
        progress.observe(State.REBALANCING, 0, 0, at(0));
        progress.observe(State.REBALANCING, 0, 0, at(60));
        assertThat(progress.verdict().stuck()).isFalse();
    }

    @Test
    void rebalancingLongerThanTheBoundIsStuckAndSaysForHowLong() {
        progress.observe(State.REBALANCING, 0, 0, at(0));
        progress.observe(State.REBALANCING, 0, 0, at(75));
        StreamsProgress.Verdict verdict = progress.verdict();
        assertThat(verdict.stuck()).isTrue();
        assertThat(verdict.reason()).isEqualTo("REBALANCING for 75 s (bound 60 s)");
    }

    @Test
    void reachingRunningAfterALongRebalanceClearsTheVerdict() {
        progress.observe(State.REBALANCING, 0, 0, at(0));
        progress.observe(State.REBALANCING, 0, 0, at(90));
        assertThat(progress.verdict().stuck()).isTrue();
        progress.observe(State.RUNNING, 0, 0, at(91));
        assertThat(progress.verdict().stuck()).isFalse();
    }

    @Test
    void aNewRebalanceStartsItsOwnClock() {
        progress.observe(State.REBALANCING, 0, 0, at(0));
        progress.observe(State.RUNNING, 10, 0, at(50));
        progress.observe(State.REBALANCING, 10, 0, at(100));
        progress.observe(State.REBALANCING, 10, 0, at(150));
        assertThat(progress.verdict().stuck()).isFalse();
        progress.observe(State.REBALANCING, 10, 0, at(161));
        assertThat(progress.verdict().stuck()).isTrue();
    }

    @Test
    void runningIdleWithoutLagIsNeverStuck() {
        progress.observe(State.RUNNING, 500, 0, at(0));
        progress.observe(State.RUNNING, 500, 0, at(3600));
        assertThat(progress.verdict().stuck()).isFalse();
    }

    @Test
    void runningWithLagAndNothingProcessedLongerThanTheBoundIsStuck() {
        progress.observe(State.RUNNING, 500, 1200, at(0));
        progress.observe(State.RUNNING, 500, 1200, at(30));
        assertThat(progress.verdict().stuck()).isFalse();
        progress.observe(State.RUNNING, 500, 1200, at(61));
        StreamsProgress.Verdict verdict = progress.verdict();
        assertThat(verdict.stuck()).isTrue();
        assertThat(verdict.reason()).isEqualTo("RUNNING with a lag of 1200 records and nothing processed for 61 s");
    }

    @Test
    void runningWithLagThatKeepsProcessingIsNotStuck() {
        for (int s = 0; s <= 300; s += 30) {
            progress.observe(State.RUNNING, 500 + s, 1200, at(s));
        }
        assertThat(progress.verdict().stuck()).isFalse();
    }

    @Test
    void terminalStatesAreLeftToTheHealthCheck() {
        progress.observe(State.ERROR, 0, 0, at(0));
        progress.observe(State.ERROR, 0, 0, at(600));
        assertThat(progress.verdict().stuck()).isFalse();
    }

    @Test
    void theBoundMustBePositive() {
        assertThatThrownBy(() -> new StreamsProgress(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
