package pl.krakow.pulse.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Polygon;

/** The bundled district boundaries, simplified for the map. */
class DistrictMapTest {

    private final DistrictMap map = DistrictMap.bundled();

    @Test
    void hasTheEighteenDistrictsWithRomanScopesAndNamesWithoutThePrefix() {
        assertThat(map.districts()).hasSize(18);
        assertThat(map.districts().get(0)).isEqualTo(new ApiJson.District(1, "I", "Stare Miasto", "district:I"));
        assertThat(map.districts().get(17).name()).isEqualTo("Nowa Huta");
        assertThat(map.parse("14")).map(ApiJson.District::roman).contains("XIV");
        assertThat(map.parse(" district:xiv ")).map(ApiJson.District::number).contains(14);
        assertThat(map.parse("0")).isEmpty();
        assertThat(map.parse("XIX")).isEmpty();
        assertThat(map.parse(null)).isEmpty();
    }

    @Test
    void simplifiedRingsAreFewerValidAndCoverTheOriginalArea() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode simplified = json.readTree(map.simplifiedGeoJson());
        JsonNode original;
        try (InputStream in = DistrictMap.class.getClassLoader().getResourceAsStream(DistrictMap.RESOURCE)) {
            original = json.readTree(in);
        }
        int originalVertices = original.findValues("coordinates").stream().mapToInt(DistrictMapTest::points).sum();
        assertThat(map.vertices()).isLessThan(originalVertices / 4);
        GeometryFactory f = new GeometryFactory();
        double originalArea = 0;
        double simplifiedArea = 0;
        for (int i = 0; i < 18; i++) {
            JsonNode o = original.path("features").get(i);
            int number = o.path("properties").path("cartodb_id").asInt();
            JsonNode s = simplified.path("features").get(number - 1);
            assertThat(s.path("properties").path("number").asInt()).isEqualTo(number);
            // The source has a few self-touching rings (not valid for JTS); the simplified ones must be valid.
            double a = area(f, o.path("geometry").path("coordinates"), false);
            double b = area(f, s.path("geometry").path("coordinates"), true);
            // Simplifying at ~15 m keeps each district's area within 1 %.
            assertThat(b).as("district " + number).isCloseTo(a, org.assertj.core.data.Percentage.withPercentage(1));
            originalArea += a;
            simplifiedArea += b;
        }
        assertThat(simplifiedArea).isCloseTo(originalArea, org.assertj.core.data.Percentage.withPercentage(0.5));
    }

    private static int points(JsonNode coordinates) {
        if (coordinates.isArray() && coordinates.size() > 0 && coordinates.get(0).isNumber()) {
            return 1;
        }
        int n = 0;
        for (JsonNode c : coordinates) {
            n += points(c);
        }
        return n;
    }

    /** Plain shoelace over the rings (planar degrees: enough to compare a geometry with its simplification). */
    private static double area(GeometryFactory f, JsonNode multiPolygon, boolean mustBeValid) {
        double total = 0;
        for (JsonNode polygon : multiPolygon) {
            for (int r = 0; r < polygon.size(); r++) {
                JsonNode ring = polygon.get(r);
                Coordinate[] cs = new Coordinate[ring.size()];
                for (int i = 0; i < ring.size(); i++) {
                    cs[i] = new Coordinate(ring.get(i).get(0).asDouble(), ring.get(i).get(1).asDouble());
                }
                Polygon p = f.createPolygon(cs);
                if (mustBeValid) {
                    assertThat(p.isValid()).as(p.toText().substring(0, 60)).isTrue();
                }
                total += r == 0 ? p.getArea() : -p.getArea();
            }
        }
        return total;
    }
}
