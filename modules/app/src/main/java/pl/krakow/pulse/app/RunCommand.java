package pl.krakow.pulse.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.runtime.RuntimeConfig;
import pl.krakow.pulse.publish.PublishConfig;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.ingest.IngestConfig;

/** {@code pulse run}: everything in one JVM, on the embedded platform unless a cluster is configured. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Start Kraków Pulse: embedded Kafka broker and schema registry (unless bootstrap.servers / "
                + "schema.registry.url are set), indicator topologies, HTTP API, and a replay of the bundled real data.")
public final class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options;

    @Option(names = "--no-replay", description = "Do not replay the bundled Kraków air-quality data at start-up.")
    boolean noReplay;

    @Option(names = "--fresh", description = "Delete the data directory first and start empty.")
    boolean fresh;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (broker log, streams state); default ./pulse-data.")
    Path dataDir;

    @Option(names = "--http-port", paramLabel = "PORT", description = "HTTP port (default 8080).")
    Integer httpPort;

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = new LinkedHashMap<>();
        if (dataDir != null) {
            overrides.put(PlatformConfig.DATA_DIR.name(), dataDir.toString());
        }
        if (httpPort != null) {
            overrides.put(PublishConfig.HTTP_PORT.name(), httpPort.toString());
        }
        if (noReplay) {
            overrides.put(RunConfig.REPLAY_ON_START.name(), "false");
        }
        PulseConfig config = withBundledReplayIdleTimeout(PulseRuntime.withDemoFeedsOffOnACluster(options.load(overrides)));
        return ComponentCommand.runUntilStopped(PulseRuntime.start(config, fresh),
                runtime -> runtime.printWhereEverythingListens(System.out));
    }

    /** How often pulse run looks for a service that went DOWN (e.g. a Streams application stuck) or came back. */
    static final Duration HEALTH_WATCH_INTERVAL = Duration.ofSeconds(5);

    /**
     * The console lines for what changed between two looks at the DOWN services (name to status): one line per
     * service that went DOWN, saying why, and one per service that is UP again — so the terminal never says
     * "running" alone while an application is stuck.
     */
    static List<String> healthChanges(Map<String, String> before, Map<String, String> now) {
        List<String> lines = new ArrayList<>();
        now.forEach((name, status) -> {
            if (!before.containsKey(name)) { // once, not at every look: the status of a stuck app counts its seconds
                lines.add("!! " + name + " is DOWN: " + status + "   (/health answers 503)");
            }
        });
        before.keySet().stream().filter(name -> !now.containsKey(name))
                .forEach(name -> lines.add("   " + name + " recovered: it is making progress again"));
        return lines;
    }

    /** Idle timeout of the demo: the bundled replay at full speed, then nothing (see {@link #withBundledReplayIdleTimeout}). */
    static final Duration BUNDLED_REPLAY_IDLE_TIMEOUT = Duration.ofMinutes(1);

    /**
     * The bundled replay ends on 2017-04-01 01:00 and nothing follows, so the quarter's last day can only close by the
     * idle release (DailyMeanProcessor): with the 1 h default a new user would see 31 March PROVISIONAL for an hour.
     * When {@code pulse run} replays the bundled data at full speed and the operator left
     * {@code indicators.idle.timeout} at its default, it uses one minute instead — safe here because a full-speed
     * replay never stalls that long; a slower replay of history would, which is why the general default stays 1 h.
     */
    static PulseConfig withBundledReplayIdleTimeout(PulseConfig config) {
        if (config.get(RunConfig.REPLAY_ON_START) && config.get(IngestConfig.REPLAY_SPEED).isMax()
                && config.originOf(RuntimeConfig.IDLE_TIMEOUT).equals(PulseConfig.Origin.DEFAULT.describe(config.file()))) {
            return config.with(Map.of(RuntimeConfig.IDLE_TIMEOUT.name(), BUNDLED_REPLAY_IDLE_TIMEOUT.toString()));
        }
        return config;
    }
}
