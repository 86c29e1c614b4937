package pl.krakow.pulse.platform.config;

import java.util.List;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * The platform-level keys every Kraków Pulse process reads: where Kafka and the schema registry are, how
 * topics are created, the data directory, and the Kafka Streams settings {@link pl.krakow.pulse.platform.kafka.KafkaClients}
 * applies to every Streams application (application id prefix, processing guarantee, threads, commit interval,
 * RocksDB memory) and the time zone calendar windows align to.
 *
 * <p>{@link #KEYS} lists them in documentation order; {@code pulse config} and the README table show them in
 * that order among the other modules' keys.
 */
public final class PlatformConfig {

    private PlatformConfig() {
    }

    public static final ConfigKey<String> BOOTSTRAP_SERVERS = ConfigKey.string("bootstrap.servers", "kafka", "",
            "Kafka bootstrap servers (host:port,...). Empty = start the embedded single-node KRaft broker.");
    public static final ConfigKey<String> SCHEMA_REGISTRY_URL = ConfigKey.string("schema.registry.url", "kafka", "",
            "URL of a Confluent-compatible schema registry (Confluent SR, Karapace, Redpanda, Apicurio ccompat). "
                    + "Empty = start the embedded registry (persisted in the _schemas topic).");
    public static final ConfigKey<Integer> TOPIC_REPLICATION_FACTOR = ConfigKey.integer("topics.replication.factor", "kafka", 1,
            "Replication factor used when Kraków Pulse creates its topics at start-up (use 3 on a production cluster).")
            .withValidator(ConfigKey.atLeast(1));
    public static final ConfigKey<Integer> TOPIC_PARTITIONS = ConfigKey.integer("topics.partitions", "kafka",
            Topics.DEFAULT_PARTITIONS,
            "Partitions of the event, indicator-table, alert, late and dead-letter topics Kraków Pulse creates (reference "
                    + "topics have one; existing topics keep theirs). Each partition is a Streams task with its own stores and "
                    + "its share of every exactly-once commit: match it to the stream threads the deployment runs.")
            .withValidator(ConfigKey.atLeast(1));
    public static final ConfigKey<Boolean> TOPICS_CREATE = ConfigKey.bool("topics.create", "kafka", true,
            "Create missing topics at start-up (idempotent). Turn off where topics are managed elsewhere.");
    public static final ConfigKey<String> DATA_DIR = ConfigKey.string("data.dir", "embedded", "pulse-data",
            "Directory for the embedded broker's log, Kafka Streams state and exports; a restart on the same directory resumes.");
    public static final ConfigKey<String> APPLICATION_ID_PREFIX = ConfigKey.string("application.id.prefix", "streams", "pulse",
            "Prefix of every Kafka Streams application.id and client.id (e.g. pulse-indicators-iv3).");
    public static final ConfigKey<String> PROCESSING_GUARANTEE = ConfigKey.string("streams.processing.guarantee", "streams", "exactly_once_v2",
            "Kafka Streams processing.guarantee: exactly_once_v2 or at_least_once.")
            .withValidator(v -> v.equals("exactly_once_v2") || v.equals("at_least_once") ? null : "must be exactly_once_v2 or at_least_once");
    public static final ConfigKey<Integer> STREAMS_THREADS = ConfigKey.integer("streams.num.threads", "streams", 1,
            "Stream threads per topology application.").withValidator(ConfigKey.atLeast(1));
    public static final ConfigKey<Long> STREAMS_COMMIT_INTERVAL_MS = ConfigKey.longKey("streams.commit.interval.ms", "streams", 50L,
            "Kafka Streams commit interval; with exactly-once it bounds how soon an indicator update becomes visible. "
                    + "50 ms (Streams' exactly-once default is 100) met the 300 ms p99 target at 5,000 events/s with the "
                    + "same end-to-end throughput in the benchmark.");
    public static final ConfigKey<Long> STREAMS_ROCKSDB_MEMORY_BYTES = ConfigKey.longKey("streams.rocksdb.memory.bytes", "streams",
            64L * 1024 * 1024, "Off-heap budget shared by all RocksDB state stores of the process (block cache incl. memtables).")
            .withValidator(v -> v < 1024L * 1024 ? "must be at least 1 MiB" : null);
    public static final ConfigKey<Integer> STREAMS_STANDBY_REPLICAS = ConfigKey.integer("streams.num.standby.replicas", "streams", 0,
            "Kafka Streams num.standby.replicas: warm copies of each task's state kept by other instances of the same "
                    + "component, so a failed-over task resumes without restoring its stores from the changelog. Needs as "
                    + "many more instances (pulse indicators, pulse alerting).").withValidator(ConfigKey.atLeast(0));
    public static final ConfigKey<java.time.Duration> STREAMS_SESSION_TIMEOUT = ConfigKey.duration("streams.session.timeout",
            "streams", java.time.Duration.ofSeconds(15),
            "Session timeout of the Streams applications' group members. Members are static (their id is kept in the "
                    + "state directory), so a restart within this time takes its tasks back without a rebalance, and an "
                    + "instance killed or lost hands its tasks to the others only after it: this is the failover time. "
                    + "Between the broker's group.min/max.session.timeout.ms (6 s - 30 min by default).");
    public static final ConfigKey<String> TIME_ZONE = ConfigKey.string("indicators.time.zone", "indicators", "Europe/Warsaw",
            "IANA time zone in which calendar windows (day, month, year) are aligned.")
            .withValidator(v -> {
                try {
                    java.time.ZoneId.of(v);
                    return null;
                } catch (RuntimeException e) {
                    return "not an IANA time zone id";
                }
            });

    /**
     * Bounded well below the broker's default {@code max.message.bytes} and the producer's {@code max.request.size}
     * (both 1 MiB), which a dead letter must fit together with its text fields.
     */
    public static final ConfigKey<Integer> DEAD_LETTER_PAYLOAD_MAX_BYTES = ConfigKey.integer("dead.letter.payload.max.bytes",
            "kafka", 64 * 1024,
            "Bytes of a refused record's raw payload kept in its dead letter on ingest.rejected.v1 (1024-524288); a longer "
                    + "payload is cut, and the dead letter carries its full length and SHA-256 (rawPayloadLength, "
                    + "rawPayloadSha256, rawPayloadTruncated) so it can be matched to the original.")
            .withValidator(v -> v < 1024 || v > 512 * 1024 ? "must be between 1024 and 524288 (half the broker's default "
                    + "max.message.bytes)" : null);

    /** Every key of this module, in documentation order. */
    public static final List<ConfigKey<?>> KEYS = List.of(
            BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL, TOPIC_REPLICATION_FACTOR, TOPIC_PARTITIONS, TOPICS_CREATE, DATA_DIR,
            APPLICATION_ID_PREFIX, PROCESSING_GUARANTEE, STREAMS_THREADS, STREAMS_COMMIT_INTERVAL_MS, STREAMS_ROCKSDB_MEMORY_BYTES,
            STREAMS_STANDBY_REPLICAS, STREAMS_SESSION_TIMEOUT, TIME_ZONE, DEAD_LETTER_PAYLOAD_MAX_BYTES);
}
