package pl.krakow.pulse.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void doublesFromInitialUpToMaxAndStaysThere() {
        Backoff b = new Backoff(Duration.ofSeconds(30), Duration.ofMinutes(5));
        assertThat(b.delay(0)).isZero();
        assertThat(b.delay(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(b.delay(2)).isEqualTo(Duration.ofSeconds(60));
        assertThat(b.delay(4)).isEqualTo(Duration.ofSeconds(240));
        assertThat(b.delay(5)).isEqualTo(Duration.ofMinutes(5));
        assertThat(b.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void otherMultipliersConstantAndAMaxBelowInitial() {
        assertThat(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(100), 3, 0, () -> 0).delay(3)).isEqualTo(Duration.ofSeconds(9));
        assertThat(Backoff.constant(Duration.ofMinutes(15)).delay(7)).isEqualTo(Duration.ofMinutes(15));
        assertThat(new Backoff(Duration.ofSeconds(20), Duration.ofSeconds(15)).delay(1)).isEqualTo(Duration.ofSeconds(15));
        assertThat(new Backoff(Duration.ZERO, Duration.ZERO).delay(3)).isZero();
    }

    @Test
    void jitterOnlyShortensAWaitByAtMostItsFraction() {
        Backoff b = new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(40)).withJitter(0.5, () -> 0.5);
        assertThat(b.delay(1)).isEqualTo(Duration.ofMillis(7500));
        assertThat(b.delay(9)).isEqualTo(Duration.ofSeconds(30));
        assertThat(b.withJitter(0.5, () -> 0).delay(9)).isEqualTo(Duration.ofSeconds(40));
    }

    @Test
    void stateRestsTheResourceAndASuccessResetsIt() {
        Backoff.State s = new Backoff(Duration.ofSeconds(30), Duration.ofMinutes(5)).state();
        assertThat(s.ready(T0)).isTrue();
        assertThat(s.failure(T0)).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.ready(T0.plusSeconds(29))).isFalse();
        assertThat(s.ready(T0.plusSeconds(30))).isTrue();
        assertThat(s.failure(T0.plusSeconds(30))).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.failures()).isEqualTo(2);
        assertThat(s.notBefore()).isEqualTo(T0.plusSeconds(90));
        s.success();
        assertThat(s.failures()).isZero();
        assertThat(s.ready(T0)).isTrue();
        assertThat(s.failure(T0)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void refusesNegativeWaitsAShrinkingMultiplierAndFullJitter() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(-1), Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ZERO, 0.5, 0, () -> 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ZERO).withJitter(1, () -> 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
