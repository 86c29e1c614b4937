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
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import pl.krakow.pulse.platform.topics.Compatibility;

/**
 * Client of a Confluent-compatible schema registry over its REST API (Confluent SR, Karapace,
 * Redpanda, Apicurio's ccompat API, or the embedded registry).
 *
 * <p>Caches both ways: (subject, schema) → id after the first registration and id → schema after
 * the first lookup, so serializing and deserializing touch the network once per schema. Ids are
 * immutable in a registry, so the caches never need invalidation.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http;
    private final Map<SubjectSchema, Integer> idBySubjectAndSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemaById = new ConcurrentHashMap<>();

    public HttpSchemaRegistryClient(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    private record SubjectSchema(String subject, Schema schema) {
    }

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

    private JsonNode call(String method, String path, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", CONTENT_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SchemaRegistryException("schema registry " + baseUrl + " unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted calling schema registry " + baseUrl, e);
        }
        JsonNode json;
        try {
            json = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new SchemaRegistryException("schema registry " + baseUrl + path + " answered HTTP "
                    + response.statusCode() + " with a body that is not JSON", e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new SchemaRegistryException(method + " " + path + ": " + json.path("message").asText("registry error"),
                    response.statusCode(), json.path("error_code").asInt(response.statusCode()));
        }
        return json;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
