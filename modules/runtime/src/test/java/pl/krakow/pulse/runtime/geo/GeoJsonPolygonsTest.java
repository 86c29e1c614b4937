package pl.krakow.pulse.runtime.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.MultiPolygon;

class GeoJsonPolygonsTest {

    private static InputStream stream(String json) {
        return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void polygonsAndMultiPolygonsWithHolesBecomeMultiPolygonsInWgs84() throws Exception {
        List<GeoJsonPolygons.Feature> features = GeoJsonPolygons.read(stream("{\"type\":\"FeatureCollection\",\"features\":["
                + "{\"properties\":{\"id\":1},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
                + "[[[0,0],[4,0],[4,4],[0,4],[0,0]],[[1,1],[2,1],[2,2],[1,2],[1,1]]]}},"
                + "{\"properties\":{\"id\":2},\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":"
                + "[[[[10,0],[11,0],[11,1],[10,0]]],[[[20,0],[21,0],[21,1]]]]}}]}"));
        assertThat(features).extracting(f -> f.properties().path("id").asInt()).containsExactly(1, 2);
        MultiPolygon holed = features.get(0).area();
        assertThat(holed.getSRID()).isEqualTo(4326);
        assertThat(holed.getArea()).isEqualTo(15.0);
        MultiPolygon two = features.get(1).area();
        assertThat(two.getNumGeometries()).isEqualTo(2);
        // the second ring was left open in the file and is closed, not refused
        assertThat(two.getGeometryN(1).getCoordinates()).hasSize(4);
    }

    @Test
    void anythingButAFeatureCollectionOfPolygonsIsRefusedNamingIt() throws Exception {
        assertThatThrownBy(() -> GeoJsonPolygons.read(stream("{\"type\":\"Feature\"}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'features'");
        GeoJsonPolygons.Feature point = GeoJsonPolygons.read(stream(
                "{\"features\":[{\"geometry\":{\"type\":\"Point\",\"coordinates\":[0,0]}}]}")).get(0);
        assertThatThrownBy(point::area).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'Point'");
        GeoJsonPolygons.Feature text = GeoJsonPolygons.read(stream(
                "{\"features\":[{\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[\"a\",0]]]}}]}")).get(0);
        assertThatThrownBy(text::area).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[lon, lat]");
    }
}
