package pl.krakow.pulse.alerting.rules;

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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import pl.krakow.pulse.events.alerts.AlertLevel;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.catalog.Scopes;

/**
 * The effective alert rules: the catalog's {@code alertLevels} (thresholds with their legal source),
 * grouped into families and changed by overrides from {@code alerting/rules.yaml} (bundled) and an
 * operator's file of the same format — so an operator changes a threshold, a margin, a minimum
 * duration or switches a rule off per indicator and scope without code. A scope is matched exactly as the
 * values name it, city or system included ({@code city:krakow}, {@code station:MpKrakAlKras}, {@code line:krakow-T/1}):
 * an override for Kraków never applies to another city's values. See the bundled file for the
 * format. Resolution per (indicator, scope) is cached; the object is immutable and thread-safe.
 */
public final class AlertRules {

    /** Defaults applied where neither the catalog nor an override says otherwise. */
    public record Defaults(double clearMarginPercent, Duration minDuration, boolean provisional) {
        public static Defaults standard() {
            return new Defaults(10, Duration.ZERO, true);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = false)
    record FamilyEntry(String indicator, String family, List<String> rules) {
    }

    /** One override; {@code rule} or {@code family} names what it changes, {@code scope} null = every scope. */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Override(String indicator, String scope, String rule, String family, Double threshold, String level,
                           String operator, Double clearMargin, String source, Boolean enabled, String minDuration,
                           Boolean provisional) {
    }

    @JsonIgnoreProperties(ignoreUnknown = false)
    record RulesFile(List<FamilyEntry> families, List<Override> overrides) {
    }

    private static final String BUNDLED = "/alerting/rules.yaml";
    private static final String LEGACY_CITY = "city";

    private final IndicatorCatalog catalog;
    private final Defaults defaults;
    private final List<FamilyEntry> families;
    private final List<Override> overrides;
    private final Map<String, List<RuleFamily>> resolved = new ConcurrentHashMap<>();

    private AlertRules(IndicatorCatalog catalog, Defaults defaults, List<FamilyEntry> families, List<Override> overrides) {
        this.catalog = catalog;
        this.defaults = defaults;
        this.families = List.copyOf(families);
        // Indicator-wide overrides first, then scope-specific ones, each in file order: the most specific wins.
        List<Override> ordered = new ArrayList<>(overrides);
        ordered.sort(Comparator.comparing(o -> o.scope() == null ? 0 : 1));
        this.overrides = List.copyOf(ordered);
        validate();
    }

    /** The catalog's levels with the bundled families, and nothing else. */
    public static AlertRules bundled(IndicatorCatalog catalog, Defaults defaults) {
        return load(catalog, defaults, null);
    }

    /** The bundled rules, then the operator's {@code file} (null or missing name = none). */
    public static AlertRules load(IndicatorCatalog catalog, Defaults defaults, Path file) {
        List<FamilyEntry> families = new ArrayList<>();
        List<Override> overrides = new ArrayList<>();
        try (InputStream in = AlertRules.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException(BUNDLED + " missing from the classpath");
            }
            add(parse(in), families, overrides);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (file != null) {
            try (InputStream in = Files.newInputStream(file)) {
                add(parse(in), families, overrides);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read alert rules " + file + ": " + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("alert rules " + file + ": " + e.getMessage(), e);
            }
        }
        return new AlertRules(catalog, defaults, families, overrides);
    }

    /** For tests and embedding: the bundled rules plus these overrides. */
    public static AlertRules withOverrides(IndicatorCatalog catalog, Defaults defaults, List<Override> extra) {
        AlertRules base = bundled(catalog, defaults);
        List<Override> all = new ArrayList<>(base.overrides);
        all.addAll(extra);
        return new AlertRules(catalog, defaults, base.families, all);
    }

    private static RulesFile parse(InputStream in) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        try {
            RulesFile f = yaml.readValue(in, RulesFile.class);
            return f == null ? new RulesFile(List.of(), List.of()) : f;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }

    private static void add(RulesFile f, List<FamilyEntry> families, List<Override> overrides) {
        if (f.families() != null) {
            families.addAll(f.families());
        }
        if (f.overrides() != null) {
            overrides.addAll(f.overrides());
        }
    }

    private void validate() {
        for (FamilyEntry f : families) {
            if (f.indicator() == null || f.family() == null || f.rules() == null || f.rules().isEmpty()) {
                throw new IllegalArgumentException("a family needs indicator, family and rules: " + f);
            }
        }
        for (Override o : overrides) {
            if (o.indicator() == null || (o.rule() == null) == (o.family() == null)) {
                throw new IllegalArgumentException("an override needs indicator and exactly one of rule or family: " + o);
            }
            if (o.minDuration() != null) {
                Duration.parse(o.minDuration());
            }
            // Scopes name their city (city:krakow): an override for the bare "city" of older editions would match nothing.
            if (LEGACY_CITY.equals(o.scope())) {
                throw new IllegalArgumentException("override of " + o.indicator() + ": scope 'city' names no city; scopes name "
                        + "their city or system, e.g. " + Scopes.KRAKOW_CITY + ", line:krakow-T/1, system:oslo-bysykkel");
            }
        }
        // Resolve every catalog indicator once so a bad threshold order or operator fails at start-up.
        catalog.indicators().forEach(i -> familiesFor(i.id(), Scopes.KRAKOW_CITY));
        overrides.stream().filter(o -> o.scope() != null).forEach(o -> familiesFor(o.indicator(), o.scope()));
    }

    /** The indicators that have at least one enabled rule for some scope. */
    public Set<String> indicatorsWithRules() {
        Set<String> out = new java.util.TreeSet<>();
        catalog.indicators().stream().filter(i -> !i.alertLevelsOrEmpty().isEmpty()).forEach(i -> out.add(i.id()));
        overrides.stream().filter(o -> o.threshold() != null && o.rule() != null).forEach(o -> out.add(o.indicator()));
        return out;
    }

    /** The families that judge {@code indicatorId} values of {@code scope}; empty when none. */
    public List<RuleFamily> familiesFor(String indicatorId, String scope) {
        return resolved.computeIfAbsent(indicatorId + "|" + scope, k -> resolve(indicatorId, scope));
    }

    private List<RuleFamily> resolve(String indicatorId, String scope) {
        Map<String, AlertRule> rules = new LinkedHashMap<>();
        Map<String, Boolean> enabled = new LinkedHashMap<>();
        catalog.indicator(indicatorId).ifPresent(ind -> {
            for (IndicatorCatalog.AlertLevel l : ind.alertLevelsOrEmpty()) {
                rules.put(l.rule(), new AlertRule(l.rule(), level(l.level(), l.rule()), l.operator(), l.threshold(),
                        Math.abs(l.threshold()) * defaults.clearMarginPercent() / 100.0, l.source()));
                enabled.put(l.rule(), true);
            }
        });
        Map<String, Duration> minDuration = new LinkedHashMap<>();
        Map<String, Boolean> provisional = new LinkedHashMap<>();
        for (Override o : overrides) {
            if (!o.indicator().equals(indicatorId) || (o.scope() != null && !o.scope().equals(scope))) {
                continue;
            }
            if (o.rule() != null) {
                AlertRule base = rules.get(o.rule());
                if (base == null && o.threshold() == null) {
                    throw new IllegalArgumentException("override of unknown rule " + o.rule() + " of " + indicatorId
                            + " needs a threshold to add it");
                }
                double threshold = o.threshold() != null ? o.threshold() : base.threshold();
                double margin = o.clearMargin() != null ? o.clearMargin()
                        : base != null && o.threshold() == null ? base.clearMargin()
                        : Math.abs(threshold) * defaults.clearMarginPercent() / 100.0;
                rules.put(o.rule(), new AlertRule(o.rule(),
                        o.level() != null ? level(o.level(), o.rule()) : base != null ? base.level() : AlertLevel.WARNING,
                        o.operator() != null ? o.operator() : base != null ? base.operator() : ">",
                        threshold, margin,
                        o.source() != null ? o.source() : base != null ? base.source() : "operator override"));
                if (o.enabled() != null) {
                    enabled.put(o.rule(), o.enabled());
                } else {
                    enabled.putIfAbsent(o.rule(), true);
                }
            }
            String family = o.family() != null ? o.family() : null;
            if (family != null) {
                if (o.minDuration() != null) {
                    minDuration.put(family, Duration.parse(o.minDuration()));
                }
                if (o.provisional() != null) {
                    provisional.put(family, o.provisional());
                }
            }
        }
        // Group: listed families first, every other enabled rule is its own family.
        List<RuleFamily> out = new ArrayList<>();
        Set<String> grouped = new java.util.HashSet<>();
        for (FamilyEntry f : families) {
            if (!f.indicator().equals(indicatorId)) {
                continue;
            }
            List<AlertRule> members = new ArrayList<>();
            for (String r : f.rules()) {
                grouped.add(r);
                if (rules.containsKey(r) && enabled.getOrDefault(r, false)) {
                    members.add(rules.get(r));
                }
            }
            if (!members.isEmpty()) {
                out.add(family(indicatorId, f.family(), members, minDuration, provisional));
            }
        }
        for (AlertRule r : rules.values()) {
            if (!grouped.contains(r.ruleId()) && enabled.getOrDefault(r.ruleId(), false)) {
                out.add(family(indicatorId, r.ruleId(), List.of(r), minDuration, provisional));
            }
        }
        return List.copyOf(out);
    }

    private RuleFamily family(String indicatorId, String familyId, List<AlertRule> members, Map<String, Duration> minDuration,
                              Map<String, Boolean> provisional) {
        List<AlertRule> sorted = new ArrayList<>(members);
        boolean upper = sorted.get(0).upper();
        sorted.sort(Comparator.comparingDouble(r -> upper ? r.threshold() : -r.threshold()));
        return new RuleFamily(indicatorId, familyId, sorted, minDuration.getOrDefault(familyId, defaults.minDuration()),
                provisional.getOrDefault(familyId, defaults.provisional()));
    }

    private static AlertLevel level(String name, String rule) {
        try {
            return AlertLevel.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("rule " + rule + ": level must be INFO, WARNING or ALARM, not " + name);
        }
    }
}
