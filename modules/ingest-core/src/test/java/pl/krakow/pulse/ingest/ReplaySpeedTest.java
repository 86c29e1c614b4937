package pl.krakow.pulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReplaySpeedTest {

    @Test
    void parsesTheConfigAndCliSyntax() {
        assertThat(ReplaySpeed.parse("max")).isEqualTo(ReplaySpeed.MAX);
        assertThat(ReplaySpeed.parse("MAX").isMax()).isTrue();
        assertThat(ReplaySpeed.parse("3600").factor()).isEqualTo(3600);
        assertThat(ReplaySpeed.parse("60x").factor()).isEqualTo(60);
        assertThat(ReplaySpeed.parse("0.5").factor()).isEqualTo(0.5);
        assertThat(ReplaySpeed.parse("60x").toString()).isEqualTo("60x");
        assertThat(ReplaySpeed.MAX.toString()).isEqualTo("max");
    }

    @Test
    void rejectsNonPositiveAndGarbage() {
        assertThatThrownBy(() -> ReplaySpeed.parse("0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReplaySpeed.parse("-2")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReplaySpeed.parse("fast")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReplaySpeed.parse("NaN")).isInstanceOf(IllegalArgumentException.class);
    }
}
