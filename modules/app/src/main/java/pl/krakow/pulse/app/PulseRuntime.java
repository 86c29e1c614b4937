package pl.krakow.pulse.app;

import pl.krakow.pulse.runtime.streams.TopologyOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.embedded.EmbeddedKafkaBroker;
import pl.krakow.pulse.embedded.EmbeddedMqttBroker;
import pl.krakow.pulse.embedded.EmbeddedSchemaRegistry;
import pl.krakow.pulse.app.safety.SafetyServices;
import pl.krakow.pulse.alerting.AlertingService;
import pl.krakow.pulse.runtime.streams.StreamsApplication;
import pl.krakow.pulse.indicators.iv4.Iv4MobilityTopology;
import pl.krakow.pulse.ingest.mobility.MobilityFeeds;
import pl.krakow.pulse.indicators.Iv3EnvironmentTopology;
import pl.krakow.pulse.ingest.ConsoleProgressBar;
import pl.krakow.pulse.ingest.EventPublisher;
import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.push.MqttSensorSubscriber;
import pl.krakow.pulse.ingest.push.BearerTokens;
import pl.krakow.pulse.ingest.push.SensorPushServer;
import pl.krakow.pulse.ingest.environment.sensors.SensorReadingParser;
import pl.krakow.pulse.ingest.FeedFormats;
import pl.krakow.pulse.ingest.FileReplayer;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ProgressListener;
import pl.krakow.pulse.ingest.ReplayReport;
import pl.krakow.pulse.ingest.ReplaySpeed;
import pl.krakow.pulse.ingest.environment.BundledData;
import pl.krakow.pulse.ingest.environment.GiosWideCsvParser;
import pl.krakow.pulse.ingest.environment.ImgwSynopCsvParser;
import pl.krakow.pulse.ingest.environment.StationReference;
import pl.krakow.pulse.ingest.environment.gios.GiosApiPoller;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.ingest.environment.EnvironmentIngestConfig;
import pl.krakow.pulse.ingest.IngestConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.registry.HttpSchemaRegistryClient;
import pl.krakow.pulse.platform.registry.SchemaProvisioner;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.TopicProvisioner;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.publish.ApiServer;
import pl.krakow.pulse.publish.IndicatorReadModel;
import pl.krakow.pulse.publish.PublishApplication;
import pl.krakow.pulse.publish.ReadinessReport;

/**
 * Everything {@code pulse run} starts, in dependency order, and stops in reverse: the embedded
 * broker and registry (unless a cluster is configured), topics and schemas, the IV.3 indicator
 * topology, the read model and HTTP API, and the replay of the bundled data. Used by the CLI and by
 * the integration tests, so the tests exercise exactly what a user starts.
 */
public final class PulseRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PulseRuntime.class);

    private final PulseConfig config;
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private final long startedAtNanos = System.nanoTime();
    private EmbeddedKafkaBroker broker;
    private EmbeddedSchemaRegistry embeddedRegistry;
    private String bootstrapServers;
    private String registryUrl;
    private PulseMetrics metrics;
    private PulseSerdes serdes;
    private KafkaClients clients;
    private StreamsApplication indicators;
    private StreamsApplication indicatorsIv4;
    private MobilityFeeds mobility;
    private SafetyServices safety;
    private AlertingService alerting;
    private IndicatorReadModel readModel;
    private ApiServer api;
    private PublishApplication publish;
    private Thread replayThread;
    private SensorPushServer pushServer;
    private EmbeddedMqttBroker mqttBroker;
    private String mqttUrl;
    private volatile ReplayReport replayReport;
    private volatile boolean closed;

    private PulseRuntime(PulseConfig config) {
        this.config = config;
    }

    /** Starts every component; on failure stops what was started and rethrows. */
    public static PulseRuntime start(PulseConfig config, boolean fresh) {
        PulseRuntime runtime = new PulseRuntime(config);
        try {
            runtime.startAll(fresh);
            return runtime;
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    private void startAll(boolean fresh) {
        Path dataDir = Path.of(config.get(PlatformConfig.DATA_DIR)).toAbsolutePath().normalize();
        if (fresh) {
            deleteRecursively(dataDir);
        }
        createDirectories(dataDir);
        metrics = track(new PulseMetrics("pulse"));

        if (config.embeddedKafka()) {
            broker = track(EmbeddedKafkaBroker.builder()
                    .dataDir(dataDir.resolve("kafka"))
                    .brokerPort(config.get(RunConfig.EMBEDDED_KAFKA_PORT))
                    .build()
                    .start());
            bootstrapServers = broker.bootstrapServers();
        } else {
            bootstrapServers = config.get(PlatformConfig.BOOTSTRAP_SERVERS);
        }
        if (config.embeddedRegistry()) {
            embeddedRegistry = track(EmbeddedSchemaRegistry.builder()
                    .bootstrapServers(bootstrapServers)
                    .port(config.get(RunConfig.EMBEDDED_REGISTRY_PORT))
                    .replicationFactor(config.get(PlatformConfig.TOPIC_REPLICATION_FACTOR))
                    .build()
                    .start());
            registryUrl = embeddedRegistry.url();
        } else {
            registryUrl = config.get(PlatformConfig.SCHEMA_REGISTRY_URL);
        }

        clients = new KafkaClients(bootstrapServers, config);
        HttpSchemaRegistryClient registry = track(new HttpSchemaRegistryClient(registryUrl));
        serdes = new PulseSerdes(registry);
        if (config.get(PlatformConfig.TOPICS_CREATE)) {
            try (AdminClient admin = AdminClient.create(clients.admin("pulse-provisioner"))) {
                TopicProvisioner.ensure(admin, Topics.all(), config.get(PlatformConfig.TOPIC_REPLICATION_FACTOR),
                        config.get(PlatformConfig.TOPIC_PARTITIONS));
            }
        }
        SchemaProvisioner.ensure(registry, Topics.all());

        IndicatorCatalog catalog = IndicatorCatalog.bundled();
        ZoneId zone = ZoneId.of(config.get(PlatformConfig.TIME_ZONE));
        TopologyOptions options = TopologyOptions.fromConfig(config, metrics.registry());
        indicators = track(Iv3EnvironmentTopology.application(clients, serdes, catalog, zone, metrics, dataDir.resolve("streams"), options));
        indicators.start();
        indicatorsIv4 = track(Iv4MobilityTopology.application(clients, serdes, catalog, zone, metrics, dataDir.resolve("streams"), options));
        indicatorsIv4.start();
        safety = track(SafetyServices.start(config, clients, serdes, metrics, catalog, zone, dataDir.resolve("streams")));
        alerting = track(AlertingService.start(config, clients, serdes, metrics, catalog, dataDir.resolve("streams")));

        publish = track(PublishApplication.start(config, clients, serdes, catalog, metrics, this::readiness));
        readModel = publish.indicators();
        api = publish.api();

        publishStationReference();
        mobility = track(MobilityFeeds.start(config, clients, serdes, metrics, config.get(RunConfig.REPLAY_ON_START)));
        startSensorPush();
        startGiosApiPoller();
        if (config.get(RunConfig.REPLAY_ON_START)) {
            startBundledReplay();
        }
    }

    /** Sensor push: the authenticated HTTP endpoint (when tokens are configured) and the MQTT subscription. */
    private void startSensorPush() {
        EventPublisher publisher = track(new EventPublisher(clients, serdes, metrics, "pulse-sensor-push"));
        IngestContext context = IngestContext.from(config, metrics.registry());
        SensorReadingParser parser = new SensorReadingParser(EventValidator.of(context, Set.of()), context.clock(), Set.of());
        BearerTokens tokens = config.get(EnvironmentIngestConfig.PUSH_HTTP_TOKENS);
        if (!tokens.isEmpty()) {
            pushServer = track(new SensorPushServer(parser, publisher, tokens, config.get(IngestConfig.PUSH_HTTP_HOST),
                    config.get(EnvironmentIngestConfig.PUSH_HTTP_PORT), SensorPushServer.DEFAULT_MAX_BODY_BYTES));
        }
        if (config.get(EnvironmentIngestConfig.PUSH_MQTT_ENABLED)) {
            String user = blankToNull(config.get(EnvironmentIngestConfig.PUSH_MQTT_USERNAME));
            String password = blankToNull(config.get(EnvironmentIngestConfig.PUSH_MQTT_PASSWORD));
            String url = config.get(EnvironmentIngestConfig.PUSH_MQTT_URL);
            if (url.isBlank()) {
                mqttBroker = track(new EmbeddedMqttBroker("127.0.0.1", config.get(RunConfig.EMBEDDED_MQTT_PORT), user, password));
                url = mqttBroker.serverUri();
            }
            mqttUrl = url;
            track(new MqttSensorSubscriber(url, config.get(PlatformConfig.APPLICATION_ID_PREFIX) + "-sensor-push",
                    config.get(EnvironmentIngestConfig.PUSH_MQTT_TOPIC), 1, user, password, parser, publisher).start());
        }
    }

    /** The GIOŚ API poller, only when ingest.gios.api.url is set: the embedded default makes no network calls. */
    private void startGiosApiPoller() {
        if (!config.get(EnvironmentIngestConfig.GIOS_API_URL).isBlank()) {
            EventPublisher publisher = track(new EventPublisher(clients, serdes, metrics, "pulse-gios-api"));
            GiosApiPoller.fromConfig(config, publisher, IngestContext.from(config, metrics.registry())).ifPresent(p -> track(p.start()));
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** reference.stations.v1: the GIOŚ station list with each station's district (compacted, so republishing is harmless). */
    private void publishStationReference() {
        try (EventPublisher publisher = new EventPublisher(clients, serdes, metrics, "pulse-reference-stations")) {
            int published = StationReference.bundled(java.time.Clock.systemUTC()).publish(publisher);
            LOG.info("Published {} monitoring stations with their districts to {}", published, Topics.REFERENCE_STATIONS.name());
        }
    }

    private void startBundledReplay() {
        EventPublisher publisher = track(new EventPublisher(clients, serdes, metrics, "pulse-replay-bundled"));
        FileReplayer replayer = new FileReplayer(publisher, IngestContext.from(config, metrics.registry()));
        ReplaySpeed speed = config.get(IngestConfig.REPLAY_SPEED);
        replayThread = new Thread(() -> {
            try {
                // The bundled IMGW weather (744 hours) first, at full speed: it is tiny and feeds no indicator yet.
                ReplayReport weather = replayer.replay(FeedFormats.discover().get(ImgwSynopCsvParser.FEED),
                        List.of(BundledData.weatherCsv()), ReplaySpeed.MAX, ProgressListener.NONE);
                LOG.info("Replayed the bundled IMGW weather to {}: {}", Topics.WEATHER.name(), weather);
                replayReport = replayer.replay(FeedFormats.discover().get(GiosWideCsvParser.FEED),
                        List.of(BundledData.airQualityCsv()), speed, new ConsoleProgressBar(System.err));
                publisher.flush();
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.error("Replay of the bundled data failed", e);
                }
            }
        }, "pulse-bundled-replay");
        replayThread.setDaemon(true);
        replayThread.start();
    }

    /** /ready: the indicator topology runs and the read model has caught up with the tables. */
    ReadinessReport readiness() {
        Map<String, String> checks = new LinkedHashMap<>();
        KafkaStreams.State state = indicators == null ? null : indicators.state();
        boolean streamsOk = state == KafkaStreams.State.RUNNING;
        checks.put("indicators-iv3", String.valueOf(state));
        KafkaStreams.State iv4 = indicatorsIv4 == null ? null : indicatorsIv4.state();
        streamsOk &= iv4 == KafkaStreams.State.RUNNING;
        checks.put("indicators-iv4", String.valueOf(iv4));
        checks.put("indicators-iv5", safety == null ? "not started" : String.valueOf(safety.state()));
        streamsOk &= safety != null && safety.isRunning();
        boolean readOk = readModel != null && readModel.isCaughtUp();
        checks.put("read-model", readModel == null ? "not started" : readModel.status());
        boolean alertingOk = alerting != null && alerting.isReady();
        checks.put("alerting", alerting == null ? "not started" : alerting.status());
        return new ReadinessReport(streamsOk && readOk && alertingOk, checks);
    }

    public void printWhereEverythingListens(PrintStream out) {
        double seconds = (System.nanoTime() - startedAtNanos) / 1e9;
        out.println();
        out.println("Kraków Pulse is running (started in " + String.format(java.util.Locale.ROOT, "%.1f", seconds) + " s)");
        out.println("  Kafka bootstrap servers : " + bootstrapServers + (broker != null ? "   (embedded KRaft broker, data in "
                + broker.dataDir() + ")" : ""));
        out.println("  Schema registry         : " + registryUrl + (embeddedRegistry != null ? "   (embedded, persisted in _schemas)" : ""));
        out.println("  Dashboard               : " + api.url() + "/");
        out.println("  HTTP API                : " + api.url() + "/api/v1/goals   (OpenAPI: " + api.url() + "/api/openapi.json)");
        out.println("  Indicators (IV.3)       : " + api.url() + "/api/v1/goals/IV.3/indicators");
        out.println("  Health / readiness      : " + api.url() + "/health   " + api.url() + "/ready");
        out.println("  Prometheus metrics      : " + api.url() + "/metrics");
        out.println("  Alerts                  : topic alerts.v1, " + (alerting.application() == null ? "off (alerting.enabled=false)"
                : alerting.status() + "   (notifiers: log, webhooks from alerting.webhook.urls)"));
        out.println("  Sensor push (HTTP)      : " + (pushServer != null ? pushServer.url() + SensorPushServer.PATH
                + "   (Bearer token)" : "off (set ingest.push.http.tokens)"));
        out.println("  Sensor push (MQTT)      : " + (mqttUrl != null ? mqttUrl + "  topic " + config.get(EnvironmentIngestConfig.PUSH_MQTT_TOPIC)
                + (mqttBroker != null ? "   (embedded broker)" : "") : "off"));
        out.println("  Indicators (IV.4)       : " + api.url() + "/api/v1/goals/IV.4/indicators");
        safety.printWhereEverythingListens(out);
        out.println("  GIOŚ API poller         : " + (config.get(EnvironmentIngestConfig.GIOS_API_URL).isBlank() ? "off (set ingest.gios.api.url)"
                : config.get(EnvironmentIngestConfig.GIOS_API_URL) + "   (" + config.get(EnvironmentIngestConfig.GIOS_API_CITY) + ", every "
                + config.get(EnvironmentIngestConfig.GIOS_API_INTERVAL) + ")"));
        out.println("  Bundled replay          : " + (replayThread != null ? "running (real GIOŚ/WIOŚ PM data, 2017 Q1; Kraków GTFS-RT, Poznań TripUpdates, Oslo GBFS; IMGW Kraków-Balice weather, January 2019)" : "off (--no-replay)"));
        out.println("Press Ctrl-C to stop.");
        out.flush();
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String schemaRegistryUrl() {
        return registryUrl;
    }

    public String httpUrl() {
        return api.url();
    }

    public PulseSerdes serdes() {
        return serdes;
    }

    /** The sensor HTTP push endpoint's URL, or null when no tokens are configured. */
    public String sensorPushUrl() {
        return pushServer == null ? null : pushServer.url() + SensorPushServer.PATH;
    }

    /** The MQTT broker the sensor subscription listens on, or null when off. */
    public String mqttUrl() {
        return mqttUrl;
    }

    public KafkaClients clients() {
        return clients;
    }

    public PulseMetrics metrics() {
        return metrics;
    }

    public IndicatorReadModel readModel() {
        return readModel;
    }

    public PublishApplication publish() {
        return publish;
    }

    /** Alerting (its Streams app and notifiers). */
    public AlertingService alerting() {
        return alerting;
    }

    public StreamsApplication indicators() {
        return indicators;
    }

    /** The IV.4 mobility application. */
    public StreamsApplication indicatorsIv4() {
        return indicatorsIv4;
    }

    /** The mobility feeds (static reference, bundled replay, pollers). */
    public MobilityFeeds mobility() {
        return mobility;
    }

    /** The IV.5 application, the incident simulator and the incident push endpoint. */
    public SafetyServices safety() {
        return safety;
    }

    /** Waits for the bundled replay to finish; null if there was none or it failed. */
    public ReplayReport awaitReplay(Duration timeout) throws InterruptedException {
        if (replayThread == null) {
            return null;
        }
        replayThread.join(timeout.toMillis());
        return replayReport;
    }

    private <T extends AutoCloseable> T track(T component) {
        toClose.push(component);
        return component;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (replayThread != null) {
            replayThread.interrupt();
        }
        LOG.info("Stopping Kraków Pulse");
        while (!toClose.isEmpty()) {
            AutoCloseable c = toClose.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("Error stopping {}: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
        LOG.info("Kraków Pulse stopped");
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dir, e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete data directory " + dir + " for --fresh", e);
        }
        LOG.info("--fresh: deleted {}", dir);
    }

}
