package pl.krakow.pulse.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process, single-node Apache Kafka cluster in KRaft combined mode (one process that is both the
 * broker and the only controller), for the app's embedded mode and for tests.
 *
 * <p>On {@link #start()} the data directory is formatted with Kafka's storage {@link Formatter} unless it
 * already holds a {@code meta.properties}; in that case the stored cluster id and node id are reused, so a
 * new instance on the same directory resumes with all topics and records of the previous run.
 *
 * <p>On every start the cluster's finalized feature levels ({@code metadata.version}, {@code transaction.version},
 * {@code group.version}, …) are raised to this Kafka version's defaults if the directory was formatted with lower ones,
 * so an old data directory gets the transaction protocol of the running version (KIP-890, KIP-1050).
 *
 * <p>The quorum is static ({@code controller.quorum.voters}, {@code kraft.version 0}): the controller's
 * address is not written into the metadata log, so the ports may change from one run to the next.
 *
 * <p>Settings are tuned for one node and a small footprint: replication factor 1 and {@code min.insync.replicas}
 * 1 everywhere, no topic auto-creation, few threads, small internal-topic partition counts, a 2&nbsp;MiB log
 * cleaner dedupe buffer. Any broker property can be overridden with {@link Builder#config(String, String)}.
 *
 * <p>This is not a production deployment: production services connect to a real cluster.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    /** The name of the client listener. */
    public static final String BROKER_LISTENER = "PLAINTEXT";
    /** The name of the KRaft controller listener (always bound to the loopback interface). */
    public static final String CONTROLLER_LISTENER = "CONTROLLER";

    private static final String LOCK_FILE = ".embedded-broker.lock";
    private static final int DEFAULT_NODE_ID = 1;
    private static final int BIND_ATTEMPTS = 3;
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private final Path dataDir;
    private final int requestedBrokerPort;
    private final int requestedControllerPort;
    private final String listenerHost;
    private final String advertisedHost;
    private final Map<String, String> overrides;

    private final Object lifecycle = new Object();
    private FileChannel lockChannel;
    private FileLock lock;
    private KafkaRaftServer server;
    private volatile int brokerPort = -1;
    private volatile int controllerPort = -1;
    private volatile String clusterId;
    private volatile boolean running;
    private boolean closed;

    /** A broker on {@code dataDir}, listening on free loopback ports. */
    public EmbeddedKafkaBroker(Path dataDir) {
        this(builder().dataDir(dataDir));
    }

    private EmbeddedKafkaBroker(Builder builder) {
        this.dataDir = Objects.requireNonNull(builder.dataDir, "dataDir").toAbsolutePath().normalize();
        this.requestedBrokerPort = checkPort(builder.brokerPort, "brokerPort");
        this.requestedControllerPort = checkPort(builder.controllerPort, "controllerPort");
        this.listenerHost = Objects.requireNonNull(builder.listenerHost, "listenerHost");
        String advertised = builder.advertisedHost;
        if (advertised == null) {
            advertised = isWildcard(listenerHost) ? "127.0.0.1" : listenerHost;
        }
        if (isWildcard(advertised)) {
            throw new IllegalArgumentException("advertisedHost must be a routable host name, not " + advertised);
        }
        this.advertisedHost = advertised;
        this.overrides = Map.copyOf(builder.overrides);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the data directory if needed, starts the broker and the controller and blocks until the
     * broker answers an Admin {@code describeCluster} with itself as an alive node.
     *
     * @return this broker
     * @throws IllegalStateException if the broker was closed, or could not start
     */
    public EmbeddedKafkaBroker start() {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("This embedded broker was closed; create a new instance on " + dataDir);
            }
            if (running) {
                return this;
            }
            long began = System.nanoTime();
            try {
                Files.createDirectories(dataDir);
                lockDataDir();
                int nodeId = formatIfNeeded();
                startServer(nodeId);
                awaitReady();
                upgradeFeatureLevels();
            } catch (IOException e) {
                abortStart();
                throw new UncheckedIOException("Cannot start the embedded Kafka broker in " + dataDir, e);
            } catch (RuntimeException | Error e) {
                abortStart();
                throw e;
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                abortStart();
                throw new IllegalStateException("Cannot start the embedded Kafka broker in " + dataDir, e);
            }
            running = true;
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
            LOG.info("Embedded Kafka broker started in {} ms: bootstrap {} (listening on {}:{}, controller 127.0.0.1:{}), "
                    + "cluster {}, data {}", millis, bootstrapServers(), listenerHost, brokerPort, controllerPort,
                    clusterId, dataDir);
            return this;
        }
    }

    /** {@code host:port} of the client listener as advertised, e.g. {@code 127.0.0.1:40123}. */
    public String bootstrapServers() {
        int port = brokerPort;
        if (port < 0) {
            throw new IllegalStateException("The embedded broker has not been started");
        }
        return hostForUrl(advertisedHost) + ":" + port;
    }

    /** The Kafka log directory (also the KRaft metadata log directory). */
    public Path dataDir() {
        return dataDir;
    }

    /** The bound client port, or -1 before {@link #start()}. */
    public int brokerPort() {
        return brokerPort;
    }

    /** The bound controller port, or -1 before {@link #start()}. */
    public int controllerPort() {
        return controllerPort;
    }

    /** The cluster id (from {@code meta.properties}), or {@code null} before {@link #start()}. */
    public String clusterId() {
        return clusterId;
    }

    public boolean isRunning() {
        return running;
    }

    /** Shuts the broker and the controller down cleanly and waits for them. Idempotent. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            boolean wasRunning = running;
            running = false;
            long began = System.nanoTime();
            stopServer();
            if (wasRunning) {
                LOG.info("Embedded Kafka broker {} stopped in {} ms (data kept in {})", bootstrapServers(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), dataDir);
            }
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaBroker[" + (brokerPort < 0 ? "not started" : bootstrapServers()) + ", " + dataDir + "]";
    }

    // ------------------------------------------------------------------------------------------------

    /** Formats the directory unless it is already formatted; returns the node id to run as. */
    private int formatIfNeeded() throws Exception {
        String dir = dataDir.toString();
        MetaPropertiesEnsemble ensemble = new MetaPropertiesEnsemble.Loader()
                .addLogDirs(List.of(dir))
                .addMetadataLogDir(dir)
                .load();
        if (!ensemble.errorLogDirs().isEmpty()) {
            throw new IllegalStateException("Cannot read meta.properties in " + ensemble.errorLogDirs());
        }
        if (!ensemble.logDirProps().isEmpty()) {
            clusterId = ensemble.clusterId().orElseThrow(
                    () -> new IllegalStateException("meta.properties in " + dir + " has no cluster.id"));
            int nodeId = ensemble.nodeId().orElse(DEFAULT_NODE_ID);
            LOG.debug("Reusing formatted Kafka data directory {} (cluster {}, node {})", dir, clusterId, nodeId);
            return nodeId;
        }
        String newClusterId = Uuid.randomUuid().toString();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(print)
                    .setNodeId(DEFAULT_NODE_ID)
                    .setClusterId(newClusterId)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(dir)
                    .setDirectories(List.of(dir))
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setHasDynamicQuorum(false)
                    .run();
        }
        clusterId = newClusterId;
        LOG.debug("Formatted Kafka data directory {} (cluster {}): {}", dir, newClusterId,
                output.toString(StandardCharsets.UTF_8).trim());
        return DEFAULT_NODE_ID;
    }

    private void startServer(int nodeId) {
        for (int attempt = 1; ; attempt++) {
            brokerPort = requestedBrokerPort != 0 ? requestedBrokerPort : freePort(listenerHost);
            controllerPort = requestedControllerPort != 0 ? requestedControllerPort : freePort("127.0.0.1");
            if (brokerPort == controllerPort) {
                if (requestedBrokerPort != 0 && requestedControllerPort != 0) {
                    throw new IllegalArgumentException("brokerPort and controllerPort must differ: " + brokerPort);
                }
                continue;
            }
            try {
                server = new KafkaRaftServer(KafkaConfig.fromProps(serverProperties(nodeId), false), Time.SYSTEM);
                server.startup();
                return;
            } catch (RuntimeException e) {
                shutdownServer();
                boolean portsChosenHere = requestedBrokerPort == 0 || requestedControllerPort == 0;
                if (portsChosenHere && attempt < BIND_ATTEMPTS && causedByBindFailure(e)) {
                    LOG.warn("Embedded Kafka broker could not bind port {} or {} ({}); retrying with other free ports",
                            brokerPort, controllerPort, e.toString());
                    continue;
                }
                throw e;
            }
        }
    }

    Properties serverProperties(int nodeId) {
        String dir = dataDir.toString();
        Map<String, String> p = new LinkedHashMap<>();
        // Identity and KRaft: one process is the broker and the only voter of a static quorum.
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(nodeId));
        p.put("controller.quorum.voters", nodeId + "@127.0.0.1:" + controllerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("listeners", BROKER_LISTENER + "://" + hostForUrl(listenerHost) + ":" + brokerPort
                + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", BROKER_LISTENER + "://" + hostForUrl(advertisedHost) + ":" + brokerPort);
        p.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        p.put("log.dirs", dir);
        p.put("metadata.log.dir", dir);
        // Single node: everything replicated once.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.num.partitions", "5");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        // Disk and memory footprint.
        p.put("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
        p.put("log.index.size.max.bytes", Integer.toString(1024 * 1024));
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
        p.put("log.cleaner.io.buffer.size", Integer.toString(256 * 1024));
        p.put("log.cleaner.threads", "1");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("background.threads", "4");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("num.replica.fetchers", "1");
        p.put("group.coordinator.threads", "1");
        p.put("share.coordinator.threads", "1");
        p.put("queued.max.requests", "200");
        // Fast start: heartbeat often so the broker is unfenced soon after registering.
        p.put("broker.heartbeat.interval.ms", "500");
        // The controller fences a broker whose heartbeats stop for this long, and — what decides it here — a broker
        // restarted after a kill -9 registers with a new incarnation that the (equally restarted) controller refuses
        // until the old registration's session expired: broker start-up after a crash took 32 s with 30 s here, so the
        // session is the floor of the restart time (issue 15: ready within 15 s; 6 s here gave 15.4 s, 4 s 18.8 s — the
        // rest varies more than this). 6 s (12 missed heartbeats) keeps that floor low. The risk on the other side is a JVM starved that long fencing its own broker (seen once with 9 s,
        // at load average 20+ on 2 cores): its partitions go offline until it unfences itself moments later.
        p.put("broker.session.timeout.ms", "6000");
        p.put("server.max.startup.time.ms", Long.toString(STARTUP_TIMEOUT.toMillis()));
        // Transactions (issue 15). Verification keeps a write of a transaction the coordinator does not know from
        // opening one on a partition (the default; set here because turning it off allows hanging transactions).
        // The hanging transactions after a kill -9 came from the coordinator's expiry scan: right after loading
        // __transaction_state it rolls back the killed producers' transactions (their 10 s timeout passed during the
        // restart) while this broker's partitions have no leader endpoint yet; the marker sender skips such partitions
        // as "likely deleted" (KAFKA-5202) and completes the abort — every partition not yet led, __consumer_offsets
        // included, keeps the transaction open forever. The first scan runs one interval after start-up: at 60 s the
        // broker is serving by then, and a restarted Streams application has already fenced and aborted its own
        // previous transactions (same transactional id) through InitProducerId, with leaders in place. Not avoidable here:
        // a transaction whose commit was under way at the kill (PrepareCommit) has its COMMIT markers resent at load and
        // skipped the same way; pulse run's start-up sweep (runtime HangingTransactionSweep) writes the missing COMMIT
        // marker (CommitMarkerWriter) before any Streams application starts.
        p.put("transaction.partition.verification.enable", "true");
        p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "60000");
        p.putAll(overrides);
        Properties properties = new Properties();
        properties.putAll(p);
        return properties;
    }

    private void awaitReady() throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(adminConfig("embedded-broker-readiness"))) {
            while (true) {
                try {
                    Collection<Node> nodes = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
                    if (!nodes.isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    LOG.debug("Embedded broker not ready yet: {}", e.toString());
                }
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("The embedded broker reported no alive node within " + STARTUP_TIMEOUT);
                }
                Thread.sleep(50);
            }
        }
    }

    /**
     * Raises the cluster's finalized feature levels to this Kafka version's defaults when a data directory formatted by
     * an older version kept lower ones: the formatter only sets them once, and a broker never upgrades them by itself.
     * The level that matters most is {@code transaction.version}: at 2 (KIP-890 part 2) every transaction bumps the
     * producer epoch and the partition leaders verify a transaction with its coordinator before accepting a write to it,
     * including transactional offset commits to {@code __consumer_offsets}, which closes the ways a killed producer left
     * a transaction open that no coordinator knew (a hanging transaction, issue 15). {@code metadata.version} goes first
     * because the others depend on it; {@code kraft.version} stays (the quorum is static).
     */
    private void upgradeFeatureLevels() throws InterruptedException, ExecutionException, TimeoutException {
        try (Admin admin = Admin.create(adminConfig("embedded-broker-features"))) {
            Map<String, Short> finalized = new LinkedHashMap<>();
            admin.describeFeatures().featureMetadata().get(10, TimeUnit.SECONDS).finalizedFeatures()
                    .forEach((feature, range) -> finalized.put(feature, range.maxVersionLevel()));
            MetadataVersion target = MetadataVersion.latestProduction();
            Map<String, FeatureUpdate> metadata = upgrades(finalized, Map.of(MetadataVersion.FEATURE_NAME, target.featureLevel()));
            Map<String, Short> others = new LinkedHashMap<>();
            for (Feature feature : Feature.PRODUCTION_FEATURES) {
                if (feature != Feature.KRAFT_VERSION) {
                    others.put(feature.featureName(), feature.defaultLevel(target));
                }
            }
            Map<String, FeatureUpdate> rest = upgrades(finalized, others);
            for (Map<String, FeatureUpdate> step : List.of(metadata, rest)) {
                if (!step.isEmpty()) {
                    admin.updateFeatures(step, new UpdateFeaturesOptions()).all().get(30, TimeUnit.SECONDS);
                    LOG.info("Upgraded the embedded cluster's feature levels {} (from {}): the data directory was formatted by "
                            + "an older Kafka", describe(step), finalized);
                }
            }
        }
    }

    private static Map<String, FeatureUpdate> upgrades(Map<String, Short> finalized, Map<String, Short> targets) {
        Map<String, FeatureUpdate> out = new LinkedHashMap<>();
        targets.forEach((feature, level) -> {
            if (level > finalized.getOrDefault(feature, (short) 0)) {
                out.put(feature, new FeatureUpdate(level, FeatureUpdate.UpgradeType.UPGRADE));
            }
        });
        return out;
    }

    private static String describe(Map<String, FeatureUpdate> step) {
        Map<String, Short> levels = new LinkedHashMap<>();
        step.forEach((feature, update) -> levels.put(feature, update.maxVersionLevel()));
        return levels.toString();
    }

    private Map<String, Object> adminConfig(String clientId) {
        return Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, clientId,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000,
                AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50);
    }

    /**
     * Kafka locks its log directories only when the broker side starts, after the controller has already
     * opened the metadata log in the same directory; a second instance on the same directory would run a
     * controller on it for a moment. So the whole directory is locked here first.
     */
    private void lockDataDir() throws IOException {
        FileChannel channel = FileChannel.open(dataDir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock acquired;
        try {
            acquired = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            acquired = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (acquired == null) {
            channel.close();
            throw new IllegalStateException("The Kafka data directory " + dataDir
                    + " is in use by another embedded broker (in this or another process)");
        }
        lockChannel = channel;
        lock = acquired;
    }

    private void abortStart() {
        try {
            stopServer();
        } catch (RuntimeException e) {
            LOG.debug("Ignoring failure while stopping a broker that failed to start", e);
        } finally {
            brokerPort = -1;
            controllerPort = -1;
        }
    }

    private void stopServer() {
        try {
            shutdownServer();
        } finally {
            releaseLock();
        }
    }

    private void shutdownServer() {
        KafkaRaftServer s = server;
        server = null;
        if (s != null) {
            s.shutdown();
            s.awaitShutdown();
        }
    }

    private void releaseLock() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            LOG.debug("Could not release the lock on {}", dataDir, e);
        } finally {
            lock = null;
            lockChannel = null;
        }
    }

    private static boolean causedByBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
            String message = t.getMessage();
            if (message != null && message.contains("failed to bind")) {
                return true;
            }
        }
        return false;
    }

    static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(host, 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on " + host, e);
        }
    }

    private static boolean isWildcard(String host) {
        return host.isEmpty() || "0.0.0.0".equals(host) || "::".equals(host) || "[::]".equals(host);
    }

    private static String hostForUrl(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static int checkPort(int port, String name) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + " must be between 0 and 65535: " + port);
        }
        return port;
    }

    /** Options of an {@link EmbeddedKafkaBroker}; only {@link #dataDir(Path)} is required. */
    public static final class Builder {
        private Path dataDir;
        private int brokerPort;
        private int controllerPort;
        private String listenerHost = "127.0.0.1";
        private String advertisedHost;
        private final Map<String, String> overrides = new LinkedHashMap<>();

        private Builder() {
        }

        /** The Kafka log directory; formatted on first start, reused afterwards. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** The client port; 0 (the default) picks a free one. */
        public Builder brokerPort(int brokerPort) {
            this.brokerPort = brokerPort;
            return this;
        }

        /** The KRaft controller port (always on 127.0.0.1); 0 (the default) picks a free one. */
        public Builder controllerPort(int controllerPort) {
            this.controllerPort = controllerPort;
            return this;
        }

        /** The interface the client listener binds to: 127.0.0.1 by default, "0.0.0.0" for all interfaces. */
        public Builder listenerHost(String listenerHost) {
            this.listenerHost = listenerHost;
            return this;
        }

        /**
         * The host advertised to clients (and used in {@link #bootstrapServers()}); by default the listener
         * host, or 127.0.0.1 when binding to all interfaces.
         */
        public Builder advertisedHost(String advertisedHost) {
            this.advertisedHost = advertisedHost;
            return this;
        }

        /** Overrides or adds one broker property (e.g. {@code log.retention.hours}). */
        public Builder config(String key, String value) {
            overrides.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        public EmbeddedKafkaBroker build() {
            return new EmbeddedKafkaBroker(this);
        }
    }
}
