package pl.krakow.pulse.runtime.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RestartBackoffTest {

    @Test
    void delayDoublesPerConsecutiveFailureUpToTheMaximum() {
        RestartBackoff b = new RestartBackoff(Duration.ofSeconds(5), Duration.ofMinutes(1), RestartBackoff.UNLIMITED);
        assertThat(b.delay(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(b.delay(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(b.delay(4)).isEqualTo(Duration.ofSeconds(40));
        assertThat(b.delay(5)).isEqualTo(Duration.ofMinutes(1));
        assertThat(b.delay(1_000)).isEqualTo(Duration.ofMinutes(1));
        assertThat(b.restartsAfter(1_000_000)).isTrue();
    }

    @Test
    void restartsStopAfterMaxRestartsAndNoneNeverRestarts() {
        RestartBackoff b = new RestartBackoff(Duration.ofMillis(1), Duration.ofMillis(1), 2);
        assertThat(b.restartsAfter(2)).isTrue();
        assertThat(b.restartsAfter(3)).isFalse();
        assertThat(RestartBackoff.none().restartsAfter(1)).isFalse();
    }

    @Test
    void rejectsAMaximumBelowTheInitialDelay() {
        assertThatThrownBy(() -> new RestartBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
