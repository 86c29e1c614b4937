package pl.krakow.pulse.publish;

import pl.krakow.pulse.runtime.geo.GeoJsonPolygons;
import pl.krakow.pulse.runtime.geo.KrakowDistricts;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.simplify.TopologyPreservingSimplifier;

/**
 * Kraków's 18 districts for the map and the district routes: numbers, Roman numerals, names and a
 * simplified boundary GeoJSON the dashboard draws as SVG.
 *
 * <p>The bundled boundaries (andilabs/krakow-dzielnice-geojson, see the PROVENANCE.md next to the
 * resource) have 8,197 vertices in 708 KB of pretty-printed JSON, too much for a page that must also work on a phone.
 * They are simplified once at start-up with JTS's {@link TopologyPreservingSimplifier} (tolerance
 * {@value #TOLERANCE_DEGREES}° ≈ 15 m east-west at Kraków's latitude), which keeps every ring valid
 * and shared borders without gaps wide enough to see, and coordinates are rounded to 5 decimals
 * (≈ 1 m). The original file stays the reference for point-in-polygon ({@link KrakowDistricts}); both read it
 * with {@link GeoJsonPolygons}.
 *
 * <p>A district scope is {@code district:<Roman numeral>} (as the {@code MonitoringStation.district}
 * field and the IndicatorValue schema say); {@link #parse} also takes the number 1–18.
 */
public final class DistrictMap {

    /** The bundled boundaries: the one copy, in runtime ({@link KrakowDistricts#RESOURCE}), the feeds place events with. */
    public static final String RESOURCE = KrakowDistricts.RESOURCE;
    static final double TOLERANCE_DEGREES = 0.0002;
    private static final String[] ROMAN = {"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X",
        "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII", "XVIII"};
    private static final Pattern NAME = Pattern.compile("^Dzielnica\\s+([IVXLC]+)\\s+(.+)$");

    private final List<ApiJson.District> districts;
    private final byte[] simplifiedGeoJson;
    private final int vertices;

    private DistrictMap(List<ApiJson.District> districts, byte[] simplifiedGeoJson, int vertices) {
        this.districts = List.copyOf(districts);
        this.simplifiedGeoJson = simplifiedGeoJson;
        this.vertices = vertices;
    }

    /** The bundled boundaries. */
    public static DistrictMap bundled() {
        try (InputStream in = DistrictMap.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new FileNotFoundException("class-path resource not found: " + RESOURCE);
            }
            return fromGeoJson(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** From a FeatureCollection of (Multi)Polygons with properties {@code cartodb_id} (1–18) and {@code name}. */
    public static DistrictMap fromGeoJson(InputStream in) throws IOException {
        ObjectMapper json = new ObjectMapper();
        record Feature(ApiJson.District district, Geometry geometry) {
        }
        List<Feature> features = new ArrayList<>();
        try {
            for (GeoJsonPolygons.Feature f : GeoJsonPolygons.read(in)) {
                int number = f.properties().path("cartodb_id").asInt();
                if (number < 1 || number > 18) {
                    throw new IOException("district feature without cartodb_id 1..18: " + f.properties());
                }
                String name = f.properties().path("name").asText();
                Matcher m = NAME.matcher(name);
                if (m.matches()) {
                    name = m.group(2);
                }
                Geometry g = TopologyPreservingSimplifier.simplify(f.area(), TOLERANCE_DEGREES);
                features.add(new Feature(new ApiJson.District(number, ROMAN[number], name, scopeOf(number)), g));
            }
        } catch (IllegalArgumentException e) {
            throw new IOException("not a district GeoJSON: " + e.getMessage(), e);
        }
        if (features.size() != 18) {
            throw new IOException("expected the 18 districts of Kraków, found " + features.size());
        }
        features.sort(Comparator.comparingInt(f -> f.district().number()));

        ObjectNode out = json.createObjectNode().put("type", "FeatureCollection");
        ArrayNode outFeatures = out.putArray("features");
        int vertices = 0;
        for (Feature f : features) {
            ObjectNode feature = outFeatures.addObject().put("type", "Feature");
            feature.putPOJO("properties", f.district());
            ObjectNode geometry = feature.putObject("geometry").put("type", "MultiPolygon");
            ArrayNode polygons = geometry.putArray("coordinates");
            for (int i = 0; i < f.geometry().getNumGeometries(); i++) {
                Polygon p = (Polygon) f.geometry().getGeometryN(i);
                ArrayNode rings = polygons.addArray();
                vertices += ring(rings.addArray(), p.getExteriorRing().getCoordinates());
                for (int h = 0; h < p.getNumInteriorRing(); h++) {
                    vertices += ring(rings.addArray(), p.getInteriorRingN(h).getCoordinates());
                }
            }
        }
        return new DistrictMap(features.stream().map(Feature::district).toList(), json.writeValueAsBytes(out), vertices);
    }

    private static int ring(ArrayNode out, Coordinate[] coordinates) {
        for (Coordinate c : coordinates) {
            out.addArray().add(round5(c.x)).add(round5(c.y));
        }
        return coordinates.length;
    }

    private static double round5(double d) {
        return Math.round(d * 1e5) / 1e5;
    }

    /** {@code district:XVIII} for 18. */
    public static String scopeOf(int number) {
        return "district:" + ROMAN[number];
    }

    /** The 18 districts by number. */
    public List<ApiJson.District> districts() {
        return districts;
    }

    /** A district by its number ({@code 18}), Roman numeral ({@code XVIII}, any case) or scope ({@code district:XVIII}). */
    public Optional<ApiJson.District> parse(String raw) {
        String s = raw == null ? "" : raw.trim().toUpperCase(Locale.ROOT);
        if (s.startsWith("DISTRICT:")) {
            s = s.substring("DISTRICT:".length());
        }
        for (ApiJson.District d : districts) {
            if (s.equals(d.roman()) || s.equals(Integer.toString(d.number()))) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** The simplified boundaries as a GeoJSON FeatureCollection (properties number, roman, name, scope). */
    public byte[] simplifiedGeoJson() {
        return simplifiedGeoJson.clone();
    }

    /** Vertices left after simplification (1,669 of the original 8,197 for the bundled file). */
    public int vertices() {
        return vertices;
    }
}
