package pl.krakow.pulse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.util.Map;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import pl.krakow.pulse.alerting.AlertingTopology;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.indicators.Iv3EnvironmentTopology;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.publish.PublishConfig;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.runtime.replica.ConsumerGroupLag;
import pl.krakow.pulse.testsupport.kafka.TopicReader;

/** Starts the real {@code pulse run} components on free loopback ports in a temporary data dir. */
final class PulseTestRuntime {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(500);

    private PulseTestRuntime() {
    }

    static PulseConfig config(Path dataDir, boolean replay) {
        return ConfigCatalog.load(null, Map.of(), Map.of(
                PlatformConfig.DATA_DIR.name(), dataDir.toString(),
                RunConfig.EMBEDDED_KAFKA_PORT.name(), "0",
                RunConfig.EMBEDDED_REGISTRY_PORT.name(), "0",
                RunConfig.EMBEDDED_MQTT_PORT.name(), "0",
                PublishConfig.HTTP_HOST.name(), "127.0.0.1",
                PublishConfig.HTTP_PORT.name(), "0",
                RunConfig.REPLAY_ON_START.name(), Boolean.toString(replay)));
    }

    /**
     * Values of the IV.3 indicators held by the runtime's read model: what {@link #readTable} reads from
     * the topic should all be there. The read model also holds IV.4 and IV.5 values (bundled mobility
     * replay, simulated incidents), which change on their own schedule.
     */
    static long readModelIv3Size(PulseRuntime runtime) {
        var model = runtime.readModel();
        long n = 0;
        for (String id : model.indicatorIds()) {
            if (id.startsWith("iv3.")) {
                for (String scope : model.scopes(id)) {
                    n += model.history(id, scope, java.time.Instant.EPOCH, java.time.Instant.parse("2100-01-01T00:00:00Z")).size();
                }
            }
        }
        return n;
    }

    /** The indicator table as a table: the last value per key, read to the end of every partition. */
    static Map<String, IndicatorValue> readTable(PulseRuntime runtime) {
        return TopicReader.latestPerKey(runtime.clients(), runtime.serdes(), Topics.INDICATORS_IV3);
    }

    /**
     * Waits until the IV.3 tables and the alerts no longer change, instead of guessing with a quiet period: the
     * bundled replay finished; the IV.3 and alerting Streams applications have committed, in one pass, offsets at
     * the end of every partition they read ({@link ConsumerGroupLag}: source and repartition topics) — so, with
     * exactly-once, everything they derived is committed too; and then the read model has applied everything on
     * the indicator tables up to their end offsets of that moment. IV.4 and IV.5 are left out on purpose: the
     * bundled mobility replay and the incident simulator (a backfill, then live) change them on their own schedule.
     */
    static void awaitQuiescent(PulseRuntime runtime, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        assertThat(runtime.awaitReplay(timeout)).as("the bundled replay finished").isNotNull();
        String prefix = runtime.clients().config().get(PlatformConfig.APPLICATION_ID_PREFIX) + "-";
        List<String> applications = List.of(prefix + Iv3EnvironmentTopology.APPLICATION_SUFFIX,
                prefix + AlertingTopology.APPLICATION_SUFFIX);
        try (Admin admin = Admin.create(runtime.clients().admin("it-quiescence-" + UUID.randomUUID()))) {
            await().atMost(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))).pollInterval(POLL)
                    .untilAsserted(() -> assertThat(ConsumerGroupLag.behind(admin, applications)).as("applications behind").isEmpty());
        }
        Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        assertThat(runtime.readModel().awaitCurrentEndOffsets(left)).as("read model caught up with the indicator tables")
                .isTrue();
    }
}
