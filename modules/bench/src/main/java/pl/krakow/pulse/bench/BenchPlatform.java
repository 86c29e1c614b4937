package pl.krakow.pulse.bench;

import pl.krakow.pulse.runtime.streams.TopologyOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.embedded.EmbeddedKafkaBroker;
import pl.krakow.pulse.embedded.EmbeddedSchemaRegistry;
import pl.krakow.pulse.runtime.streams.StreamsApplication;
import pl.krakow.pulse.indicators.Iv3EnvironmentTopology;
import pl.krakow.pulse.indicators.daily.DailyMeanDefinition;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.registry.HttpSchemaRegistryClient;
import pl.krakow.pulse.platform.registry.SchemaProvisioner;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.TopicProvisioner;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * The Kafka platform a benchmark runs on: by default a fresh embedded KRaft broker and schema registry
 * (temporary data directory, free ports, deleted at the end), or an existing cluster and registry.
 *
 * <p>Each measurement starts from empty topics: {@link #resetTopics} deletes and re-creates the topics a
 * run writes ({@code environment.air-quality.v1}, {@code indicators.iv3.v1}, {@code indicators.late.v1},
 * {@code ingest.rejected.v1}, the raw-baseline topic). On an existing cluster that destroys data, so it
 * is refused unless the operator allowed it ({@code --allow-topic-reset}).
 */
final class BenchPlatform implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BenchPlatform.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    /** The raw baseline's own topic: partitions and configs of {@code environment.air-quality.v1}. */
    static final TopicSpec<?> RAW_TOPIC = new TopicSpec<>("bench.raw-baseline.v1", Topics.AIR_QUALITY.valueType(),
            Topics.AIR_QUALITY.partitions(), Topics.AIR_QUALITY.configs(), Topics.AIR_QUALITY.compatibility(),
            "station code (copied from serialized air-quality events)");

    /** The topics a measurement writes, reset before each. */
    static final List<TopicSpec<?>> MEASURED_TOPICS = List.of(Topics.AIR_QUALITY, Topics.INDICATORS_IV3, Topics.LATE_EVENTS,
            Topics.REJECTED);

    private final PulseConfig config;
    private final Path workDir;
    private final boolean embedded;
    private final boolean resetAllowed;
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private final String bootstrapServers;
    private final String registryUrl;
    private final KafkaClients clients;
    private final PulseSerdes serdes;
    private final Admin admin;
    private final IndicatorCatalog catalog = IndicatorCatalog.bundled();
    private final ZoneId zone;
    private final long startupMillis;
    private int topologies;

    private BenchPlatform(PulseConfig config, String bootstrap, String registry, boolean resetAllowed, Path parent)
            throws IOException {
        long began = System.nanoTime();
        this.config = config;
        // Not under java.io.tmpdir: Kafka Streams warns (per application) that the OS may clean a state directory there.
        Files.createDirectories(parent);
        this.workDir = Files.createTempDirectory(parent.toAbsolutePath(), "work-");
        this.resetAllowed = resetAllowed;
        this.zone = ZoneId.of(config.get(PlatformConfig.TIME_ZONE));
        try {
            if (bootstrap == null || bootstrap.isBlank()) {
                embedded = true;
                // As the Flink peer's broker: the same-work section's scaled event time runs into the future (5 M events
                // reach 2031) and the topology stamps its output and changelogs with event time; Kafka 4 rejects record
                // timestamps more than an hour ahead by default.
                EmbeddedKafkaBroker broker = track(EmbeddedKafkaBroker.builder().dataDir(workDir.resolve("kafka")).brokerPort(0)
                        .config("log.message.timestamp.after.max.ms", String.valueOf(Long.MAX_VALUE))
                        .build().start());
                bootstrapServers = broker.bootstrapServers();
            } else {
                embedded = false;
                bootstrapServers = bootstrap;
            }
            if (registry == null || registry.isBlank()) {
                EmbeddedSchemaRegistry r = track(EmbeddedSchemaRegistry.builder().bootstrapServers(bootstrapServers).port(0)
                        .replicationFactor(config.get(PlatformConfig.TOPIC_REPLICATION_FACTOR)).build().start());
                registryUrl = r.url();
            } else {
                registryUrl = registry;
            }
            clients = new KafkaClients(bootstrapServers, config);
            HttpSchemaRegistryClient registryClient = track(HttpSchemaRegistryClient.fromConfig(config, registryUrl));
            serdes = new PulseSerdes(registryClient);
            admin = track(Admin.create(clients.admin("pulse-bench-admin")));
            TopicProvisioner.ensure(admin, Topics.all(), replicationFactor(), partitions());
            SchemaProvisioner.ensure(registryClient, Topics.all());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        startupMillis = (System.nanoTime() - began) / 1_000_000;
    }

    /**
     * Starts the embedded broker and registry unless {@code bootstrap} (and {@code registry}) name
     * existing ones; an existing cluster without a registry URL gets an embedded registry on it. Data, state
     * and logs live in a new directory under {@code workParent}, deleted on {@link #close()}.
     */
    static BenchPlatform start(PulseConfig config, String bootstrap, String registry, boolean resetAllowed, Path workParent) {
        try {
            return new BenchPlatform(config, bootstrap, registry, resetAllowed, workParent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the benchmark's temporary directory", e);
        }
    }

    boolean embedded() {
        return embedded;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    String registryUrl() {
        return registryUrl;
    }

    PulseConfig config() {
        return config;
    }

    KafkaClients clients() {
        return clients;
    }

    PulseSerdes serdes() {
        return serdes;
    }

    ZoneId zone() {
        return zone;
    }

    IndicatorCatalog catalog() {
        return catalog;
    }

    /** The daily-mean indicators the IV.3 topology computes (what {@link ExpectedWindows} must predict). */
    List<DailyMeanDefinition> dailyMeans() {
        return Iv3EnvironmentTopology.dailyMeans(catalog);
    }

    /** Milliseconds it took to start the platform (broker, registry, topics, schemas). */
    long startupMillis() {
        return startupMillis;
    }

    Path workDir() {
        return workDir;
    }

    private int replicationFactor() {
        return config.get(PlatformConfig.TOPIC_REPLICATION_FACTOR);
    }

    /** {@code topics.partitions}: what every partitioned topic, the raw baseline's included, is created with. */
    int partitions() {
        return config.get(PlatformConfig.TOPIC_PARTITIONS);
    }

    /** Deletes and re-creates {@code topics}, empty, with their registry partitions and configs. */
    void resetTopics(Collection<TopicSpec<?>> topics) {
        resetTopics(topics, partitions());
    }

    /** As {@link #resetTopics(Collection)}, every partitioned topic with {@code partitionCount} partitions. */
    void resetTopics(Collection<TopicSpec<?>> topics, int partitionCount) {
        if (!embedded && !resetAllowed) {
            throw new IllegalStateException("the benchmark deletes and re-creates " + topics.stream().map(TopicSpec::name).toList()
                    + " on " + bootstrapServers + " before every measurement; run it against a scratch cluster and pass "
                    + "--allow-topic-reset");
        }
        Set<String> names = topics.stream().map(TopicSpec::name).collect(Collectors.toSet());
        List<TopicSpec<?>> specs = topics.stream().<TopicSpec<?>>map(BenchPlatform::keepingHistory).toList();
        deleteTopics(names);
        // Creation right after deletion can race the controller; retry until every topic exists anew.
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (true) {
            TopicProvisioner.ensure(admin, specs, replicationFactor(), partitionCount);
            if (allLed(names)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics " + names + " not re-created within " + ADMIN_TIMEOUT);
            }
            sleep(50);
        }
    }

    /**
     * The topic as the registry declares it, except that time-based retention is off: generated history
     * (2000..2020) carries event-time record timestamps years older than any retention, so the broker's
     * next retention check (every 5 minutes) could delete records before the topology has read them
     * (the caveat {@code EventPublisher} documents). Retention does not change what producing or
     * consuming costs; the benchmark's topics are deleted at the end anyway.
     */
    static TopicSpec<?> keepingHistory(TopicSpec<?> t) {
        if (!t.configs().containsKey("retention.ms")) {
            return t;
        }
        Map<String, String> configs = new HashMap<>(t.configs());
        configs.put("retention.ms", "-1");
        return copy(t, Map.copyOf(configs));
    }

    private static <V extends org.apache.avro.specific.SpecificRecord> TopicSpec<V> copy(TopicSpec<V> t, Map<String, String> configs) {
        return new TopicSpec<>(t.name(), t.valueType(), t.partitions(), configs, t.compatibility(), t.keyDescription());
    }

    /** Deletes every topic whose name starts with {@code prefix} (a finished Streams application's internal topics). */
    void deleteTopicsWithPrefix(String prefix) {
        try {
            Set<String> names = admin.listTopics().names().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).stream()
                    .filter(n -> n.startsWith(prefix)).collect(Collectors.toSet());
            if (!names.isEmpty()) {
                deleteTopics(names);
            }
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Could not delete the internal topics {}*: {}", prefix, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deleteTopics(Set<String> names) {
        try {
            try {
                admin.deleteTopics(names).all().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
            while (admin.listTopics().names().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).stream().anyMatch(names::contains)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics " + names + " not deleted within " + ADMIN_TIMEOUT);
                }
                sleep(50);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot delete topics " + names + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while deleting topics", e);
        }
    }

    /**
     * Log end offset summed over the partitions of every non-internal topic except the raw baseline's:
     * how many log entries (records and transaction markers) the pipeline has appended so far, per topic.
     */
    Map<String, Long> endOffsetsByTopic() {
        try {
            Set<String> names = admin.listTopics().names().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).stream()
                    .filter(n -> !n.equals(RAW_TOPIC.name())).collect(Collectors.toSet());
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            admin.describeTopics(names).allTopicNames().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).values()
                    .forEach(t -> t.partitions().forEach(p -> request.put(new TopicPartition(t.name(), p.partition()), OffsetSpec.latest())));
            Map<String, Long> sums = new TreeMap<>();
            admin.listOffsets(request).all().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                    .forEach((tp, info) -> sums.merge(tp.topic(), info.offset(), Long::sum));
            return sums;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the topics' end offsets: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private boolean allLed(Set<String> names) {
        try {
            Map<String, TopicDescription> d = admin.describeTopics(names).allTopicNames()
                    .get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return d.size() == names.size() && d.values().stream()
                    .allMatch(t -> t.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * A new IV.3 indicators application — production code and configuration, with its own
     * {@code application.id} ({@code <prefix>-indicators-iv3}, prefix {@code bench-<name>-<n>}) and an
     * empty state directory, so it reads its input from the beginning.
     */
    IndicatorsRun newIndicators(String name) {
        return newIndicators(name, catalog, Map.of());
    }

    /** As {@link #newIndicators(String)}, computing {@code indicators} with the run's configuration plus {@code overrides}. */
    IndicatorsRun newIndicators(String name, IndicatorCatalog indicators, Map<String, String> overrides) {
        String prefix = "bench-" + name + "-" + (++topologies);
        Map<String, String> own = new HashMap<>(overrides);
        own.put(PlatformConfig.APPLICATION_ID_PREFIX.name(), prefix);
        PulseConfig configured = config.with(own);
        return new IndicatorsRun(this, configured, indicators, new KafkaClients(bootstrapServers, configured),
                workDir.resolve("streams").resolve(prefix));
    }

    /** One running instance of the IV.3 topology; closing it also deletes its state and internal topics. */
    static final class IndicatorsRun implements AutoCloseable {
        private final BenchPlatform platform;
        private final PulseMetrics metrics;
        private final StreamsApplication app;
        private final Path stateDir;

        IndicatorsRun(BenchPlatform platform, PulseConfig config, IndicatorCatalog catalog, KafkaClients clients, Path stateDir) {
            this.platform = platform;
            this.stateDir = stateDir;
            this.metrics = new PulseMetrics("pulse-bench");
            this.app = Iv3EnvironmentTopology.application(clients, platform.serdes, catalog, platform.zone, metrics, stateDir,
                    TopologyOptions.fromConfig(config, metrics.registry()));
        }

        IndicatorsRun start() {
            app.start();
            return this;
        }

        /** Blocks until every stream thread runs; returns the milliseconds waited. */
        long awaitRunning(Duration timeout) {
            long began = System.nanoTime();
            long deadline = began + timeout.toNanos();
            while (!app.isRunning()) {
                if (app.state() == org.apache.kafka.streams.KafkaStreams.State.ERROR
                        || app.state() == org.apache.kafka.streams.KafkaStreams.State.NOT_RUNNING) {
                    throw new IllegalStateException(app.applicationId() + " failed to start: " + app.state());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(app.applicationId() + " not RUNNING within " + timeout + ": " + app.state());
                }
                sleep(5);
            }
            return (System.nanoTime() - began) / 1_000_000;
        }

        boolean isRunning() {
            return app.isRunning();
        }

        /** The name prefix of this application's stream threads ({@code <client.id>-StreamThread-}). */
        String streamThreadPrefix() {
            return app.applicationId() + "-StreamThread-";
        }

        StreamsApplication application() {
            return app;
        }

        @Override
        public void close() {
            app.close();
            metrics.close();
            platform.deleteTopicsWithPrefix(app.applicationId() + "-");
            deleteRecursively(stateDir);
        }
    }

    private <T extends AutoCloseable> T track(T component) {
        toClose.push(component);
        return component;
    }

    @Override
    public void close() {
        while (!toClose.isEmpty()) {
            AutoCloseable c = toClose.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("Error stopping {}: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
        deleteRecursively(workDir);
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", dir, e.toString());
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
