package pl.krakow.pulse.platform.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The indicator catalog: goals and indicators with units, windows, validity rules and alert
 * levels, read from {@code catalog/indicators.yaml} (or an operator's file). Topologies, alerting
 * and the API all read this one catalog, so an indicator is described in exactly one place.
 *
 * <p>An {@link Indicator} holds what every indicator has and what the read side and alerting use; what only its
 * {@code kind} understands (a pollutant, bands, a threshold …) stays raw in its {@link Parameters}, with the line it
 * is on, and the kind — in the module that computes it — types and checks it. Reading is strict (see
 * {@link CatalogException}): unknown keys outside an indicator's parameters and values of the wrong type fail
 * with the file, the line and the key.
 */
public final class IndicatorCatalog {

    /** PL/EN label. */
    public record Label(String pl, String en) {
    }

    public record Goal(String id, String strategicGoal, Label name, String topic) {
    }

    public record AlertLevel(String rule, String level, String operator, double threshold, String source) {
    }

    /** A place in a catalog file: the file (a path, or {@code classpath:/…} for the bundled one) and a 1-based line. */
    public record Location(String source, int line) {
        @Override
        public String toString() {
            return source + ":" + line;
        }
    }

    /**
     * The kind-specific keys of one entry, as written (a YAML tree each), and the location of every key of the entry
     * (common ones too). The entry's kind gives the values their types; an unknown key is the kind's to reject.
     */
    public record Parameters(Map<String, JsonNode> values, Map<String, Location> locations) {

        public Parameters {
            values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
            locations = Map.copyOf(locations);
        }

        public static Parameters none() {
            return new Parameters(Map.of(), Map.of());
        }

        public Set<String> keys() {
            return values.keySet();
        }

        public Optional<JsonNode> get(String key) {
            return Optional.ofNullable(values.get(key)).filter(v -> !v.isNull());
        }

        /** Where {@code key} is written; {@code orElse} (the entry's location) when it is not. */
        public Location location(String key, Location orElse) {
            return locations.getOrDefault(key, orElse);
        }
    }

    /**
     * One catalog entry: what every indicator has, whatever its kind.
     *
     * @param parameters the keys only its kind understands, raw
     * @param location   where the entry starts
     */
    public record Indicator(String id, String goal, Label name, String unit, String direction, String kind,
                            List<String> scopes, String window, String grace, Double minCoverage, boolean implemented,
                            List<AlertLevel> alertLevels, String source, Parameters parameters, Location location) {

        public Duration graceDuration() {
            return grace == null ? Duration.ZERO : Duration.parse(grace);
        }

        public Period windowPeriod() {
            return window == null ? null : Period.parse(window);
        }

        public double minCoverageOrDefault() {
            return minCoverage == null ? 0.75 : minCoverage;
        }

        public List<AlertLevel> alertLevelsOrEmpty() {
            return alertLevels == null ? List.of() : alertLevels;
        }

        /** Where {@code key} of this entry is written (the entry's start when it is not). */
        public Location location(String key) {
            return parameters.location(key, location);
        }
    }

    private static final String BUNDLED = "/catalog/indicators.yaml";

    private final Map<String, Goal> goals;
    private final Map<String, Indicator> indicators;

    IndicatorCatalog(List<Goal> goals, List<Indicator> indicators) {
        this.goals = new LinkedHashMap<>();
        goals.forEach(g -> this.goals.put(g.id(), g));
        this.indicators = new LinkedHashMap<>();
        indicators.forEach(i -> this.indicators.put(i.id(), i));
    }

    /** The catalog bundled with Kraków Pulse. */
    public static IndicatorCatalog bundled() {
        try (InputStream in = IndicatorCatalog.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException(BUNDLED + " missing from the classpath");
            }
            return parse(in, "classpath:" + BUNDLED);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static IndicatorCatalog fromFile(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read indicator catalog " + file, e);
        }
    }

    /** Reads a catalog whose errors name {@code <stream>} as the file; see {@link #parse(InputStream, String)}. */
    public static IndicatorCatalog parse(InputStream in) throws IOException {
        return parse(in, "<stream>");
    }

    /**
     * Reads a catalog strictly.
     *
     * @param source the name errors give the file (a path, {@code classpath:/…})
     * @throws CatalogException on an unknown key, a wrong type, an unknown goal or a duplicate id
     */
    public static IndicatorCatalog parse(InputStream in, String source) throws IOException {
        return CatalogReader.read(in, source);
    }

    public List<Goal> goals() {
        return List.copyOf(goals.values());
    }

    public Optional<Goal> goal(String id) {
        return Optional.ofNullable(goals.get(id.toUpperCase(java.util.Locale.ROOT)));
    }

    public List<Indicator> indicators() {
        return List.copyOf(indicators.values());
    }

    public Optional<Indicator> indicator(String id) {
        return Optional.ofNullable(indicators.get(id));
    }

    public List<Indicator> indicatorsOf(String goalId) {
        return indicators.values().stream().filter(i -> i.goal().equalsIgnoreCase(goalId)).collect(Collectors.toList());
    }

    /** Implemented indicators of one kind, e.g. every {@code daily_mean}. */
    public List<Indicator> implementedOfKind(String kind) {
        return indicators.values().stream().filter(i -> i.implemented() && kind.equals(i.kind())).collect(Collectors.toList());
    }

    public Set<String> indicatorIds() {
        return indicators.keySet();
    }
}
