package pl.krakow.pulse.indicators.kind;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.platform.catalog.CatalogException;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;

/**
 * Typed reads of one entry's kind-specific parameters: each read checks the YAML type, and every failure is a
 * {@link CatalogException} with the file, line, indicator id and key.
 */
public final class KindParameters {

    private final IndicatorCatalog.Indicator entry;

    public KindParameters(IndicatorCatalog.Indicator entry) {
        this.entry = entry;
    }

    public IndicatorCatalog.Indicator entry() {
        return entry;
    }

    /** A failure about {@code key} of this entry, located where the key is written. */
    public CatalogException error(String key, String problem) {
        return new CatalogException(entry.location(key), entry.id(), key, problem);
    }

    public CatalogException error(String key, String problem, Throwable cause) {
        return new CatalogException(entry.location(key), entry.id(), key, problem, cause);
    }

    public Optional<JsonNode> raw(String key) {
        return entry.parameters().get(key);
    }

    public Optional<String> text(String key) {
        return raw(key).map(v -> {
            if (!v.isTextual()) {
                throw error(key, "expected text, found " + v);
            }
            return v.asText();
        });
    }

    public Optional<Double> number(String key) {
        return raw(key).map(v -> {
            if (!v.isNumber()) {
                throw error(key, "expected a number, found " + v);
            }
            return v.doubleValue();
        });
    }

    public double requiredNumber(String key) {
        return number(key).orElseThrow(() -> error(key, "a " + entry.kind() + " indicator needs " + key));
    }

    /** The pollutant named by {@code key} ({@code PM10}, {@code PM25}, {@code NO2} …); required. */
    public Pollutant pollutant(String key) {
        String name = text(key).orElseThrow(() -> error(key, "a " + entry.kind() + " indicator needs a pollutant"));
        return pollutantNamed(key, name);
    }

    /** {@code name} as a pollutant ({@code PM2.5} reads as {@code PM25}); a failure is located at {@code key}. */
    public Pollutant pollutantNamed(String key, String name) {
        try {
            return Pollutant.valueOf(name.toUpperCase(Locale.ROOT).replace(".", ""));
        } catch (IllegalArgumentException e) {
            throw error(key, "unknown pollutant " + name, e);
        }
    }

    /** A mapping under {@code key} (empty when absent), its values raw, in file order. */
    public Map<String, JsonNode> mapping(String key) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        raw(key).ifPresent(v -> {
            if (!v.isObject()) {
                throw error(key, "expected a mapping, found " + v);
            }
            v.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue()));
        });
        return out;
    }
}
