package pl.krakow.pulse.runtime.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceGroupTest {

    private final List<String> log = new ArrayList<>();

    /** A service that records its start and close, with readiness and health set by the test. */
    private final class Recorded implements Service {
        final String name;
        boolean ready = true;
        Health health = Health.UP;
        boolean failOnStart;

        Recorded(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void start() {
            if (failOnStart) {
                throw new IllegalStateException(name + ": port in use");
            }
            log.add("start " + name);
        }

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public Health health() {
            return health;
        }

        @Override
        public void close() {
            log.add("close " + name);
        }
    }

    @Test
    void startsInOrderAndClosesEveryMemberInReverseOnce() {
        ServiceGroup group = new ServiceGroup("pulse");
        group.start(new Recorded("broker"));
        group.resource(() -> log.add("close producer"));
        group.add(new Recorded("indicators"));
        group.add(new Recorded("api"));
        group.start();

        group.close();
        group.close();

        assertThat(log).containsExactly("start broker", "start indicators", "start api",
                "close api", "close indicators", "close producer", "close broker");
    }

    @Test
    void aFailedStartClosesTheGroupIncludingMembersNotStartedAndRethrows() {
        ServiceGroup group = new ServiceGroup("pulse");
        group.add(new Recorded("indicators"));
        Recorded api = group.add(new Recorded("api"));
        api.failOnStart = true;
        group.add(new Recorded("replay"));

        assertThatThrownBy(group::start).hasMessage("api: port in use");
        assertThat(log).containsExactly("start indicators", "close replay", "close api", "close indicators");
        assertThatThrownBy(() -> group.add(new Recorded("late"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void readyWhenEveryMemberIsAndDownNamingTheMembersThatAre() {
        ServiceGroup group = new ServiceGroup("pulse");
        Recorded iv3 = group.add(new Recorded("indicators-iv3"));
        Recorded iv5 = group.add(new Recorded("indicators-iv5"));
        group.resource(() -> { });
        group.start();
        assertThat(group.isReady()).isTrue();
        assertThat(group.health()).isEqualTo(Service.Health.UP);
        assertThat(group.checks()).containsExactly(Map.entry("indicators-iv3", "ready"), Map.entry("indicators-iv5", "ready"));

        iv3.ready = false;
        assertThat(group.isReady()).isFalse();
        assertThat(group.status()).isEqualTo("waiting for indicators-iv3");
        assertThat(group.health()).isEqualTo(Service.Health.UP);

        iv5.health = Service.Health.DOWN;
        assertThat(group.health()).isEqualTo(Service.Health.DOWN);
        assertThat(group.down()).containsOnlyKeys("indicators-iv5");
        assertThat(group.status()).isEqualTo("DOWN: indicators-iv5");
    }

    @Test
    void membersHaveDistinctNames() {
        ServiceGroup group = new ServiceGroup("pulse");
        group.add(new Recorded("alerting"));

        assertThatThrownBy(() -> group.add(new Recorded("alerting"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alerting");
    }

    @Test
    void anAdaptedComponentIsClosedOnceStartedOrNot() {
        List<String> closed = new ArrayList<>();
        Service adapted = Service.of("gios-api", () -> log.add("start"), () -> true, () -> closed.add("closed"));

        adapted.close();
        adapted.close();

        assertThat(closed).containsExactly("closed");
        assertThat(adapted.checks()).containsExactly(Map.entry("gios-api", "ready"));
    }
}
