package pl.krakow.pulse.platform.config;

import java.util.List;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * The platform-level keys every Kraków Pulse process reads: where Kafka and the schema registry are, how this
 * process authenticates to the registry and whether it may register schemas there (under the names Confluent's
 * clients use, {@code schema.registry.basic.auth.*}, {@code auto.register.schemas}...), how topics are created, the data directory, and the Kafka Streams settings {@link pl.krakow.pulse.platform.kafka.KafkaClients}
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
    public static final ConfigKey<String> SCHEMA_REGISTRY_BASIC_AUTH_SOURCE = ConfigKey.string(
            "schema.registry.basic.auth.credentials.source", "registry", "",
            "HTTP basic authentication to the schema registry: USER_INFO (schema.registry.basic.auth.user.info) or URL "
                    + "(user:password@ in schema.registry.url). Empty = none.")
            .withValidator(oneOf("", "USER_INFO", "URL"));
    public static final ConfigKey<String> SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO = ConfigKey.string(
            "schema.registry.basic.auth.user.info", "registry", "",
            "user:password for basic.auth.credentials.source=USER_INFO. Secret.")
            .withValidator(v -> v.isEmpty() || v.indexOf(':') > 0 ? null : "must be user:password").asSecret();
    public static final ConfigKey<String> SCHEMA_REGISTRY_BEARER_AUTH_SOURCE = ConfigKey.string(
            "schema.registry.bearer.auth.credentials.source", "registry", "",
            "Bearer-token authentication to the schema registry: STATIC_TOKEN (schema.registry.bearer.auth.token). "
                    + "Empty = none; not together with basic authentication.")
            .withValidator(oneOf("", "STATIC_TOKEN"));
    public static final ConfigKey<String> SCHEMA_REGISTRY_BEARER_AUTH_TOKEN = ConfigKey.string(
            "schema.registry.bearer.auth.token", "registry", "", "The token for bearer.auth.credentials.source=STATIC_TOKEN. Secret.")
            .asSecret();
    public static final ConfigKey<String> SCHEMA_REGISTRY_TRUSTSTORE_LOCATION = ConfigKey.string(
            "schema.registry.ssl.truststore.location", "registry", "",
            "Trust store for an https schema registry whose certificate the JVM's default trust store does not know. "
                    + "Empty = the JVM's default.");
    public static final ConfigKey<String> SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD = ConfigKey.string(
            "schema.registry.ssl.truststore.password", "registry", "", "Password of the trust store. Secret.").asSecret();
    public static final ConfigKey<String> SCHEMA_REGISTRY_TRUSTSTORE_TYPE = ConfigKey.string(
            "schema.registry.ssl.truststore.type", "registry", "PKCS12", "Trust store type: PKCS12 or JKS.")
            .withValidator(oneOf("PKCS12", "JKS"));
    public static final ConfigKey<String> SCHEMA_REGISTRY_KEYSTORE_LOCATION = ConfigKey.string(
            "schema.registry.ssl.keystore.location", "registry", "",
            "Key store with this client's certificate, for a registry that requires TLS client authentication (mTLS). "
                    + "Empty = none.");
    public static final ConfigKey<String> SCHEMA_REGISTRY_KEYSTORE_PASSWORD = ConfigKey.string(
            "schema.registry.ssl.keystore.password", "registry", "", "Password of the key store. Secret.").asSecret();
    public static final ConfigKey<String> SCHEMA_REGISTRY_KEYSTORE_TYPE = ConfigKey.string(
            "schema.registry.ssl.keystore.type", "registry", "PKCS12", "Key store type: PKCS12 or JKS.")
            .withValidator(oneOf("PKCS12", "JKS"));
    public static final ConfigKey<String> SCHEMA_REGISTRY_KEY_PASSWORD = ConfigKey.string(
            "schema.registry.ssl.key.password", "registry", "",
            "Password of the private key in the key store; empty = the key store's password. Secret.").asSecret();
    public static final ConfigKey<Integer> SCHEMA_REGISTRY_MAX_RETRIES = ConfigKey.integer("schema.registry.max.retries",
            "registry", 3, "Retries of a schema-registry call that failed with an I/O error, HTTP 5xx or 429 (0 = none); "
                    + "waits grow from retries.wait.ms, doubling, up to retries.max.wait.ms.")
            .withValidator(ConfigKey.atLeast(0));
    public static final ConfigKey<Long> SCHEMA_REGISTRY_RETRIES_WAIT_MS = ConfigKey.longKey("schema.registry.retries.wait.ms",
            "registry", 1000L, "Wait before the first retry of a schema-registry call.")
            .withValidator(v -> v < 0 ? "must be >= 0" : null);
    public static final ConfigKey<Long> SCHEMA_REGISTRY_RETRIES_MAX_WAIT_MS = ConfigKey.longKey(
            "schema.registry.retries.max.wait.ms", "registry", 2000L, "Longest wait between two tries of a schema-registry call.")
            .withValidator(v -> v < 0 ? "must be >= 0" : null);
    public static final ConfigKey<Boolean> AUTO_REGISTER_SCHEMAS = ConfigKey.bool("auto.register.schemas", "registry", true,
            "Register the value schema of every topic at start-up and set its subject's compatibility level where the "
                    + "subject has none of its own. false = a registry managed elsewhere: nothing is registered or changed, "
                    + "start-up fails naming each subject whose schema is not there (see use.latest.version).");
    public static final ConfigKey<Boolean> USE_LATEST_VERSION = ConfigKey.bool("use.latest.version", "registry", false,
            "With auto.register.schemas=false: write with the latest version of each subject instead of requiring the "
                    + "code's own schema to be registered; start-up fails when a subject has no version or its latest "
                    + "version is not compatible with what the code writes. Read once at start-up.");
    public static final ConfigKey<Integer> TOPIC_REPLICATION_FACTOR = ConfigKey.integer("topics.replication.factor", "kafka", 1,
            "Replication factor used when Kraków Pulse creates its topics at start-up (use 3 on a production cluster).")
            .withValidator(ConfigKey.atLeast(1));
    public static final ConfigKey<Integer> TOPIC_PARTITIONS = ConfigKey.integer("topics.partitions", "kafka",
            Topics.DEFAULT_PARTITIONS,
            "Partitions of the event, indicator-table, alert, late and dead-letter topics Kraków Pulse creates (reference "
                    + "topics have one; existing topics keep theirs). Each partition is a Streams task with its own stores and "
                    + "its share of every exactly-once commit: match it to the stream threads the deployment runs.")
            .withValidator(ConfigKey.atLeast(1));
    public static final ConfigKey<Integer> TOPICS_MIN_INSYNC_REPLICAS = ConfigKey.integer("topics.min.insync.replicas", "kafka", 0,
            "min.insync.replicas of the topics Kraków Pulse creates with a replication factor of 3 or more (with acks=all, "
                    + "a write needs that many replicas); 0 = replication factor - 1. Never set on topics with fewer "
                    + "than 3 replicas, where it would stop every write when one broker is down.")
            .withValidator(ConfigKey.atLeast(0));
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

    private static ConfigKey.Validator<String> oneOf(String... allowed) {
        List<String> values = List.of(allowed);
        return v -> values.contains(v) ? null : "must be one of " + values.stream().map(a -> a.isEmpty() ? "(empty)" : a).toList();
    }

    /** Every key of this module, in documentation order. */
    public static final List<ConfigKey<?>> KEYS = List.of(
            BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL, SCHEMA_REGISTRY_BASIC_AUTH_SOURCE, SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO,
            SCHEMA_REGISTRY_BEARER_AUTH_SOURCE, SCHEMA_REGISTRY_BEARER_AUTH_TOKEN, SCHEMA_REGISTRY_TRUSTSTORE_LOCATION,
            SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD, SCHEMA_REGISTRY_TRUSTSTORE_TYPE, SCHEMA_REGISTRY_KEYSTORE_LOCATION,
            SCHEMA_REGISTRY_KEYSTORE_PASSWORD, SCHEMA_REGISTRY_KEYSTORE_TYPE, SCHEMA_REGISTRY_KEY_PASSWORD,
            SCHEMA_REGISTRY_MAX_RETRIES, SCHEMA_REGISTRY_RETRIES_WAIT_MS, SCHEMA_REGISTRY_RETRIES_MAX_WAIT_MS,
            AUTO_REGISTER_SCHEMAS, USE_LATEST_VERSION,
            TOPIC_REPLICATION_FACTOR, TOPIC_PARTITIONS, TOPICS_MIN_INSYNC_REPLICAS, TOPICS_CREATE, DATA_DIR,
            APPLICATION_ID_PREFIX, PROCESSING_GUARANTEE, STREAMS_THREADS, STREAMS_COMMIT_INTERVAL_MS, STREAMS_ROCKSDB_MEMORY_BYTES,
            STREAMS_STANDBY_REPLICAS, STREAMS_SESSION_TIMEOUT, TIME_ZONE, DEAD_LETTER_PAYLOAD_MAX_BYTES);
}
