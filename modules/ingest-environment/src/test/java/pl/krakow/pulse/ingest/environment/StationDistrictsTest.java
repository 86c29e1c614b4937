package pl.krakow.pulse.ingest.environment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.runtime.geo.District;
import pl.krakow.pulse.runtime.geo.KrakowDistricts;
import pl.krakow.pulse.runtime.geo.RayCastingDistricts;

/** The bundled GIOŚ stations against the district lookup, each checked by an independent ray cast. */
class StationDistrictsTest {

    private static final RayCastingDistricts RAY = new RayCastingDistricts();
    private final KrakowDistricts districts = KrakowDistricts.bundled();

    @Test
    void everyBundledStationGetsTheDistrictOfAnIndependentRayCast() {
        assertThat(BundledData.stations()).hasSize(14).allSatisfy(s -> {
            List<Integer> expected = RAY.districtsContaining(s.latitude(), s.longitude());
            assertThat(expected).as(s.code()).hasSizeLessThanOrEqualTo(1);
            assertThat(districts.districtOf(s.latitude(), s.longitude()).map(District::number))
                    .as(s.code()).isEqualTo(expected.stream().findFirst());
        });
    }

    @Test
    void wellKnownStationsLieInTheirDistricts() {
        // Expected values from the ray cast above, checked against the map: Dietla runs along the old
        // Vistula arm at the southern edge of Stare Miasto; the Krasińskiego station stands on the
        // western side of the avenue, which is Zwierzyniec; Bujaka is in Kurdwanów (Podgórze Duchackie).
        Map<String, String> expected = Map.of("MpKrakDietla", "I", "MpKrakAlKras", "VII", "MpKrakBujaka", "XI",
                "MpKrakOsPias", "XV", "MpKrakBulwar", "XVIII", "MpKrakZloRog", "VI", "MpKrakSwoszo", "X",
                "MpKrakWadow", "XVII");
        for (BundledData.Station s : BundledData.stations()) {
            if (expected.containsKey(s.code())) {
                assertThat(RAY.districtsContaining(s.latitude(), s.longitude())).as(s.code()).hasSize(1);
                assertThat(districts.districtOf(s.latitude(), s.longitude()).map(District::roman))
                        .as(s.code()).contains(expected.get(s.code()));
            }
        }
    }
}
