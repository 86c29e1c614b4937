package pl.krakow.pulse.app;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.alerting.AlertingService;
import pl.krakow.pulse.embedded.EmbeddedKafkaBroker;
import pl.krakow.pulse.embedded.EmbeddedMqttBroker;
import pl.krakow.pulse.embedded.EmbeddedSchemaRegistry;
import pl.krakow.pulse.indicators.Iv3EnvironmentTopology;
import pl.krakow.pulse.indicators.iv4.Iv4MobilityTopology;
import pl.krakow.pulse.indicators.iv5.Iv5SafetyTopology;
import pl.krakow.pulse.indicators.iv5.PopulationTable;
import pl.krakow.pulse.ingest.EventPublisher;
import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ReplayReport;
import pl.krakow.pulse.ingest.ReplaySpeed;
import pl.krakow.pulse.ingest.environment.StationReference;
import pl.krakow.pulse.ingest.environment.gios.GiosApiPoller;
import pl.krakow.pulse.ingest.environment.sensors.SensorReadingParser;
import pl.krakow.pulse.ingest.mobility.MobilityFeeds;
import pl.krakow.pulse.ingest.push.BearerTokens;
import pl.krakow.pulse.ingest.push.MqttSensorSubscriber;
import pl.krakow.pulse.ingest.push.SensorPushServer;
import pl.krakow.pulse.ingest.safety.CityProfile;
import pl.krakow.pulse.ingest.safety.IncidentJsonParser;
import pl.krakow.pulse.ingest.safety.IncidentSimulator;
import pl.krakow.pulse.ingest.safety.SafetyPush;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.config.SecretMask;
import pl.krakow.pulse.runtime.PlatformReachability;
import pl.krakow.pulse.runtime.RuntimeConfig;
import pl.krakow.pulse.runtime.http.ManagementServer;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.ingest.safety.SafetyConfig;
import pl.krakow.pulse.ingest.environment.EnvironmentIngestConfig;
import pl.krakow.pulse.ingest.IngestConfig;
import pl.krakow.pulse.indicators.IndicatorsConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.registry.HttpSchemaRegistryClient;
import pl.krakow.pulse.platform.registry.SchemaProvisioner;
import pl.krakow.pulse.platform.registry.SchemaRegistrySettings;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.TopicProvisioner;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.publish.ApiServer;
import pl.krakow.pulse.publish.IndicatorReadModel;
import pl.krakow.pulse.publish.PublishApplication;
import pl.krakow.pulse.publish.ReadinessReport;
import pl.krakow.pulse.runtime.service.Service;
import pl.krakow.pulse.runtime.service.ServiceGroup;
import pl.krakow.pulse.runtime.streams.StreamsApplication;
import pl.krakow.pulse.runtime.streams.TopologyOptions;
import pl.krakow.pulse.runtime.transactions.HangingTransactionSweep;

/**
 * Everything {@code pulse run} starts, as one ordered list of {@link Service}s built from the
 * configuration: started in order, stopped in reverse. First the platform — the embedded broker and
 * registry (unless a cluster is configured); then, once their addresses are known and topics and
 * schemas are provisioned, the domains — the IV.3, IV.4 and IV.5 indicator applications, the incident
 * push endpoint and simulator, alerting, the read side (read models, HTTP API, export), the station
 * reference, the mobility feeds, the sensor push endpoints, the GIOŚ API poller and the replay of the
 * bundled data. {@code GET /ready} is ready when every service is, {@code GET /health} DOWN when any
 * is DOWN, naming it. Used by the CLI and by the integration tests, so the tests exercise exactly what
 * a user starts.
 */
public final class PulseRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PulseRuntime.class);

    private final PulseConfig config;
    private final Components components;
    private final ServiceGroup services = new ServiceGroup("pulse");
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
    private StreamsApplication indicatorsIv5;
    private SensorPushServer incidentPush;
    private IncidentSimulator simulator;
    private MobilityFeeds mobility;
    private AlertingService alerting;
    private PublishApplication publish;
    private BundledReplay replay;
    private SensorPushServer pushServer;
    private EmbeddedMqttBroker mqttBroker;
    private String mqttUrl;
    private ManagementServer management;
    private volatile boolean closed;

    private PulseRuntime(PulseConfig config, Components components) {
        this.config = withDemoFeedsOffOnACluster(config);
        this.components = components;
    }

    /** Starts every service ({@code pulse run}); on failure stops what was started and rethrows. */
    public static PulseRuntime start(PulseConfig config, boolean fresh) {
        return start(config, fresh, Components.all());
    }

    /**
     * Starts the services of {@code components}; on failure stops what was started and rethrows. Anything less than
     * all of them runs against a cluster and registry (an {@link IllegalArgumentException} otherwise: the embedded
     * platform lives in one process), waits for both up to {@code startup.connect.timeout}
     * ({@link PlatformReachability.UnreachableException} after it), and serves {@code /health}, {@code /ready} and
     * {@code /metrics} on {@code management.http.*} unless it runs the read side, whose API serves them.
     */
    public static PulseRuntime start(PulseConfig config, boolean fresh, Components components) {
        if (!components.isAll() && (config.embeddedKafka() || config.embeddedRegistry())) {
            throw new IllegalArgumentException("pulse " + components.describe() + " runs against a Kafka cluster and a schema "
                    + "registry: set bootstrap.servers and schema.registry.url (PULSE_BOOTSTRAP_SERVERS, "
                    + "PULSE_SCHEMA_REGISTRY_URL); 'pulse run' starts the embedded platform and everything in one process");
        }
        PulseRuntime runtime = new PulseRuntime(config, components);
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
        metrics = services.resource(new PulseMetrics(components.isAll() ? "pulse" : "pulse-" + components.describe()
                .replace(' ', '-').replace(",", "").replace(".", "").toLowerCase(java.util.Locale.ROOT)));
        if (!components.has(Components.Part.PUBLISH)) {
            // First, so an orchestrator's probes get an answer (not ready) while the rest starts.
            management = services.start(new ManagementServer(config.get(RuntimeConfig.MANAGEMENT_HTTP_HOST),
                    config.get(RuntimeConfig.MANAGEMENT_HTTP_PORT), services, metrics::scrape));
        }
        startPlatform(dataDir);
        addDomainServices(dataDir.resolve("streams"));
        services.start();
    }

    /**
     * The demo feeds — the bundled replay and the SIMULATED incident feed — belong to the embedded default: against a
     * cluster ({@code bootstrap.servers} set) a city's real feeds run, and a replay of 2017 or simulated incidents
     * mixed into its topics would be wrong data. There they are off unless set explicitly (file, variable or --set).
     */
    static PulseConfig withDemoFeedsOffOnACluster(PulseConfig config) {
        if (config.embeddedKafka()) {
            return config;
        }
        String byDefault = PulseConfig.Origin.DEFAULT.describe(config.file());
        java.util.Map<String, String> off = new java.util.LinkedHashMap<>();
        if (config.originOf(RunConfig.REPLAY_ON_START).equals(byDefault)) {
            off.put(RunConfig.REPLAY_ON_START.name(), "false");
        }
        if (config.originOf(SafetyConfig.SIMULATOR_ENABLED).equals(byDefault)) {
            off.put(SafetyConfig.SIMULATOR_ENABLED.name(), "false");
        }
        return off.isEmpty() ? config : config.with(off);
    }

    /** The embedded broker and registry (each unless a cluster is configured), topics and schemas: what every client needs first. */
    private void startPlatform(Path dataDir) {
        if (config.embeddedKafka()) {
            broker = EmbeddedKafkaBroker.builder()
                    .dataDir(dataDir.resolve("kafka"))
                    .brokerPort(config.get(RunConfig.EMBEDDED_KAFKA_PORT))
                    .build();
            services.start(Service.of("embedded-kafka", broker::start, () -> true, broker));
            bootstrapServers = broker.bootstrapServers();
        } else {
            bootstrapServers = config.get(PlatformConfig.BOOTSTRAP_SERVERS);
        }
        if (config.embeddedRegistry()) {
            embeddedRegistry = EmbeddedSchemaRegistry.builder()
                    .bootstrapServers(bootstrapServers)
                    .port(config.get(RunConfig.EMBEDDED_REGISTRY_PORT))
                    .replicationFactor(config.get(PlatformConfig.TOPIC_REPLICATION_FACTOR))
                    .kafkaClientProperties(config.kafkaPassThrough())
                    .build();
            services.start(Service.of("embedded-schema-registry", embeddedRegistry::start, () -> true, embeddedRegistry));
            registryUrl = embeddedRegistry.url();
        } else {
            registryUrl = config.get(PlatformConfig.SCHEMA_REGISTRY_URL);
        }

        clients = new KafkaClients(bootstrapServers, config);
        HttpSchemaRegistryClient registry = services.resource(HttpSchemaRegistryClient.fromConfig(config, registryUrl));
        Duration connectTimeout = config.get(RuntimeConfig.STARTUP_CONNECT_TIMEOUT);
        if (broker == null) {
            PlatformReachability.awaitCluster(clients, connectTimeout);
        }
        if (embeddedRegistry == null) {
            // The wait retries with its own backoff up to its bound, so its probe skips the client's per-call retries
            // (which would stretch one probe past a short bound); baseUrl() is the URL without user:password@.
            HttpSchemaRegistryClient probe = new HttpSchemaRegistryClient(registry.settings().withRetry(SchemaRegistrySettings.Retry.NONE));
            PlatformReachability.awaitRegistry(probe, registry.baseUrl(), Topics.AIR_QUALITY.valueSubject(), connectTimeout);
        }
        serdes = new PulseSerdes(registry);
        if (config.get(PlatformConfig.TOPICS_CREATE)) {
            try (AdminClient admin = AdminClient.create(clients.admin("pulse-provisioner"))) {
                TopicProvisioner.ensure(admin, Topics.all(), config.get(PlatformConfig.TOPIC_REPLICATION_FACTOR),
                        config.get(PlatformConfig.TOPIC_PARTITIONS), config.get(PlatformConfig.TOPICS_MIN_INSYNC_REPLICAS));
            }
        }
        SchemaProvisioner.ensure(registry, Topics.all());
        if (components.runsStreams()) {
            abortHangingTransactions();
        }
    }

    /**
     * Before any Streams application starts: a transaction left open on a partition with no coordinator to end it
     * (issue 15, after a kill -9) would keep an application REBALANCING forever. The embedded broker is ours alone
     * (its data directory is locked), so anything found is aborted at once; on a cluster only when configured.
     */
    private void abortHangingTransactions() {
        boolean embedded = broker != null;
        try (AdminClient admin = AdminClient.create(clients.admin("pulse-hanging-transactions"))) {
            HangingTransactionSweep sweep = new HangingTransactionSweep(admin, metrics.registry(), Duration.ofSeconds(30));
            if (embedded) {
                // The embedded broker leads every partition and has no authorizer: it takes the COMMIT marker its own
                // coordinator failed to deliver after a kill -9 (see EmbeddedKafkaBroker, transaction settings).
                String advertised = broker.bootstrapServers();
                String host = advertised.substring(0, advertised.lastIndexOf(':')).replace("[", "").replace("]", "");
                sweep.writingCommitMarkersTo(new InetSocketAddress(host, broker.brokerPort()));
            }
            sweep.sweep(embedded || config.get(RuntimeConfig.ABORT_HANGING_TRANSACTIONS));
        }
    }

    /** Every domain service the components and the configuration ask for, in start order; none started yet. */
    private void addDomainServices(Path stateDir) {
        IndicatorCatalog catalog = IndicatorCatalog.bundled();
        ZoneId zone = ZoneId.of(config.get(PlatformConfig.TIME_ZONE));
        TopologyOptions options = TopologyOptions.fromConfig(config, metrics.registry());
        if (components.has(Components.Goal.IV3)) {
            indicators = services.add(Iv3EnvironmentTopology.application(clients, serdes, catalog, zone, metrics, stateDir, options));
        }
        if (components.has(Components.Goal.IV4)) {
            indicatorsIv4 = services.add(Iv4MobilityTopology.application(clients, serdes, catalog, zone, metrics, stateDir, options));
        }
        if (components.has(Components.Goal.IV5)) {
            addSafetyIndicators(catalog, zone, stateDir);
        }
        if (components.has(Components.Part.INGEST)) {
            addSafetyFeeds(zone);
        }
        if (components.has(Components.Part.ALERTING)) {
            alerting = services.add(AlertingService.fromConfig(config, clients, serdes, metrics, catalog, stateDir));
        }
        if (components.has(Components.Part.PUBLISH)) {
            publish = services.add(PublishApplication.fromConfig(config, clients, serdes, catalog, metrics, services));
        }
        if (components.has(Components.Part.INGEST)) {
            addFeeds();
        }
    }

    /** Every feed but the safety ones ({@link #addSafetyFeeds}), in start order. */
    private void addFeeds() {
        services.add(Service.of("reference-stations", this::publishStationReference, () -> true, () -> { }));
        mobility = services.add(MobilityFeeds.fromConfig(config, clients, serdes, metrics, config.get(RunConfig.REPLAY_ON_START)));
        addSensorPush();
        addGiosApiPoller();
        if (config.get(RunConfig.REPLAY_ON_START)) {
            EventPublisher publisher = services.resource(new EventPublisher(clients, serdes, metrics, "pulse-replay-bundled"));
            replay = services.add(new BundledReplay(publisher, IngestContext.from(config, metrics.registry()),
                    config.get(IngestConfig.REPLAY_SPEED)));
        }
    }

    /** The {@code indicators-iv5} application (safety). */
    private void addSafetyIndicators(IndicatorCatalog catalog, ZoneId zone, Path stateDir) {
        String populationFile = config.get(IndicatorsConfig.POPULATION_FILE);
        PopulationTable population = populationFile.isBlank() ? PopulationTable.krakowDefault()
                : PopulationTable.krakowWith(Path.of(populationFile));
        // IV.5 takes only the emit interval from the configuration (its idle release is not used).
        TopologyOptions options = TopologyOptions.defaults()
                .withMeters(metrics.registry())
                .withEmitInterval(config.get(RuntimeConfig.EMIT_INTERVAL));
        indicatorsIv5 = services.add(Iv5SafetyTopology.application(clients, serdes, catalog, zone, population, metrics, stateDir,
                options));
    }

    /**
     * The safety feeds: the incident push endpoint for city systems when {@code safety.push.http.tokens} is set, and
     * the SIMULATED Kraków incident feed ({@code safety.simulator.enabled}: a backfill of
     * {@code safety.simulator.backfill}, then live).
     */
    private void addSafetyFeeds(ZoneId zone) {
        EventPublisher publisher = services.resource(new EventPublisher(clients, serdes, metrics, "pulse-safety"));
        IngestContext context = IngestContext.from(config, metrics.registry());
        CityProfile city = CityProfile.krakow();
        BearerTokens tokens = config.get(SafetyConfig.PUSH_HTTP_TOKENS);
        if (!tokens.isEmpty()) {
            // A publisher of its own: its producer gives up after the push acknowledgement timeout, the simulator's does not.
            EventPublisher pushPublisher = services.resource(EventPublisher.acknowledging(clients, serdes, metrics, "pulse-safety-push",
                    config.get(IngestConfig.PUSH_ACK_TIMEOUT)));
            incidentPush = services.add(SafetyPush.server(new IncidentJsonParser(context, city), pushPublisher, tokens,
                    config.get(IngestConfig.PUSH_HTTP_HOST), config.get(SafetyConfig.PUSH_HTTP_PORT), metrics.registry()));
        }
        if (config.get(SafetyConfig.SIMULATOR_ENABLED)) {
            // Fixed seed and a day-aligned backfill start: a restart on the same data directory regenerates the
            // same event ids, which the IV.5 topology recognises as duplicates instead of counting twice.
            simulator = services.add(new IncidentSimulator(city, publisher, context, IncidentSimulator.Calibration.KRAKOW_2020, 2020)
                    .backfillingOnStart(config.get(SafetyConfig.SIMULATOR_BACKFILL), zone));
        }
    }

    /** Sensor push: the authenticated HTTP endpoint (when tokens are configured) and the MQTT subscription. */
    private void addSensorPush() {
        EventPublisher publisher = services.resource(EventPublisher.acknowledging(clients, serdes, metrics, "pulse-sensor-push",
                config.get(IngestConfig.PUSH_ACK_TIMEOUT)));
        IngestContext context = IngestContext.from(config, metrics.registry());
        SensorReadingParser parser = new SensorReadingParser(EventValidator.of(context, Set.of()), context.clock(), Set.of());
        BearerTokens tokens = config.get(EnvironmentIngestConfig.PUSH_HTTP_TOKENS);
        if (!tokens.isEmpty()) {
            pushServer = services.add(new SensorPushServer(parser, publisher, tokens, config.get(IngestConfig.PUSH_HTTP_HOST),
                    config.get(EnvironmentIngestConfig.PUSH_HTTP_PORT), SensorPushServer.DEFAULT_MAX_BODY_BYTES, metrics.registry()));
        }
        if (config.get(EnvironmentIngestConfig.PUSH_MQTT_ENABLED)) {
            String user = blankToNull(config.get(EnvironmentIngestConfig.PUSH_MQTT_USERNAME));
            String password = blankToNull(config.get(EnvironmentIngestConfig.PUSH_MQTT_PASSWORD));
            String url = config.get(EnvironmentIngestConfig.PUSH_MQTT_URL);
            int maxMessageBytes = config.get(EnvironmentIngestConfig.PUSH_MQTT_MAX_MESSAGE_BYTES);
            if (url.isBlank()) {
                // Listens from construction: the subscriber below is built with its address.
                mqttBroker = new EmbeddedMqttBroker("127.0.0.1", config.get(RunConfig.EMBEDDED_MQTT_PORT), user, password,
                        EmbeddedMqttBroker.messageLimitFor(maxMessageBytes));
                services.add(Service.of("embedded-mqtt", () -> { }, () -> true, mqttBroker));
                url = mqttBroker.serverUri();
            }
            mqttUrl = url;
            services.add(new MqttSensorSubscriber(url, config.get(PlatformConfig.APPLICATION_ID_PREFIX) + "-sensor-push",
                    config.get(EnvironmentIngestConfig.PUSH_MQTT_TOPIC), 1, user, password, parser, publisher, maxMessageBytes));
        }
    }

    /**
     * The GIOŚ API poller, only when ingest.gios.api.url is set: the embedded default makes no network calls.
     * A {@link Service} itself, through ingest-core's polled-HTTP base.
     */
    private void addGiosApiPoller() {
        if (!config.get(EnvironmentIngestConfig.GIOS_API_URL).isBlank()) {
            EventPublisher publisher = services.resource(new EventPublisher(clients, serdes, metrics, "pulse-gios-api"));
            GiosApiPoller.fromConfig(config, publisher, IngestContext.from(config, metrics.registry())).ifPresent(services::add);
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

    /** What /ready reports: every service by name with its status; ready when all are. */
    ReadinessReport readiness() {
        return new ReadinessReport(services.isReady(), services.checks());
    }

    public void printWhereEverythingListens(PrintStream out) {
        double seconds = (System.nanoTime() - startedAtNanos) / 1e9;
        ApiServer api = publish.api();
        out.println();
        out.println("Kraków Pulse is running (started in " + String.format(java.util.Locale.ROOT, "%.1f", seconds) + " s)");
        out.println("  Kafka bootstrap servers : " + bootstrapServers + (broker != null ? "   (embedded KRaft broker, data in "
                + broker.dataDir() + ")" : ""));
        out.println("  Schema registry         : " + SecretMask.urlsIn(registryUrl) + (embeddedRegistry != null ? "   (embedded, persisted in _schemas)" : ""));
        out.println("  Dashboard               : " + api.url() + "/");
        out.println("  HTTP API                : " + api.url() + "/api/v1/goals   (OpenAPI: " + api.url() + "/api/openapi.json)");
        out.println("  Indicators (IV.3)       : " + api.url() + "/api/v1/goals/IV.3/indicators");
        out.println("  Health / readiness      : " + api.url() + "/health   " + api.url() + "/ready");
        out.println("  Prometheus metrics      : " + api.url() + "/metrics");
        out.println("  Alerts                  : topic alerts.v1, " + (alerting.application() == null ? "off (alerting.enabled=false)"
                : alerting.status() + "   (notifiers: log, webhooks from alerting.webhook.urls)"));
        out.println("  Sensor push (HTTP)      : " + (pushServer != null ? pushServer.url() + "   (Bearer token)" : "off (set ingest.push.http.tokens)"));
        out.println("  Sensor push (MQTT)      : " + (mqttUrl != null ? mqttUrl + "  topic " + config.get(EnvironmentIngestConfig.PUSH_MQTT_TOPIC)
                + (mqttBroker != null ? "   (embedded broker)" : "") : "off"));
        out.println("  Indicators (IV.4)       : " + api.url() + "/api/v1/goals/IV.4/indicators");
        out.println("  Indicators (IV.5)       : safety; the bundled incidents are SIMULATED (feed=simulated)"
                + (simulator == null ? " — simulator off" : ", " + IncidentSimulator.Calibration.KRAKOW_2020.source()));
        out.println("  Incident push (HTTP)    : " + (incidentPush != null ? incidentPush.url() + "   (Bearer token)"
                : "off (set safety.push.http.tokens)"));
        out.println("  GIOŚ API poller         : " + (config.get(EnvironmentIngestConfig.GIOS_API_URL).isBlank() ? "off (set ingest.gios.api.url)"
                : config.get(EnvironmentIngestConfig.GIOS_API_URL) + "   (" + config.get(EnvironmentIngestConfig.GIOS_API_CITY) + ", every "
                + config.get(EnvironmentIngestConfig.GIOS_API_INTERVAL) + ")"));
        out.println("  Bundled replay          : " + (replay != null ? "running (real GIOŚ/WIOŚ PM data, 2017 Q1; Kraków GTFS-RT, Poznań TripUpdates, Oslo GBFS; IMGW Kraków-Balice weather, January 2019)" : "off (--no-replay; on a cluster unless replay.bundled.on.start=true)"));
        out.println("Press Ctrl-C to stop.");
        out.flush();
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String schemaRegistryUrl() {
        return registryUrl;
    }

    /** The read side's API URL (which also serves /health, /ready, /metrics), or null when publish is not run here. */
    public String httpUrl() {
        return publish == null ? null : publish.api().url();
    }

    /** Where /health, /ready and /metrics are served: the management endpoint, or the API when publish runs here. */
    public String managementUrl() {
        return management != null ? management.url() : httpUrl();
    }

    /** What this process runs. */
    public Components components() {
        return components;
    }

    /**
     * The one line a component prints once started ({@code pulse run} prints {@link #printWhereEverythingListens}):
     * what it runs, how long it took, where its endpoints are.
     */
    public void printStarted(PrintStream out) {
        double seconds = (System.nanoTime() - startedAtNanos) / 1e9;
        StringBuilder line = new StringBuilder("pulse ").append(components.describe()).append(" started in ")
                .append(String.format(java.util.Locale.ROOT, "%.1f", seconds)).append(" s: management ").append(managementUrl());
        if (publish != null) {
            line.append("   API ").append(httpUrl()).append("/api/v1/goals");
        }
        line.append("   (Kafka ").append(bootstrapServers).append(", registry ").append(SecretMask.urlsIn(registryUrl)).append(')');
        if (components.has(Components.Part.INGEST)) {
            line.append(System.lineSeparator()).append("  feeds: sensor push ")
                    .append(pushServer != null ? pushServer.url() : "off").append(", MQTT ").append(mqttUrl != null ? mqttUrl : "off")
                    .append(", incident push ").append(incidentPush != null ? incidentPush.url() : "off")
                    .append(", bundled replay ").append(replay != null ? "on" : "off")
                    .append(", incident simulator ").append(simulator != null ? "on (SIMULATED incidents)" : "off");
        }
        out.println(line);
        out.flush();
    }

    public PulseSerdes serdes() {
        return serdes;
    }

    /** The sensor HTTP push endpoint's URL, or null when no tokens are configured. */
    public String sensorPushUrl() {
        return pushServer == null ? null : pushServer.url();
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
        return publish.indicators();
    }

    public PublishApplication publish() {
        return publish;
    }

    /** Every service, in start order: what /ready and /health report on. */
    public ServiceGroup services() {
        return services;
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

    /** The IV.5 safety application. */
    public StreamsApplication indicatorsIv5() {
        return indicatorsIv5;
    }

    /** The incident push endpoint's URL, or null when no tokens are configured. */
    public String incidentPushUrl() {
        return incidentPush == null ? null : incidentPush.url();
    }

    /** Waits for the bundled replay to finish; null if there was none or it failed. */
    public ReplayReport awaitReplay(Duration timeout) throws InterruptedException {
        return replay == null ? null : replay.await(timeout);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("Stopping Kraków Pulse");
        services.close();
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
