package pl.krakow.pulse.runtime.geo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.PrecisionModel;

/**
 * The one GeoJSON → JTS reader of the project, for area files such as the district boundaries: a
 * FeatureCollection whose features have a {@code Polygon} or {@code MultiPolygon} geometry, read as JTS
 * {@link MultiPolygon}s in WGS84 (SRID 4326, x = longitude, y = latitude) with each feature's properties
 * left as JSON for the caller to interpret. Used by {@link KrakowDistricts} (point-in-polygon) and by the
 * read side's district map (simplified outlines).
 *
 * <p>Contract: a ring's first position is repeated at its end (GeoJSON requires closed rings; a sloppy
 * file's open ring is closed rather than refused); the first ring of a polygon is its shell, the others
 * its holes. Anything else — no {@code features} array, another geometry type, a polygon without rings,
 * a position that is not {@code [lon, lat]} numbers — is an {@link IllegalArgumentException} naming it.
 * Stateless and thread-safe.
 */
public final class GeoJsonPolygons {

    /** WGS84 longitude/latitude, floating precision. */
    public static final GeometryFactory WGS84 = new GeometryFactory(new PrecisionModel(), 4326);

    /**
     * One feature: its {@code properties} object (missing → a missing node) and its geometry, read by
     * {@link #area()} when the caller has checked the properties (so a file's errors are reported in the
     * order a reader of it would see them).
     */
    public record Feature(JsonNode properties, JsonNode geometry) {
        /** The geometry as a MultiPolygon; {@link IllegalArgumentException} when it is none. */
        public MultiPolygon area() {
            return multiPolygon(geometry);
        }
    }

    private GeoJsonPolygons() {
    }

    /** The features of a FeatureCollection, in file order (the stream is not closed). */
    public static List<Feature> read(InputStream in) throws IOException {
        JsonNode root = new ObjectMapper().readTree(in);
        JsonNode features = root == null ? null : root.get("features");
        if (features == null || !features.isArray()) {
            throw new IllegalArgumentException("not a GeoJSON FeatureCollection: no 'features' array");
        }
        List<Feature> out = new ArrayList<>();
        for (JsonNode f : features) {
            out.add(new Feature(f.path("properties"), f.path("geometry")));
        }
        return out;
    }

    /** A {@code Polygon} or {@code MultiPolygon} geometry object as a MultiPolygon. */
    public static MultiPolygon multiPolygon(JsonNode geometry) {
        String type = geometry.path("type").asText("");
        JsonNode coords = geometry.path("coordinates");
        if (type.equals("Polygon")) {
            return WGS84.createMultiPolygon(new Polygon[] {polygon(coords)});
        }
        if (type.equals("MultiPolygon")) {
            Polygon[] polygons = new Polygon[coords.size()];
            for (int i = 0; i < polygons.length; i++) {
                polygons[i] = polygon(coords.get(i));
            }
            return WGS84.createMultiPolygon(polygons);
        }
        throw new IllegalArgumentException("geometry '" + type + "' is not a Polygon or MultiPolygon");
    }

    private static Polygon polygon(JsonNode rings) {
        if (!rings.isArray() || rings.isEmpty()) {
            throw new IllegalArgumentException("a polygon without rings");
        }
        LinearRing shell = ring(rings.get(0));
        LinearRing[] holes = new LinearRing[rings.size() - 1];
        for (int i = 1; i < rings.size(); i++) {
            holes[i - 1] = ring(rings.get(i));
        }
        return WGS84.createPolygon(shell, holes);
    }

    private static LinearRing ring(JsonNode positions) {
        Coordinate[] c = new Coordinate[positions.size()];
        for (int i = 0; i < c.length; i++) {
            JsonNode pos = positions.get(i);
            if (pos.size() < 2 || !pos.get(0).isNumber() || !pos.get(1).isNumber()) {
                throw new IllegalArgumentException("a position that is not [lon, lat]: " + pos);
            }
            c[i] = new Coordinate(pos.get(0).asDouble(), pos.get(1).asDouble());
        }
        if (c.length > 0 && !c[0].equals2D(c[c.length - 1])) {
            c = Arrays.copyOf(c, c.length + 1);
            c[c.length - 1] = new Coordinate(c[0]);
        }
        return WGS84.createLinearRing(c);
    }
}
