package pl.krakow.pulse.platform.catalog;

/**
 * A catalog entry that cannot be used: an unknown key or kind, a value of the wrong type, an implemented entry no
 * indicator kind computes. The message starts with where it is ({@code <file>:<line>}) and names the indicator id and
 * the key, so an operator can fix the file without reading code. Thrown at start-up, never while records flow.
 */
public final class CatalogException extends IllegalArgumentException {

    private final IndicatorCatalog.Location location;

    public CatalogException(IndicatorCatalog.Location location, String indicatorId, String key, String problem) {
        this(location, indicatorId, key, problem, null);
    }

    public CatalogException(IndicatorCatalog.Location location, String indicatorId, String key, String problem, Throwable cause) {
        super(location + ": " + (indicatorId == null ? "" : "indicator " + indicatorId + ", ")
                + (key == null ? "" : "key '" + key + "': ") + problem, cause);
        this.location = location;
    }

    /** Where in the catalog file the problem is. */
    public IndicatorCatalog.Location location() {
        return location;
    }
}
