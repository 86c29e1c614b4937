package pl.krakow.pulse.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.platform.config.PulseConfig;

/**
 * One component of Kraków Pulse as its own process, against a Kafka cluster and schema registry ({@code bootstrap.servers},
 * {@code schema.registry.url}): {@code pulse ingest}, {@code pulse indicators}, {@code pulse alerting},
 * {@code pulse publish}. Each reads the same configuration as {@code pulse run}, serves {@code /health},
 * {@code /ready} and {@code /metrics} ({@code management.http.*}; publish on its API port), and runs until SIGTERM
 * or Ctrl-C, then stops within {@link #STOP_BOUND} (a rolling restart waits for it) and exits 0.
 *
 * <p>Exit statuses: 0 stopped on a signal; 2 bad configuration (no cluster configured, an unknown key); 3 the
 * cluster or the registry unreachable at start-up for {@code startup.connect.timeout}; 1 anything else.
 */
abstract class ComponentCommand implements Callable<Integer> {

    /** How long a stop may take before the process halts anyway: orchestrators wait 10 s (compose) to 30 s (Kubernetes). */
    static final Duration STOP_BOUND = Duration.ofSeconds(10);

    @Mixin
    ConfigOptions options;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory (Streams state, the read side's history store); one per instance. Default ./pulse-data.")
    Path dataDir;

    /** What this command runs. */
    abstract Components components();

    /** Command-specific overrides on top of --set (e.g. --http-port). */
    void addOverrides(Map<String, String> overrides) {
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = new LinkedHashMap<>();
        if (dataDir != null) {
            overrides.put(PlatformConfig.DATA_DIR.name(), dataDir.toString());
        }
        addOverrides(overrides);
        PulseConfig config = options.load(overrides);
        return runUntilStopped(PulseRuntime.start(config, false, components()), runtime -> runtime.printStarted(System.out));
    }

    /**
     * Runs {@code runtime} until the JVM is asked to stop: prints once started, then a line whenever a service goes
     * DOWN or recovers (so the console never says "running" alone while an application is stuck); on the signal closes
     * everything, prints how long that took and exits 0 — or halts with 1 when closing overran {@link #STOP_BOUND}.
     */
    static int runUntilStopped(PulseRuntime runtime, java.util.function.Consumer<PulseRuntime> printStarted)
            throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            long stopping = System.nanoTime();
            Thread watchdog = new Thread(() -> {
                try {
                    Thread.sleep(STOP_BOUND.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
                System.out.println("pulse " + runtime.components().describe() + " did not stop within " + STOP_BOUND.toSeconds()
                        + " s; halting");
                System.out.flush();
                Runtime.getRuntime().halt(1);
            }, "pulse-stop-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            runtime.close();
            watchdog.interrupt();
            System.out.println(String.format(java.util.Locale.ROOT, "pulse %s stopped in %.1f s", runtime.components().describe(),
                    (System.nanoTime() - stopping) / 1e9));
            System.out.flush();
            stopped.countDown();
            // The JVM would exit 143 (128 + SIGTERM) after the hooks; a clean stop is a success for an orchestrator.
            Runtime.getRuntime().halt(0);
        }, "pulse-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        printStarted.accept(runtime);
        ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pulse-health-watch");
            t.setDaemon(true);
            return t;
        });
        AtomicReference<Map<String, String>> down = new AtomicReference<>(Map.of());
        watch.scheduleWithFixedDelay(() -> RunCommand.healthChanges(down.getAndSet(runtime.services().down()), down.get())
                .forEach(System.out::println), RunCommand.HEALTH_WATCH_INTERVAL.toMillis(),
                RunCommand.HEALTH_WATCH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        stopped.await();
        watch.shutdownNow();
        return 0;
    }

    @Command(name = "ingest", mixinStandardHelpOptions = true,
            description = "Run the feeds alone against a cluster: replays, pollers, the sensor and incident push endpoints "
                    + "(HTTP, MQTT), the station reference. The demo feeds (bundled replay, incident simulator) only when "
                    + "set: replay.bundled.on.start=true, safety.simulator.enabled=true.")
    static final class Ingest extends ComponentCommand {
        @Override
        Components components() {
            return Components.only(Components.Part.INGEST);
        }
    }

    @Command(name = "indicators", mixinStandardHelpOptions = true,
            description = "Run indicator applications alone against a cluster; start several instances (each with its own "
                    + "--data-dir) to share the partitions, with streams.num.standby.replicas for fast failover.")
    static final class Indicators extends ComponentCommand {
        @Option(names = "--goal", paramLabel = "GOAL", split = ",",
                description = "IV.3, IV.4, IV.5 or all (default all); repeatable or comma-separated.")
        List<String> goals = List.of();

        @Override
        Components components() {
            return Components.indicators(Components.Goal.parse(goals));
        }
    }

    @Command(name = "alerting", mixinStandardHelpOptions = true,
            description = "Run alerting alone against a cluster: the alert application and its notifiers (log, webhooks).")
    static final class Alerting extends ComponentCommand {
        @Override
        Components components() {
            return Components.only(Components.Part.ALERTING);
        }
    }

    @Command(name = "publish", mixinStandardHelpOptions = true,
            description = "Run the read side alone against a cluster: the HTTP API, dashboard, live updates, exports and "
                    + "/health, /ready, /metrics on http.port. Instances answer alike: put several behind a load balancer.")
    static final class Publish extends ComponentCommand {
        @Option(names = "--http-port", paramLabel = "PORT", description = "HTTP port (default 8080).")
        Integer httpPort;

        @Override
        Components components() {
            return Components.only(Components.Part.PUBLISH);
        }

        @Override
        void addOverrides(Map<String, String> overrides) {
            if (httpPort != null) {
                overrides.put(pl.krakow.pulse.publish.PublishConfig.HTTP_PORT.name(), httpPort.toString());
            }
        }
    }
}
