package pl.krakow.pulse.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.registry.HttpSchemaRegistryClient;

/**
 * A component pointed at nothing gives up after the bound with one line naming what it could not reach, instead of
 * retrying in the background for ever (the reachable case is every component IT's start).
 */
class PlatformReachabilityTest {

    @Test
    void anUnreachableClusterIsNamedAfterTheBound() throws IOException {
        int port = closedPort();
        KafkaClients clients = new KafkaClients("127.0.0.1:" + port, PulseConfig.load(java.util.List.of(), null, Map.of(), Map.of()));
        long start = System.nanoTime();
        assertThatThrownBy(() -> PlatformReachability.awaitCluster(clients, Duration.ofSeconds(2)))
                .isInstanceOf(PlatformReachability.UnreachableException.class)
                .hasMessageContaining("Kafka cluster at 127.0.0.1:" + port + " unreachable after 2 s");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void anUnreachableRegistryIsNamedAfterTheBound() throws IOException {
        String url = "http://127.0.0.1:" + closedPort();
        try (HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(url)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> PlatformReachability.awaitRegistry(registry, url, "environment.air-quality.v1-value",
                    Duration.ofSeconds(2)))
                    .isInstanceOf(PlatformReachability.UnreachableException.class)
                    .hasMessageContaining("schema registry at " + url + " unreachable after 2 s");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        }
    }

    /** A loopback port nobody listens on (bound, then released). */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
