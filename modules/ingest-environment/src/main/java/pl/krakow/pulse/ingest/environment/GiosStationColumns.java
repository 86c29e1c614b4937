package pl.krakow.pulse.ingest.environment;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import pl.krakow.pulse.events.environment.Pollutant;

/**
 * How the columns of the {@code gios-wide-csv} format map to a pollutant and a GIOŚ station:
 * {@code <pollutant>_<station suffix>}, e.g. {@code pm10_kurdwanow} → PM10 at {@code MpKrakBujaka}.
 * The prefix is a {@link Pollutant} name in lower case ({@code pm10}, {@code pm25}, {@code no2}, ...);
 * the suffix → code table is the resource {@code gios-wide-csv-stations.properties} next to this
 * class, so adding a station is a one-line data change. Immutable.
 */
public final class GiosStationColumns {

    /** The resource holding the suffix → station code table. */
    public static final String RESOURCE = "gios-wide-csv-stations.properties";

    /** What one value column means. {@code stationCode} or {@code pollutant} is null when the column is not understood. */
    public record Column(String name, Pollutant pollutant, String stationCode) {
        public boolean known() {
            return pollutant != null && stationCode != null;
        }
    }

    private static final GiosStationColumns BUNDLED = load();

    private final Map<String, String> codeBySuffix;

    public GiosStationColumns(Map<String, String> codeBySuffix) {
        this.codeBySuffix = Map.copyOf(codeBySuffix);
    }

    /** The table shipped with this module. */
    public static GiosStationColumns bundled() {
        return BUNDLED;
    }

    /** The station code of a column suffix, e.g. {@code kurdwanow} → {@code MpKrakBujaka}. */
    public Optional<String> stationCode(String suffix) {
        return Optional.ofNullable(codeBySuffix.get(suffix));
    }

    /** The suffix → code table, sorted. */
    public Map<String, String> codeBySuffix() {
        return new TreeMap<>(codeBySuffix);
    }

    /** Interprets a header name; never throws — an unknown part leaves that part null. */
    public Column column(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        int underscore = n.indexOf('_');
        if (underscore <= 0) {
            return new Column(name, null, null);
        }
        Pollutant pollutant = pollutantOf(n.substring(0, underscore));
        String code = codeBySuffix.get(n.substring(underscore + 1));
        return new Column(name, pollutant, code);
    }

    private static Pollutant pollutantOf(String prefix) {
        for (Pollutant p : Pollutant.values()) {
            if (p != Pollutant.OTHER && p.name().toLowerCase(Locale.ROOT).equals(prefix)) {
                return p;
            }
        }
        return null;
    }

    private static GiosStationColumns load() {
        try (InputStream in = GiosStationColumns.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " missing next to " + GiosStationColumns.class.getName());
            }
            Properties p = new Properties();
            try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            Map<String, String> m = new TreeMap<>();
            p.stringPropertyNames().forEach(k -> m.put(k.trim().toLowerCase(Locale.ROOT), p.getProperty(k).trim()));
            return new GiosStationColumns(m);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
