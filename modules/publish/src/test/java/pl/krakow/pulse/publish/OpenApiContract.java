package pl.krakow.pulse.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The OpenAPI document served at {@code /api/openapi.json}, checked with real validators: the document
 * itself with swagger-parser (OpenAPI 3.1 rules), and any real answer against the schema the document
 * declares for its path, status and content type with networknt's JSON Schema 2020-12 validator
 * (OpenAPI 3.1 schemas are JSON Schema 2020-12). Shared by the publish and app tests (test-jar).
 */
public final class OpenApiContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonNode document;
    private final String rawDocument;
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    public OpenApiContract(String rawDocument) {
        this.rawDocument = rawDocument;
        try {
            this.document = JSON.readTree(rawDocument);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The document bundled in the publish jar. */
    public static OpenApiContract bundled() {
        try (InputStream in = OpenApiContract.class.getResourceAsStream(ApiServer.OPENAPI_RESOURCE)) {
            return new OpenApiContract(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** swagger-parser's messages for the document: empty when it is a valid OpenAPI document. */
    public List<String> parserMessages() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(rawDocument, null, options);
        List<String> messages = new ArrayList<>(result.getMessages() == null ? List.of() : result.getMessages());
        if (result.getOpenAPI() == null) {
            messages.add("no OpenAPI model parsed");
        }
        return messages;
    }

    public JsonNode document() {
        return document;
    }

    /** Paths of the document, e.g. {@code /api/v1/indicators/{id}}. */
    public List<String> paths() {
        List<String> out = new ArrayList<>();
        document.path("paths").fieldNames().forEachRemaining(out::add);
        return out;
    }

    /**
     * Violations of the answer to {@code GET requestPath} (no query) with {@code status} and {@code contentType}
     * against the document: an undocumented path, status or media type is a violation, and so is every schema error.
     */
    public List<String> violations(String requestPath, int status, String contentType, String body) {
        String template = template(requestPath);
        if (template == null) {
            return List.of("path " + requestPath + " is not in the OpenAPI document");
        }
        JsonNode response = document.path("paths").path(template).path("get").path("responses").path(Integer.toString(status));
        if (response.isMissingNode()) {
            return List.of("GET " + template + " does not document status " + status);
        }
        String media = contentType.split(";")[0].trim();
        JsonNode content = response.path("content").path(media);
        if (content.isMissingNode()) {
            return List.of("GET " + template + " " + status + " does not document media type " + media);
        }
        JsonNode schema = content.path("schema");
        if (!media.contains("json")) {
            return List.of();
        }
        Schema validator = registry.getSchema(standalone(schema), InputFormat.JSON);
        List<String> out = new ArrayList<>();
        for (Error e : validator.validate(body, InputFormat.JSON)) {
            out.add(template + " " + status + ": " + e);
        }
        return out;
    }

    /** The schema as a standalone 2020-12 document with the components under $defs. */
    private String standalone(JsonNode schema) {
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.set("$defs", document.path("components").path("schemas"));
        root.setAll((ObjectNode) schema.deepCopy());
        return root.toString().replace("#/components/schemas/", "#/$defs/");
    }

    private String template(String requestPath) {
        Iterator<Map.Entry<String, JsonNode>> it = document.path("paths").fields();
        while (it.hasNext()) {
            String t = it.next().getKey();
            Pattern p = Pattern.compile("^" + t.replace(".", "\\.").replaceAll("\\{[^}]+}", "[^/]+") + "$");
            if (p.matcher(requestPath).matches()) {
                return t;
            }
        }
        return null;
    }
}
