package pl.krakow.pulse.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Reads the operations files of the repository (docker-compose.yml, ops/prometheus, ops/grafana,
 * ops/kubernetes) the way their tools do, for the tests that check them without Docker, Prometheus or a cluster.
 *
 * <p>YAML goes through SnakeYAML, not Jackson: compose files share settings with anchors and merge keys
 * ({@code <<: *pulse-env}), which Jackson's YAML parser leaves unresolved.
 *
 * <p>PromQL is not parsed fully: {@link #metricNames} finds the series names an expression selects, which is what
 * can go wrong when a meter is renamed. It removes string literals, label matchers, range and subquery brackets,
 * grouping clauses and function calls, and what remains that looks like a name is a metric.
 */
final class OpsFiles {

    static final ObjectMapper JSON = new ObjectMapper();

    /** The Prometheus rule files and dashboards whose expressions must name exported metrics. */
    static final Path ALERT_RULES = Path.of("ops/prometheus/alerts.yml");
    static final Path PROMETHEUS_CONFIG = Path.of("ops/prometheus/prometheus.yml");
    static final Path DASHBOARDS = Path.of("ops/grafana/dashboards");
    static final Path KUBERNETES = Path.of("ops/kubernetes");

    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "and", "or", "unless", "bool", "offset", "inf", "nan");
    /** Labels Prometheus attaches at scrape time; no exporter has them. */
    static final Set<String> TARGET_LABELS = Set.of("job", "instance", "__name__");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)?\\s*\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");
    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern NAME = Pattern.compile("(?<![a-zA-Z0-9_:.$])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![a-zA-Z0-9_:])\\s*(\\()?");

    private OpsFiles() {
    }

    static Path root() {
        return DockerComposeConfigTest.repoRoot();
    }

    /** A YAML file with anchors, aliases and merge keys resolved, as a Jackson tree. */
    static JsonNode yaml(Path file) {
        return yamlDocuments(file).get(0);
    }

    /** Every document of a multi-document YAML file (Kubernetes manifests). */
    static List<JsonNode> yamlDocuments(Path file) {
        Yaml yaml = new Yaml(new LoaderOptions());
        List<JsonNode> documents = new ArrayList<>();
        try {
            for (Object document : yaml.loadAll(Files.readString(root().resolve(file)))) {
                if (document != null) {
                    documents.add(JSON.valueToTree(document));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return documents;
    }

    static JsonNode json(Path file) {
        try {
            return JSON.readTree(root().resolve(file).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> filesIn(Path folder, String suffix) {
        try (Stream<Path> files = Files.list(root().resolve(folder))) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted()
                    .map(f -> root().relativize(f)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every alerting and recording rule of the rule file: its name (alert or record) to its expression. */
    static List<Map.Entry<String, String>> ruleExpressions() {
        List<Map.Entry<String, String>> rules = new ArrayList<>();
        for (JsonNode group : yaml(ALERT_RULES).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.has("alert") ? rule.path("alert").asText() : rule.path("record").asText();
                rules.add(Map.entry(ALERT_RULES + " " + name, rule.path("expr").asText()));
            }
        }
        return rules;
    }

    /** Every query of every dashboard panel (rows included): "file panel title" to its expression. */
    static List<Map.Entry<String, String>> dashboardExpressions() {
        List<Map.Entry<String, String>> queries = new ArrayList<>();
        for (Path file : filesIn(DASHBOARDS, ".json")) {
            for (JsonNode panel : panels(json(file))) {
                for (JsonNode target : panel.path("targets")) {
                    queries.add(Map.entry(file + " '" + panel.path("title").asText() + "' " + target.path("refId").asText(),
                            target.path("expr").asText()));
                }
            }
        }
        return queries;
    }

    /** The panels of a dashboard, including those nested in collapsed rows. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            all.add(panel);
            panel.path("panels").forEach(all::add);
        }
        return all;
    }

    /** The metric names an expression selects (not functions, keywords, labels or Grafana variables). */
    static Set<String> metricNames(String promql) {
        String rest = STRING.matcher(promql).replaceAll(" ");
        rest = rest.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ");
        rest = GROUPING.matcher(rest).replaceAll(" ");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = NAME.matcher(rest);
        while (m.find()) {
            boolean function = m.group(2) != null;
            String name = m.group(1);
            if (!function && !KEYWORDS.contains(name.toLowerCase())) {
                names.add(name);
            }
        }
        return names;
    }

    /** Metric name to the label names its selectors match on, e.g. up{job=~"pulse-.*"} gives up: [job]. */
    static Map<String, Set<String>> matchedLabels(String promql) {
        Map<String, Set<String>> labels = new LinkedHashMap<>();
        // strings blanked first: a '}' inside a regex must not end a selector
        Matcher selector = SELECTOR.matcher(STRING.matcher(promql).replaceAll("\"\""));
        while (selector.find()) {
            if (selector.group(1) == null) {
                continue;
            }
            Set<String> names = labels.computeIfAbsent(selector.group(1), k -> new TreeSet<>());
            Matcher matcher = MATCHER.matcher(selector.group(2));
            while (matcher.find()) {
                names.add(matcher.group(1));
            }
        }
        return labels;
    }

    /** The Prometheus text exposition of a scrape as metric name to the label names its series carry. */
    static Map<String, Set<String>> exposition(String scrape) {
        Map<String, Set<String>> metrics = new TreeMap<>();
        Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");
        for (String line : scrape.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = line.indexOf('{');
            int space = line.indexOf(' ');
            String name = line.substring(0, end >= 0 && end < space ? end : space);
            Set<String> names = metrics.computeIfAbsent(name, k -> new TreeSet<>());
            if (end >= 0 && end < space) {
                Matcher m = label.matcher(line.substring(end, line.lastIndexOf('}') + 1));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return metrics;
    }

    /**
     * What the alert rules and dashboards select that a scrape does not export: one line per unknown metric, or per
     * label a selector matches on that no series of the metric carries. Empty when everything they name exists.
     */
    static List<String> unexported(String scrape) {
        Map<String, Set<String>> exported = exposition(scrape);
        List<String> problems = new ArrayList<>();
        List<Map.Entry<String, String>> expressions = new ArrayList<>(ruleExpressions());
        expressions.addAll(dashboardExpressions());
        for (Map.Entry<String, String> e : expressions) {
            for (String metric : metricNames(e.getValue())) {
                if (!metric.equals("up") && !exported.containsKey(metric)) {
                    problems.add(e.getKey() + ": metric " + metric + " is not exported");
                }
            }
            for (Map.Entry<String, Set<String>> selector : matchedLabels(e.getValue()).entrySet()) {
                Set<String> has = exported.get(selector.getKey());
                for (String labelName : selector.getValue()) {
                    if (has != null && !has.contains(labelName) && !TARGET_LABELS.contains(labelName)) {
                        problems.add(e.getKey() + ": " + selector.getKey() + " has no label " + labelName);
                    }
                }
            }
        }
        return problems;
    }
}
