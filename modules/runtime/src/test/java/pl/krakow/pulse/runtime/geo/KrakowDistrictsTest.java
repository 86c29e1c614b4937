package pl.krakow.pulse.runtime.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class KrakowDistrictsTest {

    private static final RayCastingDistricts RAY = new RayCastingDistricts();
    private final KrakowDistricts districts = KrakowDistricts.bundled();

    @Test
    void all18DistrictsLoadWithNumberRomanAndName() {
        assertThat(RAY.featureCount()).isEqualTo(18);
        assertThat(districts.districts()).extracting(District::number)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 18).boxed().toList());
        assertThat(districts.districts()).extracting(District::roman).containsExactly("I", "II", "III", "IV", "V",
                "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII", "XVIII");
        for (District d : districts.districts()) {
            assertThat("Dzielnica " + d.roman() + " " + d.name()).isEqualTo(RAY.nameOf(d.number()));
        }
        assertThat(districts.district(1)).map(District::name).contains("Stare Miasto");
        assertThat(districts.district(18)).map(District::name).contains("Nowa Huta");
    }

    @Test
    void mainMarketSquareIsInStareMiasto() {
        // Rynek Główny (main market square)
        assertThat(districts.districtOf(50.0617, 19.9373)).map(District::name).contains("Stare Miasto");
    }

    @Test
    void pointFarOutsideKrakowHasNoDistrict() {
        assertThat(districts.districtOf(52.2297, 21.0122)).isEmpty(); // Warsaw
        assertThat(districts.districtOf(50.0777, 19.7848)).isEmpty(); // Kraków-Balice airport, outside the city limits
        assertThat(districts.districtOf(0, 0)).isEmpty();
        assertThat(districts.districtOf(Double.NaN, 19.94)).isEmpty();
    }

    @Test
    void randomPointsAgreeWithRayCasting() {
        SplittableRandom random = new SplittableRandom(4);
        int inside = 0;
        for (int i = 0; i < 5000; i++) {
            double lat = 49.96 + random.nextDouble() * 0.17;
            double lon = 19.78 + random.nextDouble() * 0.36;
            List<Integer> expected = RAY.districtsContaining(lat, lon);
            assertThat(expected).hasSizeLessThanOrEqualTo(1);
            Optional<Integer> actual = districts.districtOf(lat, lon).map(District::number);
            assertThat(actual).as("%s, %s", lat, lon).isEqualTo(expected.stream().findFirst());
            inside += expected.size();
        }
        assertThat(inside).isBetween(1000, 4900); // the box holds both city and country
    }

    @Test
    void badGeoJsonIsRefused() {
        assertThatThrownBy(() -> KrakowDistricts.fromGeoJson(stream("{\"type\":\"Feature\"}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("features");
        assertThatThrownBy(() -> KrakowDistricts.fromGeoJson(stream("{\"features\":[{\"properties\":{\"cartodb_id\":19,"
                + "\"name\":\"x\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[0,0]}}]}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..18");
        assertThatThrownBy(() -> KrakowDistricts.fromGeoJson(stream("{\"features\":[{\"properties\":{\"cartodb_id\":1,"
                + "\"name\":\"Dzielnica I A\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[0,0]}}]}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Point");
    }

    @Test
    void aPlainPolygonFeatureWorksToo() throws IOException {
        KrakowDistricts one = KrakowDistricts.fromGeoJson(stream("{\"features\":[{\"properties\":{\"cartodb_id\":2,"
                + "\"name\":\"Dzielnica II Test\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
                + "[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[6,4],[6,6],[4,6],[4,4]]]}}]}"));
        assertThat(one.districtOf(1, 1)).contains(new District(2, "II", "Test"));
        assertThat(one.districtOf(5, 5)).isEmpty(); // in the hole
        assertThat(one.districtOf(0, 5)).contains(new District(2, "II", "Test")); // on the boundary
        assertThat(one.districtOf(11, 5)).isEmpty();
    }

    @Test
    void bundledCopyIsUnchangedFromTheSharedBundle() throws IOException {
        Path shared = Path.of("../../../shared/data/districts-krakow");
        assumeTrue(Files.isDirectory(shared), "shared data bundle not present");
        assertThat(resource(KrakowDistricts.RESOURCE))
                .isEqualTo(Files.readAllBytes(shared.resolve("krakow-dzielnice.geojson")));
        assertThat(new String(resource("data/districts-krakow/PROVENANCE.md"), StandardCharsets.UTF_8))
                .startsWith("> Copied unchanged from the shared data bundle")
                .endsWith(Files.readString(shared.resolve("PROVENANCE.md")));
    }

    private static byte[] resource(String name) throws IOException {
        try (var in = KrakowDistricts.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static ByteArrayInputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
