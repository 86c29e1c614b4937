package pl.krakow.pulse.platform.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.registry.SchemaRegistrySettings.SchemaIdSource;
import pl.krakow.pulse.platform.topics.Compatibility;

/**
 * Client of a Confluent-compatible schema registry over its REST API (Confluent SR, Karapace,
 * Redpanda, Apicurio's ccompat API, or the embedded registry).
 *
 * <p>Caches both ways: (subject, schema) → id after the first registration and id → schema after
 * the first lookup, so serializing and deserializing touch the network once per schema. Ids are
 * immutable in a registry, so the caches never need invalidation. A {@linkplain #writerSchema writer schema}
 * found without registering ({@code auto.register.schemas=false}) is cached too: a version registered later is
 * used after a restart.
 *
 * <p>Authentication (basic or bearer), TLS and retries come from {@link SchemaRegistrySettings}. A call that fails
 * with an I/O error, HTTP 5xx or 429 is retried with a doubling wait; every call the client makes is safe to repeat
 * (registering a registered schema returns its id). Error messages name the URL without its user info.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Logger LOG = LoggerFactory.getLogger(HttpSchemaRegistryClient.class);

    private final SchemaRegistrySettings settings;
    private final String baseUrl;
    private final HttpClient http;
    private final Map<SubjectSchema, Integer> idBySubjectAndSchema = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, WriterSchema> writerBySubjectAndSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemaById = new ConcurrentHashMap<>();

    /** A registry at {@code baseUrl} without authentication, auto-registering ({@link SchemaRegistrySettings#of}). */
    public HttpSchemaRegistryClient(String baseUrl) {
        this(SchemaRegistrySettings.of(baseUrl));
    }

    public HttpSchemaRegistryClient(SchemaRegistrySettings settings) {
        this.settings = settings;
        this.baseUrl = settings.baseUrl();
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        settings.sslContext().ifPresent(builder::sslContext);
        this.http = builder.build();
    }

    /**
     * The client {@code config} describes for the registry at {@code url}: the configured {@code schema.registry.url},
     * or the embedded registry's URL when none is configured.
     *
     * @throws IllegalArgumentException when the registry settings are inconsistent ({@link SchemaRegistrySettings#fromConfig})
     */
    public static HttpSchemaRegistryClient fromConfig(PulseConfig config, String url) {
        return new HttpSchemaRegistryClient(SchemaRegistrySettings.fromConfig(config, url));
    }

    public SchemaRegistrySettings settings() {
        return settings;
    }

    private record SubjectSchema(String subject, Schema schema) {
    }

    /** The registry's URL without user info: safe to log. */
    public String baseUrl() {
        return baseUrl;
    }

    @Override
    public int register(String subject, Schema schema) {
        // Keyed by the Schema object, not its JSON text: Schema caches its hash, toString() would render
        // the whole schema on every call (a quarter of a stream thread's time in a profile).
        SubjectSchema cacheKey = new SubjectSchema(subject, schema);
        Integer cached = idBySubjectAndSchema.get(cacheKey);
        if (cached != null) {
            return cached;
        }
        ObjectNode body = JSON.createObjectNode().put("schema", schema.toString()).put("schemaType", "AVRO");
        JsonNode response = call("POST", "/subjects/" + encode(subject) + "/versions", body);
        int id = response.path("id").asInt();
        idBySubjectAndSchema.put(cacheKey, id);
        schemaById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Schema getById(int id) {
        Schema cached = schemaById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode response = call("GET", "/schemas/ids/" + id, null);
        Schema schema = new Schema.Parser().parse(response.path("schema").asText());
        schemaById.putIfAbsent(id, schema);
        return schema;
    }

    @Override
    public RegisteredSchema latest(String subject) {
        try {
            JsonNode r = call("GET", "/subjects/" + encode(subject) + "/versions/latest", null);
            Schema schema = new Schema.Parser().parse(r.path("schema").asText());
            return new RegisteredSchema(subject, r.path("version").asInt(), r.path("id").asInt(), schema);
        } catch (SchemaRegistryException e) {
            if (e.httpStatus() == 404) {
                return null;
            }
            throw e;
        }
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        ObjectNode body = JSON.createObjectNode().put("schema", schema.toString()).put("schemaType", "AVRO");
        try {
            JsonNode r = call("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest", body);
            return r.path("is_compatible").asBoolean(false);
        } catch (SchemaRegistryException e) {
            if (e.httpStatus() == 404) {
                return true; // nothing registered yet: anything is compatible
            }
            throw e;
        }
    }

    @Override
    public void setCompatibility(String subject, Compatibility level) {
        call("PUT", "/config/" + encode(subject), JSON.createObjectNode().put("compatibility", level.name()));
    }

    @Override
    public Optional<Compatibility> compatibility(String subject) {
        try {
            JsonNode r = call("GET", "/config/" + encode(subject), null);
            String level = r.path("compatibilityLevel").asText(r.path("compatibility").asText(""));
            return Optional.of(Compatibility.valueOf(level));
        } catch (SchemaRegistryException e) {
            // 40408: the subject has no level of its own (Confluent ≥ 7); 40401: older registries say "subject not found".
            if (e.httpStatus() == 404) {
                return Optional.empty();
            }
            throw e;
        } catch (IllegalArgumentException e) {
            throw new SchemaRegistryException("schema registry " + baseUrl + " answered an unknown compatibility level for "
                    + subject, e);
        }
    }

    /**
     * The version of {@code subject} whose schema is {@code schema} ({@code POST /subjects/<subject>}), or null when
     * the subject does not hold it.
     */
    public RegisteredSchema lookup(String subject, Schema schema) {
        ObjectNode body = JSON.createObjectNode().put("schema", schema.toString()).put("schemaType", "AVRO");
        try {
            JsonNode r = call("POST", "/subjects/" + encode(subject), body);
            return new RegisteredSchema(subject, r.path("version").asInt(), r.path("id").asInt(), schema);
        } catch (SchemaRegistryException e) {
            if (e.httpStatus() == 404) {
                return null; // 40401 subject not found, 40403 schema not found
            }
            throw e;
        }
    }

    @Override
    public boolean autoRegisters() {
        return settings.schemaIds() == SchemaIdSource.AUTO_REGISTER;
    }

    @Override
    public WriterSchema writerSchema(String subject, Schema schema) {
        if (autoRegisters()) {
            return SchemaRegistryClient.super.writerSchema(subject, schema);
        }
        SubjectSchema key = new SubjectSchema(subject, schema);
        WriterSchema cached = writerBySubjectAndSchema.get(key);
        if (cached != null) {
            return cached;
        }
        WriterSchema found = settings.schemaIds() == SchemaIdSource.LATEST_VERSION ? latestWriter(subject, schema)
                : registeredWriter(subject, schema);
        writerBySubjectAndSchema.put(key, found);
        schemaById.putIfAbsent(found.id(), found.schema());
        return found;
    }

    private WriterSchema registeredWriter(String subject, Schema schema) {
        RegisteredSchema registered = lookup(subject, schema);
        if (registered == null) {
            throw new SchemaRegistryException("subject " + subject + " at " + baseUrl + " does not hold the schema this "
                    + "version of Kraków Pulse writes (" + schema.getFullName() + "), and auto.register.schemas=false: "
                    + "register it there, or set use.latest.version=true to write with the subject's latest version", 404, 40403);
        }
        return new WriterSchema(registered.id(), schema);
    }

    private WriterSchema latestWriter(String subject, Schema schema) {
        RegisteredSchema latest = latest(subject);
        if (latest == null) {
            throw new SchemaRegistryException("subject " + subject + " at " + baseUrl + " has no registered version, and "
                    + "auto.register.schemas=false: register the schema of " + schema.getFullName() + " there first", 404, 40401);
        }
        if (SchemaNormalization.toParsingForm(latest.schema()).equals(SchemaNormalization.toParsingForm(schema))) {
            return new WriterSchema(latest.id(), schema); // the same encoding: docs or defaults may differ, the bytes do not
        }
        // Two checks: the subject's own rule (what the registry would accept next to its latest version), and the one
        // writing with the latest version needs: that it can read what this code produces, which records are converted from.
        boolean registryAgrees = isCompatible(subject, schema);
        boolean latestReadsOurs = SchemaCompatibility.checkReaderWriterCompatibility(latest.schema(), schema).getType()
                == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
        if (!registryAgrees || !latestReadsOurs) {
            throw new SchemaRegistryException("the latest version " + latest.version() + " (id " + latest.id() + ") of subject "
                    + subject + " at " + baseUrl + " is not compatible with the schema this version of Kraków Pulse writes ("
                    + schema.getFullName() + (registryAgrees ? "): it cannot read its records" : "): the registry refuses it under "
                    + "the subject's compatibility level") + "; use.latest.version=true needs a compatible latest version", 409, 409);
        }
        LOG.info("Subject {}: writing with its latest version {} (id {}), which differs from this code's schema {}",
                subject, latest.version(), latest.id(), schema.getFullName());
        return new WriterSchema(latest.id(), latest.schema());
    }

    private JsonNode call(String method, String path, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", CONTENT_TYPE + ", application/json");
        settings.authorization().ifPresent(value -> request.header("Authorization", value));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", CONTENT_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        }
        HttpRequest built = request.build();
        for (int retry = 1; ; retry++) {
            boolean last = retry > settings.retry().maxRetries();
            HttpResponse<String> response;
            try {
                response = http.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                if (last) {
                    // A refused connection's ConnectException has no message: name the exception then.
                    throw new SchemaRegistryException("schema registry " + baseUrl + " unreachable: "
                            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
                }
                pause(method, path, "I/O error " + e.getMessage(), retry);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("interrupted calling schema registry " + baseUrl, e);
            }
            int status = response.statusCode();
            if ((status / 100 == 5 || status == 429) && !last) {
                pause(method, path, "HTTP " + status, retry);
                continue;
            }
            return answer(method, path, response);
        }
    }

    private void pause(String method, String path, String failure, int retry) {
        Duration wait = settings.retry().delay(retry);
        LOG.debug("Schema registry {} {}{} failed ({}); retry {} of {} in {} ms", method, baseUrl, path, failure, retry,
                settings.retry().maxRetries(), wait.toMillis());
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted calling schema registry " + baseUrl, e);
        }
    }

    private JsonNode answer(String method, String path, HttpResponse<String> response) {
        JsonNode json;
        try {
            json = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            if (response.statusCode() / 100 == 2) {
                throw new SchemaRegistryException("schema registry " + baseUrl + path + " answered HTTP "
                        + response.statusCode() + " with a body that is not JSON", e);
            }
            json = JSON.createObjectNode(); // an error page of a proxy in front of the registry: the status says enough
        }
        if (response.statusCode() / 100 != 2) {
            String hint = response.statusCode() == 401 || response.statusCode() == 403
                    ? " (check schema.registry.basic.auth.* / schema.registry.bearer.auth.*)" : "";
            throw new SchemaRegistryException(method + " " + baseUrl + path + ": "
                    + json.path("message").asText("registry error") + hint,
                    response.statusCode(), json.path("error_code").asInt(response.statusCode()));
        }
        return json;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
