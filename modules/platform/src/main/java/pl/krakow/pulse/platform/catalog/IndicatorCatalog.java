package pl.krakow.pulse.platform.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
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
 */
public final class IndicatorCatalog {

    /** PL/EN label. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Label(String pl, String en) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Goal(String id, String strategicGoal, Label name, String topic) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AlertLevel(String rule, String level, String operator, double threshold, String source) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Indicator(String id, String goal, Label name, String unit, String direction, String kind,
                            String pollutant, List<String> scopes, String window, String grace, Double minCoverage,
                            boolean implemented, List<AlertLevel> alertLevels, Double exceedanceThreshold,
                            String cityAggregate, Map<String, List<Double>> bands, Map<String, String> averaging,
                            String source) {

        /** As the canonical constructor, without averaging periods and source (the fields added last). */
        public Indicator(String id, String goal, Label name, String unit, String direction, String kind,
                         String pollutant, List<String> scopes, String window, String grace, Double minCoverage,
                         boolean implemented, List<AlertLevel> alertLevels, Double exceedanceThreshold,
                         String cityAggregate, Map<String, List<Double>> bands) {
            this(id, goal, name, unit, direction, kind, pollutant, scopes, window, grace, minCoverage, implemented,
                    alertLevels, exceedanceThreshold, cityAggregate, bands, null, null);
        }

        /** As the canonical constructor, without class bands (only {@code aqi_class} uses them). */
        public Indicator(String id, String goal, Label name, String unit, String direction, String kind,
                         String pollutant, List<String> scopes, String window, String grace, Double minCoverage,
                         boolean implemented, List<AlertLevel> alertLevels, Double exceedanceThreshold,
                         String cityAggregate) {
            this(id, goal, name, unit, direction, kind, pollutant, scopes, window, grace, minCoverage, implemented,
                    alertLevels, exceedanceThreshold, cityAggregate, null, null, null);
        }

        /** As the canonical constructor, without an exceedance threshold and a city aggregate. */
        public Indicator(String id, String goal, Label name, String unit, String direction, String kind,
                         String pollutant, List<String> scopes, String window, String grace, Double minCoverage,
                         boolean implemented, List<AlertLevel> alertLevels) {
            this(id, goal, name, unit, direction, kind, pollutant, scopes, window, grace, minCoverage, implemented,
                    alertLevels, null, null, null, null, null);
        }

        /** As the canonical constructor, without a city aggregate (the field added last). */
        public Indicator(String id, String goal, Label name, String unit, String direction, String kind,
                         String pollutant, List<String> scopes, String window, String grace, Double minCoverage,
                         boolean implemented, List<AlertLevel> alertLevels, Double exceedanceThreshold) {
            this(id, goal, name, unit, direction, kind, pollutant, scopes, window, grace, minCoverage, implemented,
                    alertLevels, exceedanceThreshold, null, null, null, null);
        }

        /**
         * How the station values of one window combine into the {@code city} value ({@code max}, {@code mean}),
         * or null when the indicator has no city scope computed from its stations.
         */
        public Optional<String> cityAggregateName() {
            return cityAggregate == null || cityAggregate.isBlank() ? Optional.empty() : Optional.of(cityAggregate);
        }

        public Duration graceDuration() {
            return grace == null ? Duration.ZERO : Duration.parse(grace);
        }

        public Period windowPeriod() {
            return window == null ? null : Period.parse(window);
        }

        public double minCoverageOrDefault() {
            return minCoverage == null ? 0.75 : minCoverage;
        }

        /** Per pollutant, the ascending upper bounds of the classes of an {@code aqi_class} indicator (empty when none). */
        public Map<String, List<Double>> bandsOrEmpty() {
            return bands == null ? Map.of() : bands;
        }

        /**
         * Per pollutant, the averaging period (ISO-8601 duration, e.g. {@code PT24H} for a 24-hour running mean) an
         * {@code aqi_class} indicator applies its bands to; a pollutant not listed uses its hourly values.
         */
        public Map<String, String> averagingOrEmpty() {
            return averaging == null ? Map.of() : averaging;
        }

        public List<AlertLevel> alertLevelsOrEmpty() {
            return alertLevels == null ? List.of() : alertLevels;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record CatalogFile(List<Goal> goals, List<Indicator> indicators) {
    }

    private static final String BUNDLED = "/catalog/indicators.yaml";

    private final Map<String, Goal> goals;
    private final Map<String, Indicator> indicators;

    private IndicatorCatalog(List<Goal> goals, List<Indicator> indicators) {
        this.goals = new LinkedHashMap<>();
        goals.forEach(g -> this.goals.put(g.id(), g));
        this.indicators = new LinkedHashMap<>();
        for (Indicator i : indicators) {
            if (!this.goals.containsKey(i.goal())) {
                throw new IllegalArgumentException("indicator " + i.id() + " names unknown goal " + i.goal());
            }
            if (this.indicators.put(i.id(), i) != null) {
                throw new IllegalArgumentException("indicator " + i.id() + " is defined twice");
            }
        }
    }

    /** The catalog bundled with Kraków Pulse. */
    public static IndicatorCatalog bundled() {
        try (InputStream in = IndicatorCatalog.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException(BUNDLED + " missing from the classpath");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static IndicatorCatalog fromFile(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read indicator catalog " + file, e);
        }
    }

    public static IndicatorCatalog parse(InputStream in) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        CatalogFile file = yaml.readValue(in, CatalogFile.class);
        return new IndicatorCatalog(file.goals(), file.indicators());
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
