package pl.krakow.pulse.ingest.poll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.runtime.Backoff;
import pl.krakow.pulse.runtime.service.Service;

class PolledHttpSourceTest {

    /** A source whose one target fails its first {@code failFirst} polls. */
    static final class Flaky extends PolledHttpSource {
        final AtomicInteger polls = new AtomicInteger();

        Flaky(SimpleMeterRegistry meters, int failFirst) {
            super("flaky", Duration.ofMillis(20), new Backoff(Duration.ofMillis(40), Duration.ofMillis(80)), meters);
            addTarget("t", () -> {
                if (polls.incrementAndGet() <= failFirst) {
                    throw new IOException("HTTP 503");
                }
            });
        }
    }

    @Test
    void readyOnceTheFirstPollIsDoneEvenIfItFailedAndFailedPollsAreCounted() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Flaky source = new Flaky(meters, 2)) {
            assertThat(source.isReady()).isFalse();
            source.start();
            await().atMost(Duration.ofSeconds(5)).until(source::isReady);
            assertThat(source.health()).isEqualTo(Service.Health.UP);
            await().atMost(Duration.ofSeconds(5)).until(() -> source.polls.get() >= 4);
            assertThat(source.failing()).isFalse();
            assertThat(meters.counter(PolledHttpSource.FAILURES_METRIC, "target", "t").count()).isEqualTo(2);
        }
    }

    @Test
    void aFailedPollWaitsTheBackoffASuccessTheInterval() {
        try (Flaky source = new Flaky(new SimpleMeterRegistry(), 0)) {
            assertThat(source.delayAfter(0)).isEqualTo(Duration.ofMillis(20));
            assertThat(source.delayAfter(1)).isEqualTo(Duration.ofMillis(40));
            assertThat(source.delayAfter(3)).isEqualTo(Duration.ofMillis(80));
        }
    }

    @Test
    void closeIsIdempotentAndWorksBeforeStart() {
        Flaky source = new Flaky(new SimpleMeterRegistry(), 0);
        source.close();
        source.start();
        source.close();
        assertThat(source.isReady()).isFalse();
        assertThat(source.polls.get()).isZero();
    }
}
