package pl.krakow.pulse.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.javalin.Javalin;
import io.javalin.http.Context;

import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import pl.krakow.pulse.embedded.SchemaStore.CompatibilityResult;
import pl.krakow.pulse.embedded.SchemaStore.RegisteredSchema;
import pl.krakow.pulse.embedded.SchemaStore.Registration;

/**
 * An HTTP server speaking the subset of the Confluent Schema Registry REST API the project uses (Avro only),
 * persisted in a compacted, single-partition Kafka topic ({@code _schemas} by default), so schema ids survive
 * restarts exactly like the records that carry them.
 *
 * <p><b>Persistence.</b> Every registration and every compatibility change is a record of the topic, with
 * Confluent's key and value layout (key {@code {"keytype":"SCHEMA","subject":..,"version":..,"magic":1}} or
 * {@code {"keytype":"CONFIG","subject":..|null,"magic":0}}; value {@code {"subject","version","id","schema",
 * "schemaType","deleted"}} or {@code {"compatibilityLevel":..}}). It is written with an idempotent
 * {@code acks=all} producer, and the HTTP answer is only sent once the broker acknowledged it <em>and</em>
 * the registry's own reader has applied it. State changes only through that reader, which reads the topic
 * from the beginning on {@link #start()} (the registry serves nothing before it has reached the end offset)
 * and keeps tailing it, so several instances on one cluster converge on the same state.
 *
 * <p><b>Single writer.</b> Ids are allocated as {@code max(id) + 1} and versions as {@code latest + 1} from
 * the local state, after catching up with the topic's end offset. This is not a distributed lock: two
 * instances registering <em>new</em> schemas at the same instant could allocate the same id. The embedded
 * platform runs one registry per cluster, which is the assumption here (Confluent's registry solves this
 * with leader election, which this class deliberately does not implement).
 *
 * <p><b>As operators run registries</b> (all off by default, for tests of the clients): HTTPS with a key store
 * ({@link Builder#tls}, client certificates with {@link Builder#requireClientCertificates}), and HTTP basic or bearer authentication ({@link Builder#basicAuth}, {@link Builder#bearerToken}):
 * a request without the right {@code Authorization} header is answered 401 with error code 40101, as Confluent's does.
 * The registry's own Kafka clients take the operator's client settings ({@link Builder#kafkaClientProperties}: TLS,
 * SASL), so it runs on a secured cluster.
 *
 * <p>Not supported: schema types other than AVRO, schema references, deletes, modes, contexts.
 * Production services use a real registry (Confluent, Karapace, Redpanda, Apicurio's ccompat API).
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The content type of every answer (Confluent's). */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    /** The default topic. */
    public static final String DEFAULT_TOPIC = "_schemas";

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String HANDLED = "schema-registry-error-written";

    private final String bootstrapServers;
    private final String host;
    private final int requestedPort;
    private final String topic;
    private final short replicationFactor;
    private final Map<String, Object> kafkaClientProperties;
    private final Set<String> acceptedAuthorizations;
    private final Path tlsKeyStore;
    private final String tlsKeyStorePassword;
    private final Path tlsClientTrustStore;

    private final SchemaStore store = new SchemaStore();
    private final Object writes = new Object();
    private final Object lifecycle = new Object();
    private SchemasTopic log;
    private Javalin http;
    private volatile int port = -1;
    private boolean closed;

    /** A registry on {@code bootstrapServers}, on a free loopback port, using topic {@code _schemas}. */
    public EmbeddedSchemaRegistry(String bootstrapServers) {
        this(builder().bootstrapServers(bootstrapServers));
    }

    private EmbeddedSchemaRegistry(Builder builder) {
        this.bootstrapServers = Objects.requireNonNull(builder.bootstrapServers, "bootstrapServers");
        this.host = Objects.requireNonNull(builder.host, "host");
        if (builder.port < 0 || builder.port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535: " + builder.port);
        }
        this.requestedPort = builder.port;
        this.topic = Objects.requireNonNull(builder.topic, "topic");
        if (builder.replicationFactor < 1) {
            throw new IllegalArgumentException("replicationFactor must be at least 1: " + builder.replicationFactor);
        }
        this.replicationFactor = builder.replicationFactor;
        this.kafkaClientProperties = Map.copyOf(builder.kafkaClientProperties);
        this.acceptedAuthorizations = Set.copyOf(builder.acceptedAuthorizations);
        this.tlsKeyStore = builder.tlsKeyStore;
        this.tlsKeyStorePassword = builder.tlsKeyStorePassword;
        this.tlsClientTrustStore = builder.tlsClientTrustStore;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Creates the topic if missing, reads it to its end, then starts serving HTTP. Blocks until ready.
     *
     * @return this registry
     */
    public EmbeddedSchemaRegistry start() {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("This schema registry was closed; create a new instance");
            }
            if (http != null) {
                return this;
            }
            long began = System.nanoTime();
            try {
                log = new SchemasTopic(bootstrapServers, topic, replicationFactor,
                        "schema-registry-" + Integer.toHexString(System.identityHashCode(this)), this::applyRecord,
                        kafkaClientProperties);
                log.start(TIMEOUT);
                http = createHttpServer();
                if (tlsKeyStore == null) {
                    http.start(host, requestedPort);
                } else {
                    http.start(); // the TLS connector is the only one, bound to host and port (see createHttpServer)
                }
                port = http.port();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopQuietly();
                throw new IllegalStateException("Interrupted while starting the schema registry", e);
            } catch (ExecutionException | TimeoutException e) {
                stopQuietly();
                throw new IllegalStateException("Cannot start the schema registry on " + bootstrapServers, e);
            } catch (RuntimeException e) {
                stopQuietly();
                throw e;
            }
            LOG.info("Embedded schema registry started in {} ms at {} (topic {} on {}: {} subjects, max id {})",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), url(), topic, bootstrapServers,
                    store.subjects().size(), store.maxId());
            return this;
        }
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        if (port < 0) {
            throw new IllegalStateException("The schema registry has not been started");
        }
        String h = "0.0.0.0".equals(host) || "::".equals(host) || host.isEmpty() ? "127.0.0.1" : host;
        return (tlsKeyStore == null ? "http" : "https") + "://" + (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + port;
    }

    /** The bound HTTP port, or -1 before {@link #start()}. */
    public int port() {
        return port;
    }

    /** The Kafka topic holding the schemas. */
    public String topic() {
        return topic;
    }

    /** Stops serving and stops reading the topic. Idempotent. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            boolean wasRunning = http != null;
            String where = wasRunning ? url() : null;
            stopQuietly();
            if (wasRunning) {
                LOG.info("Embedded schema registry at {} stopped", where);
            }
        }
    }

    private void stopQuietly() {
        if (http != null) {
            try {
                http.stop();
            } catch (RuntimeException e) {
                LOG.debug("Ignoring failure while stopping the HTTP server", e);
            }
            http = null;
        }
        if (log != null) {
            log.close();
            log = null;
        }
    }

    // ------------------------------------------------------------------------------------- HTTP routes

    private Javalin createHttpServer() {
        QueuedThreadPool threads = new QueuedThreadPool(16, 2, 60_000);
        threads.setName("schema-registry-http");
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.jetty.threadPool = threads;
            config.http.defaultContentType = CONTENT_TYPE;
            config.router.ignoreTrailingSlashes = true;
            if (tlsKeyStore != null) {
                config.jetty.addConnector((server, httpConfig) -> {
                    SslContextFactory.Server tls = new SslContextFactory.Server();
                    tls.setKeyStorePath(tlsKeyStore.toString());
                    tls.setKeyStorePassword(tlsKeyStorePassword);
                    if (tlsClientTrustStore != null) {
                        tls.setNeedClientAuth(true);
                        tls.setTrustStorePath(tlsClientTrustStore.toString());
                        tls.setTrustStorePassword(tlsKeyStorePassword);
                    }
                    ServerConnector connector = new ServerConnector(server, tls);
                    connector.setHost(host);
                    connector.setPort(requestedPort);
                    return connector;
                });
            }
        });
        if (!acceptedAuthorizations.isEmpty()) {
            app.before(ctx -> {
                String given = ctx.header("Authorization");
                if (given == null || !acceptedAuthorizations.contains(given)) {
                    throw SchemaRegistryException.unauthorized();
                }
            });
        }

        app.get("/", ctx -> json(ctx, 200, MAPPER.createObjectNode()));
        app.get("/schemas/types", ctx -> json(ctx, 200, MAPPER.createArrayNode().add(SchemaStore.AVRO)));
        app.get("/schemas/ids/{id}", ctx -> {
            int id = parseId(ctx.pathParam("id"));
            String schema = store.schemaById(id).orElseThrow(SchemaRegistryException::schemaNotFound);
            json(ctx, 200, MAPPER.createObjectNode().put("schema", schema));
        });
        app.get("/subjects", ctx -> {
            ArrayNode subjects = MAPPER.createArrayNode();
            store.subjects().forEach(subjects::add);
            json(ctx, 200, subjects);
        });
        app.get("/subjects/{subject}/versions", ctx -> {
            ArrayNode versions = MAPPER.createArrayNode();
            store.versions(ctx.pathParam("subject")).forEach(versions::add);
            json(ctx, 200, versions);
        });
        app.post("/subjects/{subject}/versions", ctx -> {
            RegisteredSchema s = register(ctx.pathParam("subject"), schemaText(body(ctx)));
            json(ctx, 200, MAPPER.createObjectNode().put("id", s.id()));
        });
        app.get("/subjects/{subject}/versions/{version}", ctx -> json(ctx, 200,
                describe(store.version(ctx.pathParam("subject"), parseVersion(ctx.pathParam("version"))))));
        app.get("/subjects/{subject}/versions/{version}/schema", ctx -> {
            RegisteredSchema s = store.version(ctx.pathParam("subject"), parseVersion(ctx.pathParam("version")));
            ctx.status(200).contentType(CONTENT_TYPE).result(s.schema());
        });
        app.post("/subjects/{subject}", ctx ->
                json(ctx, 200, describe(store.lookup(ctx.pathParam("subject"), schemaText(body(ctx))))));
        app.post("/compatibility/subjects/{subject}/versions", ctx ->
                compatibility(ctx, store.testCompatibility(ctx.pathParam("subject"), schemaText(body(ctx)), null)));
        app.post("/compatibility/subjects/{subject}/versions/{version}", ctx -> {
            int version = parseVersion(ctx.pathParam("version"));
            compatibility(ctx, store.testCompatibility(ctx.pathParam("subject"), schemaText(body(ctx)), version));
        });
        app.get("/config", ctx -> json(ctx, 200,
                MAPPER.createObjectNode().put("compatibilityLevel", store.globalLevel().name())));
        app.put("/config", ctx -> {
            CompatibilityLevel level = compatibilityLevel(body(ctx));
            setCompatibility(null, level);
            json(ctx, 200, MAPPER.createObjectNode().put("compatibility", level.name()));
        });
        app.get("/config/{subject}", ctx -> {
            String subject = ctx.pathParam("subject");
            boolean defaultToGlobal = Boolean.parseBoolean(ctx.queryParam("defaultToGlobal"));
            CompatibilityLevel level = store.subjectLevel(subject)
                    .or(() -> defaultToGlobal ? Optional.of(store.globalLevel()) : Optional.<CompatibilityLevel>empty())
                    .orElseThrow(() -> SchemaRegistryException.subjectLevelNotConfigured(subject));
            json(ctx, 200, MAPPER.createObjectNode().put("compatibilityLevel", level.name()));
        });
        app.put("/config/{subject}", ctx -> {
            CompatibilityLevel level = compatibilityLevel(body(ctx));
            setCompatibility(ctx.pathParam("subject"), level);
            json(ctx, 200, MAPPER.createObjectNode().put("compatibility", level.name()));
        });

        app.exception(SchemaRegistryException.class, (e, ctx) -> error(ctx, e.httpStatus(), e.errorCode(), e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.warn("Schema registry request {} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, 500, SchemaRegistryException.STORE_ERROR, "Error in the backend data store: " + e);
        });
        app.error(404, ctx -> {
            if (ctx.attribute(HANDLED) == null) {
                error(ctx, 404, 404, "HTTP 404 Not Found");
            }
        });
        app.error(405, ctx -> {
            if (ctx.attribute(HANDLED) == null) {
                error(ctx, 405, 405, "HTTP 405 Method Not Allowed");
            }
        });
        return app;
    }

    private void compatibility(Context ctx, CompatibilityResult result) {
        ObjectNode answer = MAPPER.createObjectNode().put("is_compatible", result.compatible());
        if (Boolean.parseBoolean(ctx.queryParam("verbose"))) {
            ArrayNode messages = answer.putArray("messages");
            result.messages().forEach(messages::add);
        }
        json(ctx, 200, answer);
    }

    private static ObjectNode describe(RegisteredSchema s) {
        return MAPPER.createObjectNode()
                .put("subject", s.subject())
                .put("version", s.version())
                .put("id", s.id())
                .put("schema", s.schema());
    }

    private static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType(CONTENT_TYPE).result(body.toString());
    }

    private static void error(Context ctx, int status, int errorCode, String message) {
        ctx.attribute(HANDLED, Boolean.TRUE);
        ObjectNode body = MAPPER.createObjectNode().put("error_code", errorCode).put("message", message);
        ctx.status(status).contentType(CONTENT_TYPE).result(body.toString());
    }

    private static JsonNode body(Context ctx) {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0) {
            throw new SchemaRegistryException(400, 400, "Empty request body");
        }
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new SchemaRegistryException(400, 400, "The request body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new SchemaRegistryException(400, 400, "Malformed JSON: " + e.getMessage());
        }
    }

    private static String schemaText(JsonNode body) {
        JsonNode type = body.get("schemaType");
        if (type != null && !type.isNull() && !SchemaStore.AVRO.equalsIgnoreCase(type.asText())) {
            throw SchemaRegistryException.invalidSchema("schemaType " + type.asText()
                    + " is not supported by the embedded registry (AVRO only)");
        }
        JsonNode references = body.get("references");
        if (references != null && references.isArray() && !references.isEmpty()) {
            throw SchemaRegistryException.invalidSchema("schema references are not supported by the embedded registry");
        }
        JsonNode schema = body.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw SchemaRegistryException.invalidSchema("the request has no \"schema\" string");
        }
        return schema.asText();
    }

    private static CompatibilityLevel compatibilityLevel(JsonNode body) {
        JsonNode level = body.has("compatibility") ? body.get("compatibility") : body.get("compatibilityLevel");
        return CompatibilityLevel.parse(level == null || level.isNull() ? null : level.asText());
    }

    private static int parseVersion(String version) {
        if ("latest".equalsIgnoreCase(version)) {
            return -1;
        }
        try {
            int v = Integer.parseInt(version);
            if (v == -1 || v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw SchemaRegistryException.invalidVersion(version);
    }

    private static int parseId(String id) {
        try {
            return Integer.parseInt(id);
        } catch (NumberFormatException e) {
            throw SchemaRegistryException.schemaNotFound();
        }
    }

    // ------------------------------------------------------------------------------------- writes

    private RegisteredSchema register(String subject, String schemaText) throws Exception {
        synchronized (writes) {
            log.catchUp(TIMEOUT);
            Registration registration = store.prepareRegistration(subject, schemaText);
            RegisteredSchema s = registration.schema();
            if (!registration.isNew()) {
                return s;
            }
            ObjectNode key = MAPPER.createObjectNode().put("keytype", "SCHEMA").put("subject", s.subject())
                    .put("version", s.version()).put("magic", 1);
            ObjectNode value = MAPPER.createObjectNode().put("subject", s.subject()).put("version", s.version())
                    .put("id", s.id()).put("schema", s.schema()).put("schemaType", SchemaStore.AVRO)
                    .put("deleted", false);
            write(key, value);
            LOG.info("Registered schema id {} as version {} of subject {}", s.id(), s.version(), s.subject());
            return s;
        }
    }

    private void setCompatibility(String subject, CompatibilityLevel level) throws Exception {
        synchronized (writes) {
            ObjectNode key = MAPPER.createObjectNode().put("keytype", "CONFIG").put("subject", subject).put("magic", 0);
            write(key, MAPPER.createObjectNode().put("compatibilityLevel", level.name()));
            LOG.info("Compatibility of {} set to {}", subject == null ? "the registry (global)" : "subject " + subject,
                    level);
        }
    }

    private void write(ObjectNode key, ObjectNode value) throws Exception {
        try {
            long offset = log.append(MAPPER.writeValueAsString(key), MAPPER.writeValueAsString(value), TIMEOUT);
            log.awaitConsumed(offset + 1, TIMEOUT);
        } catch (TimeoutException e) {
            throw new SchemaRegistryException(500, SchemaRegistryException.STORE_TIMEOUT,
                    "Timed out writing to the schemas topic " + topic, e);
        } catch (ExecutionException e) {
            throw new SchemaRegistryException(500, SchemaRegistryException.STORE_ERROR,
                    "Error writing to the schemas topic " + topic + ": " + e.getCause(), e);
        }
    }

    /** Applies one record of the topic (called by the reader thread, in log order). */
    private void applyRecord(String key, String value) {
        if (key == null) {
            return;
        }
        JsonNode k = readJson(key);
        switch (k.path("keytype").asText()) {
            case "SCHEMA" -> {
                if (value == null) {
                    LOG.debug("Ignoring a schema tombstone for {}", key);
                    return;
                }
                JsonNode v = readJson(value);
                String type = v.path("schemaType").asText(SchemaStore.AVRO);
                if (v.path("deleted").asBoolean(false) || !SchemaStore.AVRO.equalsIgnoreCase(type)) {
                    LOG.debug("Ignoring schema record {} (deleted or not Avro)", key);
                    return;
                }
                store.applySchema(v.path("subject").asText(), v.path("version").asInt(), v.path("id").asInt(),
                        v.path("schema").asText());
            }
            case "CONFIG" -> {
                JsonNode subject = k.get("subject");
                String s = subject == null || subject.isNull() ? null : subject.asText();
                CompatibilityLevel level = null;
                if (value != null) {
                    JsonNode v = readJson(value);
                    level = CompatibilityLevel.parse(v.path("compatibilityLevel").asText(null));
                }
                store.applyConfig(s, level);
            }
            default -> LOG.debug("Ignoring record {}", key);
        }
    }

    private static JsonNode readJson(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }

    /** Options of an {@link EmbeddedSchemaRegistry}; only {@link #bootstrapServers(String)} is required. */
    public static final class Builder {
        private String bootstrapServers;
        private String host = "127.0.0.1";
        private int port;
        private String topic = DEFAULT_TOPIC;
        private short replicationFactor = 1;
        private final Map<String, Object> kafkaClientProperties = new HashMap<>();
        private final Set<String> acceptedAuthorizations = new HashSet<>();
        private Path tlsKeyStore;
        private String tlsKeyStorePassword;
        private Path tlsClientTrustStore;

        private Builder() {
        }

        /**
         * Settings for the registry's Kafka clients (admin, producer, reader), e.g. {@code security.protocol},
         * {@code ssl.*}, {@code sasl.*}: the {@code kafka.*} pass-through of the Pulse configuration without its prefix.
         * They apply under the registry's own settings (serializers, acks, idempotence, timeouts, client ids).
         */
        public Builder kafkaClientProperties(Map<String, ?> properties) {
            this.kafkaClientProperties.putAll(properties);
            return this;
        }

        /** Requires HTTP basic authentication with {@code user} and {@code password} (several calls accept several users). */
        public Builder basicAuth(String user, String password) {
            acceptedAuthorizations.add("Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
            return this;
        }

        /** Requires {@code Authorization: Bearer <token>} (besides any basic-auth user set). */
        public Builder bearerToken(String token) {
            acceptedAuthorizations.add("Bearer " + token);
            return this;
        }

        /** Serves HTTPS only, with the certificate and key of {@code keyStore} (PKCS12 or JKS). */
        public Builder tls(Path keyStore, String password) {
            this.tlsKeyStore = Objects.requireNonNull(keyStore, "keyStore");
            this.tlsKeyStorePassword = Objects.requireNonNull(password, "password");
            return this;
        }

        /**
         * With {@link #tls}: also requires a client certificate (mTLS) that {@code trustStore} (same password as the key
         * store) trusts.
         */
        public Builder requireClientCertificates(Path trustStore) {
            this.tlsClientTrustStore = Objects.requireNonNull(trustStore, "trustStore");
            return this;
        }

        /** The Kafka cluster holding the schemas topic. */
        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        /** The interface to bind: 127.0.0.1 by default, "0.0.0.0" for all. */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** The HTTP port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The schemas topic, {@code _schemas} by default. */
        public Builder topic(String topic) {
            this.topic = topic;
            return this;
        }

        /** The replication factor used when creating the topic, 1 by default. */
        public Builder replicationFactor(int replicationFactor) {
            if (replicationFactor > Short.MAX_VALUE) {
                throw new IllegalArgumentException("replicationFactor too large: " + replicationFactor);
            }
            this.replicationFactor = (short) replicationFactor;
            return this;
        }

        public EmbeddedSchemaRegistry build() {
            return new EmbeddedSchemaRegistry(this);
        }
    }
}
