package pl.krakow.pulse.indicators.kind;

import java.util.Set;
import pl.krakow.pulse.platform.catalog.CatalogException;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;

/**
 * One computation an indicator entry can name as its {@code kind}: it owns the keys only it understands (its
 * parameters), turns an entry into its typed definition, and — through its goal's own sub-interface
 * ({@code Iv3Kind}, {@code Iv4Kind}, {@code Iv5Kind}) — adds what it computes to the goal's topology.
 *
 * <p>A new kind is a class in its own package plus a line in {@link IndicatorKinds#bundled()}; nothing in
 * {@code platform} changes. A new indicator of an existing kind is a catalog entry (and a test).
 *
 * @param <D> the typed definition the goal's topology builds from
 */
public interface IndicatorKind<D> {

    /** The catalog {@code kind} this computes, e.g. {@code daily_mean}. */
    String name();

    /** The goal whose table it writes, e.g. {@code IV.3}. */
    String goal();

    /**
     * The kind-specific keys an entry of this kind may have (beyond the keys every indicator has); any other key
     * fails at start-up with its file and line.
     */
    Set<String> parameterKeys();

    /**
     * The entry as this kind's typed definition.
     *
     * @throws CatalogException naming file, line, id and key when a parameter is missing, mistyped or out of range
     */
    D parse(IndicatorCatalog.Indicator entry);
}
