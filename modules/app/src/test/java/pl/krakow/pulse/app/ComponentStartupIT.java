package pl.krakow.pulse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static pl.krakow.pulse.app.Timing.format;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.embedded.EmbeddedKafkaBroker;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.runtime.RuntimeConfig;

/**
 * A component started where its cluster or registry cannot be reached gives up after its bounded retry
 * ({@code startup.connect.timeout}, {@link #CONNECT_TIMEOUT} here) with exit status {@link #UNREACHABLE_EXIT} and a
 * message naming what it could not reach; without a cluster configured at all it refuses to start (exit
 * {@link #NOT_CONFIGURED_EXIT}). Each case is a {@code pulse indicators} child JVM ({@link ComponentProcess}); "closed"
 * is a loopback port nobody listens on. The time to give up is measured from the launch, JVM start included; the three
 * processes run at once.
 */
class ComponentStartupIT {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    static final int UNREACHABLE_EXIT = 3;
    static final int NOT_CONFIGURED_EXIT = 2;
    /**
     * Launch to exit: the 3 s retry plus a JVM start, which on 2 shared cores took 2–9 s to reach the first connection
     * attempt (6–7 s after the launch when quiet; 10.2 s and 16.4 s in all at load 11–19). Half the 60 s default: a
     * component that ignored the setting fails.
     */
    static final Duration GIVE_UP_BOUND = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    static EmbeddedKafkaBroker broker;
    static String closedCluster;
    static String closedRegistry;
    static ComponentProcess noCluster;
    static ComponentProcess noRegistry;
    static ComponentProcess unconfigured;

    /** Every case's process at once: their waits overlap, and the JVM starts share the cores for a shorter wall time. */
    @BeforeAll
    static void launchEveryCase() throws Exception {
        broker = EmbeddedKafkaBroker.builder().dataDir(dir.resolve("kafka")).build().start();
        closedCluster = "127.0.0.1:" + ComponentProcess.freePort();
        closedRegistry = "http://127.0.0.1:" + ComponentProcess.freePort();
        noCluster = launchIndicators(closedCluster, "http://127.0.0.1:" + ComponentProcess.freePort(), "no-cluster");
        noRegistry = launchIndicators(broker.bootstrapServers(), closedRegistry, "no-registry");
        unconfigured = ComponentProcess.launch(List.of("indicators", "--goal", "IV.3"), dir.resolve("unconfigured"), Map.of(),
                dir.resolve("logs"), "unconfigured");
    }

    @AfterAll
    static void stopEverything() throws Exception {
        for (ComponentProcess p : new ComponentProcess[] {noCluster, noRegistry, unconfigured}) {
            if (p != null) {
                p.close();
            }
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aClusterOnAClosedPortEndsTheStartWithExit3NamingTheCluster() throws Exception {
        ComponentProcess.Exit exit = noCluster.awaitExit(Duration.ofSeconds(60));
        print("cluster %s closed: exit %d %s after launch; said: %s", closedCluster, exit.status(), format(exit.took()),
                lastLine(noCluster));
        assertThat(exit.status()).as("exit status; output:\n%s", noCluster.tail()).isEqualTo(UNREACHABLE_EXIT);
        assertThat(noCluster.output() + noCluster.log()).as("the message names the cluster").contains(closedCluster);
        assertThat(exit.took()).as("launch to exit").isLessThanOrEqualTo(GIVE_UP_BOUND);
    }

    @Test
    void aRegistryOnAClosedPortEndsTheStartWithExit3NamingTheRegistry() throws Exception {
        ComponentProcess.Exit exit = noRegistry.awaitExit(Duration.ofSeconds(60));
        print("registry %s closed, cluster up: exit %d %s after launch; said: %s", closedRegistry, exit.status(),
                format(exit.took()), lastLine(noRegistry));
        assertThat(exit.status()).as("exit status; output:\n%s", noRegistry.tail()).isEqualTo(UNREACHABLE_EXIT);
        assertThat(noRegistry.output() + noRegistry.log()).as("the message names the registry").contains(closedRegistry);
        assertThat(exit.took()).as("launch to exit").isLessThanOrEqualTo(GIVE_UP_BOUND);
    }

    @Test
    void withoutAClusterConfiguredAComponentRefusesToStartWithExit2() throws Exception {
        ComponentProcess.Exit exit = unconfigured.awaitExit(Duration.ofSeconds(60));
        print("no bootstrap.servers: exit %d %s after launch; said: %s", exit.status(), format(exit.took()), lastLine(unconfigured));
        assertThat(exit.status()).as("exit status; output:\n%s", unconfigured.tail()).isEqualTo(NOT_CONFIGURED_EXIT);
        assertThat(unconfigured.output() + unconfigured.log()).as("the message names the missing setting")
                .contains(PlatformConfig.BOOTSTRAP_SERVERS.name());
    }

    private static ComponentProcess launchIndicators(String cluster, String registry, String name) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(PlatformConfig.BOOTSTRAP_SERVERS.name(), cluster);
        settings.put(PlatformConfig.SCHEMA_REGISTRY_URL.name(), registry);
        settings.put(RuntimeConfig.STARTUP_CONNECT_TIMEOUT.name(), CONNECT_TIMEOUT.toString());
        return ComponentProcess.launch(List.of("indicators", "--goal", "IV.3"), dir.resolve(name), settings, dir.resolve("logs"), name);
    }

    /** The last non-blank line it printed (standard error first: where a start-up failure's message goes). */
    private static String lastLine(ComponentProcess p) {
        for (String text : List.of(p.log(), p.output())) {
            List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
            if (!lines.isEmpty()) {
                return lines.get(lines.size() - 1);
            }
        }
        return "(nothing)";
    }

    private static void print(String format, Object... args) {
        Timing.print("startup-test", format, args);
    }
}
