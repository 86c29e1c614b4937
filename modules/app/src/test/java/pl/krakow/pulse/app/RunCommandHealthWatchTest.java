package pl.krakow.pulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What pulse run prints when a service goes DOWN (a Streams application stuck) and when it recovers. */
class RunCommandHealthWatchTest {

    @Test
    void aServiceGoingDownIsPrintedOnceWithItsReasonAndAgainWhenItRecovers() {
        Map<String, String> stuck = Map.of("indicators-iv3", "stuck: REBALANCING for 61 s (bound 60 s)");
        assertThat(RunCommand.healthChanges(Map.of(), stuck)).containsExactly(
                "!! indicators-iv3 is DOWN: stuck: REBALANCING for 61 s (bound 60 s)   (/health answers 503)");
        assertThat(RunCommand.healthChanges(stuck, Map.of("indicators-iv3", "stuck: REBALANCING for 66 s (bound 60 s)")))
                .as("still down: nothing new to say").isEmpty();
        assertThat(RunCommand.healthChanges(stuck, Map.of())).containsExactly(
                "   indicators-iv3 recovered: it is making progress again");
    }

    @Test
    void nothingDownNothingPrinted() {
        assertThat(RunCommand.healthChanges(Map.of(), Map.of())).isEmpty();
    }
}
