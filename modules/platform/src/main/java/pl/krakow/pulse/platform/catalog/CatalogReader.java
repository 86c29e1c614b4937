package pl.krakow.pulse.platform.catalog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a catalog file strictly: the YAML becomes a tree whose every node remembers its line, the keys every
 * indicator shares are checked and typed here, and the rest of an indicator entry is kept raw, with its line, as the
 * parameters of its kind (which the kind types and checks). Unknown keys of the file, a goal or an alert level, values
 * of the wrong type, a grace that is no duration, an unknown goal and a duplicate id fail with file, line and key.
 */
final class CatalogReader {

    /** The keys every indicator entry may have, whatever its kind. */
    static final Set<String> COMMON_KEYS = Set.of("id", "goal", "name", "unit", "direction", "kind", "scopes", "window",
            "grace", "minCoverage", "implemented", "alertLevels", "source");
    private static final Set<String> FILE_KEYS = Set.of("goals", "indicators");
    private static final Set<String> GOAL_KEYS = Set.of("id", "strategicGoal", "name", "topic");
    private static final Set<String> LABEL_KEYS = Set.of("pl", "en");
    private static final Set<String> ALERT_LEVEL_KEYS = Set.of("rule", "level", "operator", "threshold", "source");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final String source;
    /** Line of every node, by JSON pointer ({@code /indicators/3/bands}); for an object member, the line of its key. */
    private final Map<String, Integer> lines = new HashMap<>();

    private CatalogReader(String source) {
        this.source = source;
    }

    static IndicatorCatalog read(InputStream in, String source) throws IOException {
        CatalogReader reader = new CatalogReader(source);
        JsonNode root;
        try (JsonParser p = YAML.getFactory().createParser(in)) {
            if (p.nextToken() == null) {
                throw new CatalogException(reader.at(""), null, null, "the catalog is empty");
            }
            root = reader.tree(p, "");
        }
        return reader.catalog(root);
    }

    private IndicatorCatalog catalog(JsonNode root) {
        ObjectNode file = object(root, "", null, null);
        checkKeys(file, "", null, FILE_KEYS);
        List<IndicatorCatalog.Goal> goals = new ArrayList<>();
        JsonNode goalNodes = file.path("goals");
        for (int g = 0; g < array(goalNodes, "/goals", null, "goals").size(); g++) {
            String at = "/goals/" + g;
            ObjectNode goal = object(goalNodes.get(g), at, null, "goals");
            checkKeys(goal, at, null, GOAL_KEYS);
            goals.add(new IndicatorCatalog.Goal(text(goal, at, null, "id"), text(goal, at, null, "strategicGoal"),
                    label(goal, at, null), text(goal, at, null, "topic")));
        }
        Map<String, IndicatorCatalog.Goal> goalsById = new LinkedHashMap<>();
        goals.forEach(g -> goalsById.put(g.id(), g));
        Map<String, IndicatorCatalog.Indicator> indicators = new LinkedHashMap<>();
        JsonNode indicatorNodes = file.path("indicators");
        for (int i = 0; i < array(indicatorNodes, "/indicators", null, "indicators").size(); i++) {
            IndicatorCatalog.Indicator indicator = indicator(indicatorNodes.get(i), "/indicators/" + i);
            if (!goalsById.containsKey(indicator.goal())) {
                throw new CatalogException(at("/indicators/" + i + "/goal"), indicator.id(), "goal",
                        "unknown goal " + indicator.goal() + "; the file's goals are " + goalsById.keySet());
            }
            if (indicators.put(indicator.id(), indicator) != null) {
                throw new CatalogException(indicator.location(), indicator.id(), "id", "the id is defined twice");
            }
        }
        return new IndicatorCatalog(goals, List.copyOf(indicators.values()));
    }

    private IndicatorCatalog.Indicator indicator(JsonNode node, String at) {
        ObjectNode entry = object(node, at, null, "indicators");
        String id = text(entry, at, null, "id");
        if (id == null) {
            throw new CatalogException(at(at), null, "id", "every indicator needs an id");
        }
        String goal = text(entry, at, id, "goal");
        if (goal == null) {
            throw new CatalogException(at(at), id, "goal", "every indicator needs a goal");
        }
        String grace = text(entry, at, id, "grace");
        if (grace != null) {
            try {
                Duration.parse(grace);
            } catch (DateTimeParseException e) {
                throw new CatalogException(at(at + "/grace"), id, "grace", "not an ISO-8601 duration: " + grace, e);
            }
        }
        JsonNode implemented = entry.get("implemented");
        if (implemented != null && !implemented.isBoolean()) {
            throw wrongType(at + "/implemented", id, "implemented", "true or false", implemented);
        }
        Map<String, JsonNode> values = new LinkedHashMap<>();
        Map<String, IndicatorCatalog.Location> where = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = entry.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            where.put(field.getKey(), at(at + "/" + escape(field.getKey())));
            if (!COMMON_KEYS.contains(field.getKey())) {
                values.put(field.getKey(), field.getValue());
            }
        }
        return new IndicatorCatalog.Indicator(id, goal, entry.has("name") ? label(entry, at, id) : null,
                text(entry, at, id, "unit"), text(entry, at, id, "direction"), text(entry, at, id, "kind"),
                texts(entry, at, id, "scopes"), text(entry, at, id, "window"), grace,
                number(entry.get("minCoverage"), at + "/minCoverage", id, "minCoverage"),
                implemented != null && implemented.booleanValue(), alertLevels(entry, at, id), text(entry, at, id, "source"),
                new IndicatorCatalog.Parameters(values, where), at(at));
    }

    private List<IndicatorCatalog.AlertLevel> alertLevels(ObjectNode entry, String at, String id) {
        if (!entry.has("alertLevels")) {
            return null;
        }
        String listAt = at + "/alertLevels";
        ArrayNode levels = array(entry.get("alertLevels"), listAt, id, "alertLevels");
        List<IndicatorCatalog.AlertLevel> out = new ArrayList<>();
        for (int l = 0; l < levels.size(); l++) {
            String levelAt = listAt + "/" + l;
            ObjectNode level = object(levels.get(l), levelAt, id, "alertLevels");
            checkKeys(level, levelAt, id, ALERT_LEVEL_KEYS);
            Double threshold = number(level.get("threshold"), levelAt + "/threshold", id, "threshold");
            if (threshold == null) {
                throw new CatalogException(at(levelAt), id, "threshold", "an alert level needs a threshold");
            }
            out.add(new IndicatorCatalog.AlertLevel(text(level, levelAt, id, "rule"), text(level, levelAt, id, "level"),
                    text(level, levelAt, id, "operator"), threshold, text(level, levelAt, id, "source")));
        }
        return out;
    }

    private IndicatorCatalog.Label label(ObjectNode parent, String at, String id) {
        String labelAt = at + "/name";
        ObjectNode name = object(parent.get("name"), labelAt, id, "name");
        checkKeys(name, labelAt, id, LABEL_KEYS);
        return new IndicatorCatalog.Label(text(name, labelAt, id, "pl"), text(name, labelAt, id, "en"));
    }

    private void checkKeys(ObjectNode node, String at, String id, Set<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw new CatalogException(at(at + "/" + escape(key)), id, key, "unknown key; allowed here: "
                        + allowed.stream().sorted().toList());
            }
        }
    }

    private String text(ObjectNode node, String at, String id, String key) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() && !value.isNumber()) {
            throw wrongType(at + "/" + key, id, key, "text", value);
        }
        return value.asText();
    }

    private List<String> texts(ObjectNode node, String at, String id, String key) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        ArrayNode list = array(value, at + "/" + key, id, key);
        List<String> out = new ArrayList<>();
        for (JsonNode item : list) {
            if (!item.isTextual()) {
                throw wrongType(at + "/" + key, id, key, "a list of text", value);
            }
            out.add(item.asText());
        }
        return out;
    }

    private Double number(JsonNode value, String at, String id, String key) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw wrongType(at, id, key, "a number", value);
        }
        return value.doubleValue();
    }

    private ObjectNode object(JsonNode value, String at, String id, String key) {
        if (value == null || !value.isObject()) {
            throw wrongType(at, id, key, "a mapping of keys to values", value);
        }
        return (ObjectNode) value;
    }

    private ArrayNode array(JsonNode value, String at, String id, String key) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return JsonNodeFactory.instance.arrayNode();
        }
        if (!value.isArray()) {
            throw wrongType(at, id, key, "a list", value);
        }
        return (ArrayNode) value;
    }

    private CatalogException wrongType(String at, String id, String key, String expected, JsonNode found) {
        return new CatalogException(at(at), id, key, "expected " + expected + ", found "
                + (found == null || found.isMissingNode() ? "nothing" : found.getNodeType().name().toLowerCase() + " " + found));
    }

    /** Where the node at {@code pointer} is: its own line, else its closest enclosing node's. */
    private IndicatorCatalog.Location at(String pointer) {
        String p = pointer;
        while (!lines.containsKey(p) && !p.isEmpty()) {
            p = p.substring(0, p.lastIndexOf('/'));
        }
        return new IndicatorCatalog.Location(source, lines.getOrDefault(p, 1));
    }

    /** The value at the parser's current token as a tree, recording the line of every node below {@code pointer}. */
    private JsonNode tree(JsonParser p, String pointer) throws IOException {
        lines.putIfAbsent(pointer, p.currentTokenLocation().getLineNr());
        JsonToken token = p.currentToken();
        if (token == JsonToken.START_OBJECT) {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                String child = pointer + "/" + escape(key);
                lines.put(child, p.currentTokenLocation().getLineNr());
                p.nextToken();
                if (node.has(key)) {
                    throw new CatalogException(at(child), null, key, "the key appears twice in one mapping");
                }
                node.set(key, tree(p, child));
            }
            return node;
        }
        if (token == JsonToken.START_ARRAY) {
            ArrayNode node = JsonNodeFactory.instance.arrayNode();
            int index = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                node.add(tree(p, pointer + "/" + index++));
            }
            return node;
        }
        JsonNode scalar = YAML.readTree(p);
        return scalar == null ? JsonNodeFactory.instance.nullNode() : scalar;
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
