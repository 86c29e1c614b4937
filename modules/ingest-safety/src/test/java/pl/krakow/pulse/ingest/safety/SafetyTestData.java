package pl.krakow.pulse.ingest.safety;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The real safety files copied under {@code src/test/resources/data/} (with their PROVENANCE.md), and a
 * deliberately plain CSV splitter for computing expected values independently of the parsers.
 */
public final class SafetyTestData {

    public static final String SEWIK = "data/safety-sewik-poland/accidents_2024-01_SWIETOKRZYSKIE.geojson";
    public static final String CITY_GUARD = "data/safety-citywatch-wroclaw/smw_zgloszenia_2018-05-10_2018-06-10.csv";
    public static final String NYC = "data/safety-nyc-collisions/nyc_crashes_202301.csv";

    private SafetyTestData() {
    }

    public static InputStream open(String resource) {
        InputStream in = SafetyTestData.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("test resource missing: " + resource);
        }
        return in;
    }

    public static byte[] bytes(String resource) {
        try (InputStream in = open(resource)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file's lines (UTF-8, LF), without the trailing empty one. */
    public static List<String> lines(String resource) {
        List<String> out = new ArrayList<>(new String(bytes(resource), StandardCharsets.UTF_8).lines().toList());
        return out;
    }

    /** Quote-aware split of one CSV line, written apart from the production splitter on purpose. */
    public static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (true) {
            StringBuilder b = new StringBuilder();
            if (i < line.length() && line.charAt(i) == '"') {
                int j = i + 1;
                while (true) {
                    int q = line.indexOf('"', j);
                    if (q + 1 < line.length() && line.charAt(q + 1) == '"') {
                        b.append(line, j, q + 1);
                        j = q + 2;
                    } else {
                        b.append(line, j, q);
                        i = q + 1;
                        break;
                    }
                }
            } else {
                int c = line.indexOf(',', i);
                int end = c < 0 ? line.length() : c;
                b.append(line, i, end);
                i = end;
            }
            out.add(b.toString());
            if (i >= line.length()) {
                return out;
            }
            i++; // the comma
            if (i == line.length()) {
                out.add("");
                return out;
            }
        }
    }
}
