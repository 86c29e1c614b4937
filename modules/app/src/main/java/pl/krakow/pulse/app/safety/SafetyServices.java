package pl.krakow.pulse.app.safety;

import pl.krakow.pulse.runtime.streams.TopologyOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.runtime.streams.StreamsApplication;
import pl.krakow.pulse.indicators.Iv3EnvironmentTopology;
import pl.krakow.pulse.indicators.iv5.Iv5SafetyTopology;
import pl.krakow.pulse.indicators.iv5.PopulationTable;
import pl.krakow.pulse.ingest.EventPublisher;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.push.BearerTokens;
import pl.krakow.pulse.ingest.push.SensorPushServer;
import pl.krakow.pulse.ingest.safety.CityProfile;
import pl.krakow.pulse.ingest.safety.IncidentJsonParser;
import pl.krakow.pulse.ingest.safety.IncidentSimulator;
import pl.krakow.pulse.ingest.safety.SafetyPush;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.runtime.RuntimeConfig;
import pl.krakow.pulse.ingest.safety.SafetyConfig;
import pl.krakow.pulse.ingest.IngestConfig;
import pl.krakow.pulse.indicators.IndicatorsConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.serde.PulseSerdes;

/**
 * The safety domain inside {@code pulse run}: the {@code indicators-iv5} Kafka Streams application
 * ({@link Iv5SafetyTopology}), the SIMULATED Kraków incident feed ({@code safety.simulator.enabled}; a backfill
 * of {@code safety.simulator.backfill} on a background thread, then live), and the incident push endpoint for
 * city systems when {@code safety.push.http.tokens} is set. Started and stopped as one unit by the runtime.
 */
public final class SafetyServices implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SafetyServices.class);

    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private StreamsApplication indicators;
    private SensorPushServer push;
    private IncidentSimulator simulator;
    private Thread backfill;
    private volatile Integer backfilled;

    private SafetyServices() {
    }

    /** Starts everything the configuration asks for; on failure stops what was started and rethrows. */
    public static SafetyServices start(PulseConfig config, KafkaClients clients, PulseSerdes serdes, PulseMetrics metrics,
                                       IndicatorCatalog catalog, ZoneId zone, Path stateDir) {
        SafetyServices s = new SafetyServices();
        try {
            s.startAll(config, clients, serdes, metrics, catalog, zone, stateDir);
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void startAll(PulseConfig config, KafkaClients clients, PulseSerdes serdes, PulseMetrics metrics,
                          IndicatorCatalog catalog, ZoneId zone, Path stateDir) {
        String populationFile = config.get(IndicatorsConfig.POPULATION_FILE);
        PopulationTable population = populationFile.isBlank() ? PopulationTable.krakowDefault()
                : PopulationTable.krakowWith(Path.of(populationFile));
        TopologyOptions options = TopologyOptions.defaults()
                .withMeters(metrics.registry())
                .withEmitInterval(config.get(RuntimeConfig.EMIT_INTERVAL));
        indicators = track(new StreamsApplication(clients, serdes, metrics, stateDir, Iv5SafetyTopology.APPLICATION_SUFFIX,
                metrics.registry(), Clock.systemUTC(),
                builder -> Iv5SafetyTopology.build(builder, serdes, catalog, zone, population, options)));
        indicators.start();

        EventPublisher publisher = track(new EventPublisher(clients, serdes, metrics, "pulse-safety"));
        IngestContext context = IngestContext.from(config, metrics.registry());
        CityProfile city = CityProfile.krakow();
        BearerTokens tokens = config.get(SafetyConfig.PUSH_HTTP_TOKENS);
        if (!tokens.isEmpty()) {
            push = track(SafetyPush.start(new IncidentJsonParser(context, city), publisher, tokens,
                    config.get(IngestConfig.PUSH_HTTP_HOST), config.get(SafetyConfig.PUSH_HTTP_PORT)));
        }
        if (config.get(SafetyConfig.SIMULATOR_ENABLED)) {
            // Fixed seed and a day-aligned start: a restart on the same data directory regenerates the same
            // event ids, which the IV.5 topology recognises as duplicates instead of counting twice.
            simulator = track(new IncidentSimulator(city, publisher, context, IncidentSimulator.Calibration.KRAKOW_2020, 2020));
            Instant now = context.clock().instant();
            Instant from = now.minus(config.get(SafetyConfig.SIMULATOR_BACKFILL)).atZone(zone).toLocalDate()
                    .atStartOfDay(zone).toInstant();
            backfill = new Thread(() -> {
                try {
                    backfilled = simulator.backfill(from, now);
                    LOG.info("Simulator backfilled {} SIMULATED Kraków road incidents since {}", backfilled, from);
                    simulator.startLive();
                } catch (RuntimeException e) {
                    LOG.error("Incident simulator failed", e);
                }
            }, "pulse-incident-simulator-backfill");
            backfill.setDaemon(true);
            backfill.start();
        }
    }

    /** The IV.5 application's state, for /ready. */
    public KafkaStreams.State state() {
        return indicators == null ? null : indicators.state();
    }

    public boolean isRunning() {
        return indicators != null && indicators.isRunning();
    }

    public StreamsApplication indicators() {
        return indicators;
    }

    /** The incident push endpoint's URL, or null when no tokens are configured. */
    public String pushUrl() {
        return push == null ? null : push.url();
    }

    public void printWhereEverythingListens(PrintStream out) {
        out.println("  Indicators (IV.5)       : safety; the bundled incidents are SIMULATED (feed=simulated)"
                + (simulator == null ? " — simulator off" : ", " + IncidentSimulator.Calibration.KRAKOW_2020.source()));
        out.println("  Incident push (HTTP)    : " + (push != null ? push.url() + "   (Bearer token)" : "off (set safety.push.http.tokens)"));
    }

    private <T extends AutoCloseable> T track(T component) {
        toClose.push(component);
        return component;
    }

    @Override
    public void close() {
        if (backfill != null) {
            backfill.interrupt();
        }
        while (!toClose.isEmpty()) {
            AutoCloseable c = toClose.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("Error stopping {}: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
