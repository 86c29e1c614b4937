package pl.krakow.pulse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import pl.krakow.pulse.embedded.EmbeddedSchemaRegistry;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.publish.PublishConfig;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.testsupport.data.KrakowPm10Days2017Q1;

/**
 * The vertical slice against a containerised Apache Kafka (KRaft) instead of the embedded broker:
 * the same runtime, pointed at an external cluster through {@code bootstrap.servers}. Skipped where no
 * Docker daemon runs; the same behaviour is covered on the embedded broker by {@link Iv3RealDataIT}.
 */
@Testcontainers(disabledWithoutDocker = true)
class PulseSliceDockerIT {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0");

    @TempDir
    Path dataDir;

    @Test
    void bundledReplayProducesDailyMeansOnAContainerisedCluster() throws Exception {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder()
                .bootstrapServers(KAFKA.getBootstrapServers()).build().start()) {
            PulseConfig config = ConfigCatalog.load(null, Map.of(), Map.of(
                    PlatformConfig.BOOTSTRAP_SERVERS.name(), KAFKA.getBootstrapServers(),
                    PlatformConfig.SCHEMA_REGISTRY_URL.name(), registry.url(),
                    PlatformConfig.DATA_DIR.name(), dataDir.toString(),
                    PublishConfig.HTTP_PORT.name(), "0",
                    RunConfig.REPLAY_ON_START.name(), "true")); // a cluster runs the demo replay only when asked
            try (PulseRuntime runtime = PulseRuntime.start(config, false)) {
                runtime.awaitReplay(Duration.ofMinutes(2));
                int stationDays = KrakowPm10Days2017Q1.stationDays(KrakowPm10Days2017Q1.pm10Days());
                await().atMost(Duration.ofMinutes(2)).until(() -> PulseTestRuntime.readTable(runtime).size() >= stationDays);
                Map<String, IndicatorValue> table = PulseTestRuntime.readTable(runtime);
                assertThat(table.keySet()).anyMatch(k -> k.startsWith("iv3.pm10.daily_mean|station:MpKrakAlKras|2017-01-01"));
            }
        }
    }
}
