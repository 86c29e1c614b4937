package pl.krakow.pulse.testsupport.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import pl.krakow.pulse.runtime.replica.ConsumerGroupLag;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import pl.krakow.pulse.embedded.EmbeddedKafkaBroker;
import pl.krakow.pulse.embedded.EmbeddedSchemaRegistry;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.registry.HttpSchemaRegistryClient;
import pl.krakow.pulse.platform.registry.InMemorySchemaRegistryClient;
import pl.krakow.pulse.platform.registry.SchemaProvisioner;
import pl.krakow.pulse.platform.registry.SchemaRegistryClient;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.TopicProvisioner;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * The real embedded KRaft broker of an integration test, with the project's clients, serdes and metrics, and
 * optionally the embedded Confluent-compatible schema registry over HTTP (without it the serdes share one in-memory
 * registry client: enough when every producer and consumer of the test uses {@link #serdes()}). Topics exist only
 * once {@link #provision provisioned} (the broker does not auto-create them). Closing it closes the
 * {@link #track tracked} resources first (newest first), then metrics, registry client, registry and broker; each
 * close is best effort so the broker always stops.
 */
public final class EmbeddedPlatform implements AutoCloseable {

    private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final SchemaRegistryClient registryClient;
    private final KafkaClients clients;
    private final PulseSerdes serdes;
    private final Deque<AutoCloseable> tracked = new ArrayDeque<>();
    private PulseMetrics metrics;

    private EmbeddedPlatform(Builder b) {
        name = b.name;
        broker = EmbeddedKafkaBroker.builder().dataDir(b.dir.resolve("kafka")).build().start();
        registry = b.schemaRegistry
                ? EmbeddedSchemaRegistry.builder().bootstrapServers(broker.bootstrapServers()).port(0).build().start() : null;
        registryClient = registry != null ? new HttpSchemaRegistryClient(registry.url()) : new InMemorySchemaRegistryClient();
        clients = new KafkaClients(broker.bootstrapServers(), b.config);
        serdes = new PulseSerdes(registryClient);
    }

    /** A broker with its log under {@code dir/kafka}; {@code name} prefixes client ids and names the metrics. */
    public static Builder builder(Path dir, String name) {
        return new Builder(dir, name);
    }

    /** A broker with an in-memory schema registry client and the default configuration. */
    public static EmbeddedPlatform start(Path dir, String name) {
        return builder(dir, name).start();
    }

    /** Creates every topic of the registry with {@code partitions} partitions each, and waits for their leaders. */
    public EmbeddedPlatform provision(int partitions) {
        try (Admin admin = Admin.create(clients.admin(name + "-admin"))) {
            TopicProvisioner.ensure(admin, Topics.all(), 1, partitions);
            awaitLeaders(admin, Topics.all());
        }
        return this;
    }

    /** Creates these topics with the partitions their specs declare, and waits for their leaders. */
    public EmbeddedPlatform provision(Collection<? extends TopicSpec<?>> topics) {
        try (Admin admin = Admin.create(clients.admin(name + "-admin"))) {
            TopicProvisioner.ensure(admin, List.copyOf(topics), 1);
            awaitLeaders(admin, topics);
        }
        return this;
    }

    /**
     * A new partition elects its leader asynchronously; an idempotent producer that races the election can get
     * OUT_OF_ORDER_SEQUENCE_NUMBER and stall until its delivery timeout, so provisioning returns once every partition
     * has a leader.
     */
    private static void awaitLeaders(Admin admin, Collection<? extends TopicSpec<?>> topics) {
        List<String> names = topics.stream().map(TopicSpec::name).toList();
        long deadline = System.nanoTime() + LEADER_TIMEOUT.toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get();
                if (described.values().stream().flatMap(d -> d.partitions().stream()).allMatch(p -> p.leader() != null)) {
                    return;
                }
            } catch (ExecutionException e) {
                // metadata not propagated yet: ask again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for partition leaders", e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no leader for every partition of " + names + " within " + LEADER_TIMEOUT);
            }
            Thread.onSpinWait();
        }
    }

    public EmbeddedPlatform provision(TopicSpec<?>... topics) {
        return provision(Arrays.asList(topics));
    }

    /** Registers the value schemas of these topics with their compatibility, as {@code pulse run} does at start. */
    public EmbeddedPlatform registerSchemas(Collection<? extends TopicSpec<?>> topics) {
        SchemaProvisioner.ensure(registryClient, List.copyOf(topics));
        return this;
    }

    /** Closed with the platform, before the broker. */
    public <T extends AutoCloseable> T track(T closeable) {
        tracked.push(closeable);
        return closeable;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public KafkaClients clients() {
        return clients;
    }

    /** Clients of the same broker with another configuration (e.g. a short {@code kafka.max.block.ms}). */
    public KafkaClients clients(PulseConfig config) {
        return new KafkaClients(broker.bootstrapServers(), config);
    }

    public PulseSerdes serdes() {
        return serdes;
    }

    /**
     * Serdes with a registry client of their own, as another process has: they find a writer schema by its id in the
     * registry, not in a cache the producer filled. Needs the HTTP registry; the caller closes nothing (tracked).
     */
    public PulseSerdes serdesOfAnotherProcess() {
        if (registry == null) {
            throw new IllegalStateException("no schema registry: build the platform with schemaRegistry()");
        }
        return new PulseSerdes(track(new HttpSchemaRegistryClient(registry.url())));
    }

    /** The registry's base URL; only with the HTTP registry. */
    public String registryUrl() {
        if (registry == null) {
            throw new IllegalStateException("no schema registry: build the platform with schemaRegistry()");
        }
        return registry.url();
    }

    /** Metrics named after the platform, created on first use and closed with it. */
    public synchronized PulseMetrics metrics() {
        if (metrics == null) {
            metrics = new PulseMetrics(name);
        }
        return metrics;
    }

    /**
     * Waits until every consumer group on the broker — the Streams applications under test — has committed offsets
     * at the end of every partition it reads ({@link ConsumerGroupLag}): with exactly-once, everything they derived
     * from their input so far is then committed to their output topics. What a test waits for before reading a
     * table to its end, instead of "poll a little longer".
     */
    public void awaitInputConsumed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> behind = List.of();
        try (Admin admin = Admin.create(clients.admin(name + "-lag"))) {
            while (System.nanoTime() < deadline) {
                behind = ConsumerGroupLag.behind(admin);
                if (behind.isEmpty()) {
                    return;
                }
                Thread.sleep(100); // a poll interval of the condition, not a guess that data arrived
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the consumer groups", e);
        }
        throw new AssertionError("consumer groups still behind their inputs after " + timeout + ": " + behind);
    }

    /** Every record on the topic up to its end offsets now (read committed), in partition order. */
    public <V extends SpecificRecord> List<ConsumerRecord<String, V>> readToEnd(TopicSpec<V> topic) {
        return TopicReader.readToEnd(clients, serdes, topic);
    }

    @Override
    public void close() {
        while (!tracked.isEmpty()) {
            closeQuietly(tracked.pop());
        }
        closeQuietly(metrics);
        closeQuietly(registryClient);
        closeQuietly(registry);
        closeQuietly(broker);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (Exception e) {
            // best effort: the broker must still stop
        }
    }

    /** How to start an {@link EmbeddedPlatform}. */
    public static final class Builder {
        private final Path dir;
        private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
        private boolean schemaRegistry;
        private PulseConfig config = PulseConfig.defaults();

        private Builder(Path dir, String name) {
            this.dir = dir;
            this.name = name;
        }

        /** Also start the embedded schema registry; the serdes then talk to it over HTTP. */
        public Builder schemaRegistry() {
            this.schemaRegistry = true;
            return this;
        }

        /** The configuration of {@link #clients()} (default {@link PulseConfig#defaults()}). */
        public Builder config(PulseConfig config) {
            this.config = config;
            return this;
        }

        public EmbeddedPlatform start() {
            return new EmbeddedPlatform(this);
        }
    }
}
