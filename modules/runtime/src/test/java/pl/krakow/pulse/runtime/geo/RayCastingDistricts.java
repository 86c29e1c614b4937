package pl.krakow.pulse.runtime.geo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An independent point-in-polygon over the bundled district GeoJSON for the tests: plain even-odd
 * ray casting on the raw coordinates (no JTS), holes subtracted. Returns the {@code cartodb_id}s of
 * every district containing the point.
 */
public final class RayCastingDistricts {

    private record Feature(int number, String name, List<List<double[][]>> polygons) {
    }

    private final List<Feature> features = new ArrayList<>();

    public RayCastingDistricts() {
        try (InputStream in = KrakowDistricts.class.getClassLoader().getResourceAsStream(KrakowDistricts.RESOURCE)) {
            JsonNode root = new ObjectMapper().readTree(in);
            for (JsonNode f : root.get("features")) {
                List<List<double[][]>> polys = new ArrayList<>();
                for (JsonNode poly : f.get("geometry").get("coordinates")) {
                    List<double[][]> rings = new ArrayList<>();
                    for (JsonNode ring : poly) {
                        double[][] pts = new double[ring.size()][];
                        for (int i = 0; i < pts.length; i++) {
                            pts[i] = new double[] {ring.get(i).get(0).asDouble(), ring.get(i).get(1).asDouble()};
                        }
                        rings.add(pts);
                    }
                    polys.add(rings);
                }
                features.add(new Feature(f.get("properties").get("cartodb_id").asInt(),
                        f.get("properties").get("name").asText(), polys));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int featureCount() {
        return features.size();
    }

    /** The full GeoJSON name of district {@code number}, e.g. "Dzielnica I Stare Miasto". */
    public String nameOf(int number) {
        return features.stream().filter(f -> f.number == number).findFirst().orElseThrow().name;
    }

    public List<Integer> districtsContaining(double lat, double lon) {
        List<Integer> out = new ArrayList<>();
        for (Feature f : features) {
            for (List<double[][]> poly : f.polygons) {
                boolean in = inside(poly.get(0), lon, lat);
                for (int h = 1; in && h < poly.size(); h++) {
                    in = !inside(poly.get(h), lon, lat);
                }
                if (in) {
                    out.add(f.number);
                    break;
                }
            }
        }
        return out;
    }

    private static boolean inside(double[][] ring, double x, double y) {
        boolean c = false;
        for (int i = 0, j = ring.length - 1; i < ring.length; j = i++) {
            double xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
            if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) {
                c = !c;
            }
        }
        return c;
    }
}
