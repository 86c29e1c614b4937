package pl.krakow.pulse.ingest.environment.gios;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads the bodies of GIOŚ's {@code pjp-api} in either {@link GiosApiFormat}. Pure: no I/O, no clock.
 *
 * <p>Key names of the current API (v1, JSON-LD with Polish keys) as published by GIOŚ and used by its
 * clients: stations under {@value #V1_STATIONS} ({@code Identyfikator stacji}, {@code Kod stacji},
 * {@code Nazwa stacji}, {@code Nazwa miasta}, {@code WGS84 φ N}, {@code WGS84 λ E}); sensors under
 * {@value #V1_SENSORS} ({@code Identyfikator stanowiska}, {@code Wskaźnik - kod}, {@code Wskaźnik - wzór},
 * {@code Wskaźnik}); measurements under {@value #V1_DATA} ({@code Kod stanowiska}, {@code Data},
 * {@code Wartość}). Because GIOŚ has renamed list keys before, the reader is tolerant: when the named list
 * is absent it takes the body's first top-level array; coordinates may be numbers or numeric strings;
 * the parameter code falls back from {@code Wskaźnik - kod} to {@code Wskaźnik - wzór}.
 *
 * <p>A body that is not JSON, or has no list where one must be, is a {@link MalformedResponseException}.
 * Per-item problems (a station without an id, a value without a date) are left to the caller, which
 * rejects the item alone.
 */
public final class GiosApiJson {

    public static final String V1_STATIONS = "Lista stacji pomiarowych";
    public static final String V1_SENSORS = "Lista stanowisk pomiarowych dla podanej stacji";
    public static final String V1_DATA = "Lista danych pomiarowych";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private GiosApiJson() {
    }

    /** A measuring station; {@code code} is null in the legacy format (it has none). */
    public record ApiStation(String id, String code, String name, String city, Double latitude, Double longitude) {
    }

    /** A measuring position (sensor) of a station: one parameter. */
    public record ApiSensor(String id, String paramCode, String paramName) {
    }

    /**
     * One served hourly value, uninterpreted: the date text (local wall time of the hour's end),
     * the value node (number, null, or whatever the server sent) and the item's own JSON bytes (for the DLQ).
     */
    public record ApiValue(String date, JsonNode value, byte[] raw) {
    }

    /** One page of a list and the number of pages ({@code 1} for unpaginated bodies). */
    public record Page<T>(List<T> items, int totalPages) {
    }

    /** The body is not what the endpoint must serve. */
    public static final class MalformedResponseException extends Exception {
        public MalformedResponseException(String message) {
            super(message);
        }
    }

    public static Page<ApiStation> stations(byte[] body, GiosApiFormat format) throws MalformedResponseException {
        JsonNode root = read(body);
        List<ApiStation> out = new ArrayList<>();
        if (format == GiosApiFormat.V1) {
            for (JsonNode s : list(root, V1_STATIONS)) {
                out.add(new ApiStation(text(s, "Identyfikator stacji"), text(s, "Kod stacji"), text(s, "Nazwa stacji"),
                        text(s, "Nazwa miasta"), number(s.get("WGS84 φ N")), number(s.get("WGS84 λ E"))));
            }
            return new Page<>(out, totalPages(root));
        }
        for (JsonNode s : array(root, "station/findAll")) {
            JsonNode city = s.path("city");
            out.add(new ApiStation(text(s, "id"), null, text(s, "stationName"), text(city, "name"),
                    number(s.get("gegrLat")), number(s.get("gegrLon"))));
        }
        return new Page<>(out, 1);
    }

    public static Page<ApiSensor> sensors(byte[] body, GiosApiFormat format) throws MalformedResponseException {
        JsonNode root = read(body);
        List<ApiSensor> out = new ArrayList<>();
        if (format == GiosApiFormat.V1) {
            for (JsonNode s : list(root, V1_SENSORS)) {
                String code = text(s, "Wskaźnik - kod");
                out.add(new ApiSensor(text(s, "Identyfikator stanowiska"), code != null ? code : text(s, "Wskaźnik - wzór"),
                        text(s, "Wskaźnik")));
            }
            return new Page<>(out, totalPages(root));
        }
        for (JsonNode s : array(root, "station/sensors")) {
            JsonNode param = s.path("param");
            String code = text(param, "paramCode");
            out.add(new ApiSensor(text(s, "id"), code != null ? code : text(param, "paramFormula"), text(param, "paramName")));
        }
        return new Page<>(out, 1);
    }

    public static Page<ApiValue> values(byte[] body, GiosApiFormat format) throws MalformedResponseException {
        JsonNode root = read(body);
        List<ApiValue> out = new ArrayList<>();
        if (format == GiosApiFormat.V1) {
            for (JsonNode v : list(root, V1_DATA)) {
                out.add(new ApiValue(text(v, "Data"), v.get("Wartość"), bytes(v)));
            }
            return new Page<>(out, totalPages(root));
        }
        if (!root.isObject() || !root.path("values").isArray()) {
            throw new MalformedResponseException("data/getData: expected an object with a 'values' array");
        }
        for (JsonNode v : root.get("values")) {
            out.add(new ApiValue(text(v, "date"), v.get("value"), bytes(v)));
        }
        return new Page<>(out, 1);
    }

    private static JsonNode read(byte[] body) throws MalformedResponseException {
        try {
            JsonNode root = MAPPER.readTree(body);
            if (root == null || root.isMissingNode()) {
                throw new MalformedResponseException("the body is empty");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new MalformedResponseException("the body is not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new MalformedResponseException("the body cannot be read: " + e.getMessage());
        }
    }

    /** The named list of a v1 body, else its first top-level array (GIOŚ has renamed list keys before). */
    private static JsonNode list(JsonNode root, String key) throws MalformedResponseException {
        if (root.isObject()) {
            JsonNode named = root.get(key);
            if (named != null && named.isArray()) {
                return named;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                JsonNode value = it.next().getValue();
                if (value.isArray() && (value.isEmpty() || value.get(0).isObject())) {
                    return value;
                }
            }
        }
        throw new MalformedResponseException("expected a JSON object with the list '" + key + "'");
    }

    private static JsonNode array(JsonNode root, String endpoint) throws MalformedResponseException {
        if (!root.isArray()) {
            throw new MalformedResponseException(endpoint + ": expected a JSON array");
        }
        return root;
    }

    private static int totalPages(JsonNode root) {
        JsonNode n = root.get("totalPages");
        return n != null && n.canConvertToInt() && n.asInt() > 0 ? n.asInt() : 1;
    }

    /** A scalar field as text (numbers too: ids are numbers in both formats), or null. */
    private static String text(JsonNode node, String field) {
        JsonNode n = node.get(field);
        if (n == null || n.isNull() || n.isContainerNode()) {
            return null;
        }
        String s = n.asText().trim();
        return s.isEmpty() ? null : s;
    }

    private static Double number(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        try {
            return Double.parseDouble(n.asText().trim().replace(',', '.'));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            return node.toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}
