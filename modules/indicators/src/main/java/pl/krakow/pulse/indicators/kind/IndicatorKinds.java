package pl.krakow.pulse.indicators.kind;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import pl.krakow.pulse.indicators.aqi.AqiClassKind;
import pl.krakow.pulse.indicators.completeness.CompletenessKind;
import pl.krakow.pulse.indicators.daily.DailyMeanKind;
import pl.krakow.pulse.indicators.hours.ExceedanceHoursKind;
import pl.krakow.pulse.indicators.iv4.Iv4Kinds;
import pl.krakow.pulse.indicators.iv5.Iv5Kinds;
import pl.krakow.pulse.indicators.o3.Max8hKind;
import pl.krakow.pulse.indicators.ytd.YearToDateKind;
import pl.krakow.pulse.platform.catalog.CatalogException;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;

/**
 * The registry of indicator kinds, per goal. A goal's topology asks it for the typed definitions of the goal's
 * implemented entries ({@link #implemented}); on the way every entry of the goal is checked: an implemented entry
 * whose kind no registered kind of its goal claims, and an entry (implemented or not) of a registered kind with an
 * unknown or mistyped parameter, fail with file, line, id and key. An unimplemented entry of a kind nobody computes
 * yet is part of the published catalog and passes.
 */
public final class IndicatorKinds {

    /** By goal, then by kind name, in registration order. */
    private final Map<String, Map<String, IndicatorKind<?>>> kinds = new LinkedHashMap<>();

    private IndicatorKinds(List<? extends IndicatorKind<?>> all) {
        for (IndicatorKind<?> kind : all) {
            Map<String, IndicatorKind<?>> ofGoal = kinds.computeIfAbsent(goalKey(kind.goal()), g -> new LinkedHashMap<>());
            if (ofGoal.put(kind.name(), kind) != null) {
                throw new IllegalArgumentException("kind " + kind.name() + " of goal " + kind.goal() + " is registered twice");
            }
        }
    }

    public static IndicatorKinds of(List<? extends IndicatorKind<?>> kinds) {
        return new IndicatorKinds(kinds);
    }

    /** Every kind Kraków Pulse computes. A new kind is registered here. */
    public static IndicatorKinds bundled() {
        List<IndicatorKind<?>> all = new ArrayList<>();
        all.add(DailyMeanKind.DAILY_MEAN);
        all.add(DailyMeanKind.HOURLY_VALUE);
        all.add(YearToDateKind.EXCEEDANCE_DAYS);
        all.add(YearToDateKind.ANNUAL_MEAN);
        all.add(CompletenessKind.INSTANCE);
        all.add(ExceedanceHoursKind.INSTANCE);
        all.add(Max8hKind.INSTANCE);
        all.add(AqiClassKind.INSTANCE);
        all.addAll(Iv4Kinds.all());
        all.addAll(Iv5Kinds.all());
        return new IndicatorKinds(all);
    }

    /** The kinds registered for {@code goal}, in registration order. */
    public List<IndicatorKind<?>> kindsOf(String goal) {
        return List.copyOf(kinds.getOrDefault(goalKey(goal), Map.of()).values());
    }

    public Optional<IndicatorKind<?>> kind(String goal, String name) {
        return Optional.ofNullable(kinds.getOrDefault(goalKey(goal), Map.of()).get(name));
    }

    /** One implemented entry with its kind and typed definition. */
    public record Defined<D>(IndicatorKind<D> kind, IndicatorCatalog.Indicator entry, D definition) {
    }

    /**
     * Checks every entry of {@code goal} and returns the implemented ones, parsed, in catalog order.
     *
     * @throws CatalogException on an implemented entry no kind of the goal claims, or a bad parameter
     */
    public List<Defined<?>> implemented(IndicatorCatalog catalog, String goal) {
        List<Defined<?>> out = new ArrayList<>();
        for (IndicatorCatalog.Indicator entry : catalog.indicatorsOf(goal)) {
            Optional<IndicatorKind<?>> kind = entry.kind() == null ? Optional.empty() : kind(goal, entry.kind());
            if (kind.isEmpty()) {
                if (entry.implemented()) {
                    throw new CatalogException(entry.location("kind"), entry.id(), "kind", (entry.kind() == null ? "no kind"
                            : "unknown kind " + entry.kind()) + " for an implemented indicator of goal " + goal
                            + "; the kinds of " + goal + " are " + kinds.getOrDefault(goalKey(goal), Map.of()).keySet());
                }
                continue;
            }
            Defined<?> defined = define(kind.get(), entry);
            if (entry.implemented()) {
                out.add(defined);
            }
        }
        return out;
    }

    /** The implemented entries of {@code goal} that {@code kind} computes, typed, in catalog order. */
    public <D> List<D> implementedOf(IndicatorCatalog catalog, IndicatorKind<D> kind) {
        List<D> out = new ArrayList<>();
        for (Defined<?> d : implemented(catalog, kind.goal())) {
            if (d.kind() == kind) {
                @SuppressWarnings("unchecked") D def = (D) d.definition();
                out.add(def);
            }
        }
        return out;
    }

    private static <D> Defined<D> define(IndicatorKind<D> kind, IndicatorCatalog.Indicator entry) {
        for (String key : entry.parameters().keys()) {
            if (!kind.parameterKeys().contains(key)) {
                throw new CatalogException(entry.location(key), entry.id(), key, "unknown key for kind " + kind.name()
                        + "; its own keys are " + new TreeSet<>(kind.parameterKeys()));
            }
        }
        try {
            return new Defined<>(kind, entry, kind.parse(entry));
        } catch (CatalogException e) {
            throw e;
        } catch (RuntimeException e) {
            // A definition's own checks (a required common key such as unit, a value out of range) name no line.
            String problem = e instanceof NullPointerException ? "missing " + e.getMessage() : e.getMessage();
            throw new CatalogException(entry.location(), entry.id(), null, "not a valid " + kind.name() + " entry: " + problem, e);
        }
    }

    private static String goalKey(String goal) {
        return goal.toUpperCase(Locale.ROOT);
    }
}
