package pl.krakow.pulse.platform.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.UUID;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.config.PlatformConfig;

/**
 * Builds Kafka client configurations from the Pulse configuration: bootstrap servers plus the
 * {@code kafka.*} pass-through (TLS, SASL, tuning), applied last so an operator can override any
 * default below.
 *
 * <p>Streams applications are static group members: their {@code group.instance.id} is kept in the state
 * directory ({@value #INSTANCE_ID_FILE}), so a restarted instance replaces its previous members without waiting for
 * their session timeout.
 */
public final class KafkaClients {

    /** The file in the Streams state directory that holds this instance's static group membership id. */
    static final String INSTANCE_ID_FILE = "pulse-instance-id";

    private final String bootstrapServers;
    private final PulseConfig config;

    public KafkaClients(String bootstrapServers, PulseConfig config) {
        this.bootstrapServers = bootstrapServers;
        this.config = config;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public PulseConfig config() {
        return config;
    }

    public Map<String, Object> admin(String clientId) {
        Map<String, Object> p = base(clientId);
        p.putAll(config.kafkaPassThrough());
        return p;
    }

    /** Idempotent, acks=all, compressed, batched: the producer every feed uses (DESIGN §8). */
    public Map<String, Object> producer(String clientId) {
        Map<String, Object> p = base(clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        p.putAll(config.kafkaPassThrough());
        return p;
    }

    public Map<String, Object> consumer(String clientId, String groupId) {
        Map<String, Object> p = base(clientId);
        if (groupId != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.putAll(config.kafkaPassThrough());
        return p;
    }

    /** Base Kafka Streams properties: exactly-once v2, explicit naming of every internal resource. */
    public Properties streams(String applicationSuffix, String stateDir) {
        Properties p = new Properties();
        String appId = config.get(PlatformConfig.APPLICATION_ID_PREFIX) + "-" + applicationSuffix;
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        p.put(StreamsConfig.CLIENT_ID_CONFIG, appId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.get(PlatformConfig.PROCESSING_GUARANTEE));
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.get(PlatformConfig.STREAMS_THREADS));
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.get(PlatformConfig.STREAMS_COMMIT_INTERVAL_MS));
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.get(PlatformConfig.TOPIC_REPLICATION_FACTOR));
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
        p.put(BoundedRocksDbMemory.TOTAL_BYTES_CONFIG, config.get(PlatformConfig.STREAMS_ROCKSDB_MEMORY_BYTES));
        // Our goal topologies never join streams, so a task has nothing to wait for on other inputs; -1
        // also skips the per-poll idleness bookkeeping, which showed in the benchmark's profile.
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        // Commits run every commit.interval.ms anyway; the early commit on uncommitted state-store bytes
        // (KIP-892) polls every store's size on each loop and cost ~5 % of the stream thread in the profile.
        p.put(StreamsConfig.STATESTORE_UNCOMMITTED_MAX_BYTES_CONFIG, 0L);
        // Static membership (issue 15): after a kill -9 the dead instance's dynamic members stayed in the group until
        // session.timeout.ms (45 s), and the restarted instance's rebalance waited for them — ready 51-61 s after a
        // restart. With a group.instance.id kept in the state directory, the restarted instance takes its own place
        // back at once. Streams appends the thread index, so one id serves every stream thread of this instance.
        p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), appId + "-" + instanceId(Path.of(stateDir)));
        // A static member is replaced only when its session expires: with several instances this is how long the tasks
        // of one killed instance wait before another takes them (issue 16's failover time). Heartbeats every 3 s (the default) or a third of it.
        long sessionMs = config.get(PlatformConfig.STREAMS_SESSION_TIMEOUT).toMillis();
        p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), (int) sessionMs);
        p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), (int) Math.min(3000, Math.max(500, sessionMs / 3)));
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.get(PlatformConfig.STREAMS_STANDBY_REPLICAS));
        p.putAll(config.kafkaPassThrough());
        return p;
    }

    /**
     * This instance's identity within its Streams groups, created once and kept in {@code stateDir}, so it survives
     * restarts (static membership) and differs between instances, whose state directories differ.
     */
    static String instanceId(Path stateDir) {
        Path file = stateDir.resolve(INSTANCE_ID_FILE);
        try {
            if (Files.isRegularFile(file)) {
                String id = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!id.isEmpty()) {
                    return id;
                }
            }
            Files.createDirectories(stateDir);
            String id = UUID.randomUUID().toString();
            Path tmp = Files.createTempFile(stateDir, INSTANCE_ID_FILE, ".tmp");
            Files.writeString(tmp, id + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the Streams instance id " + file, e);
        }
    }

    private Map<String, Object> base(String clientId) {
        Map<String, Object> p = new HashMap<>();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        return p;
    }
}
