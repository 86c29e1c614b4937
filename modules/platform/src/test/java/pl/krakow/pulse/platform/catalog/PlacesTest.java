package pl.krakow.pulse.platform.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import pl.krakow.pulse.platform.catalog.Places.Place;

class PlacesTest {

    @Test
    void feedIdsNameTheirCityByTheirFirstPart() {
        assertThat(Places.ofFeed("krakow-T")).isEqualTo(Places.KRAKOW);
        assertThat(Places.ofFeed("krakow-A")).isEqualTo(Places.KRAKOW);
        assertThat(Places.ofFeed("poznan-ztm")).isEqualTo(new Place("city:poznan", "poznan", "Poznań", false));
        // a feed whose id names no known city is a system of its own, never Kraków
        assertThat(Places.ofFeed("replay")).isEqualTo(new Place("system:replay", "replay", "replay", false));
        assertThat(Places.ofFeed("krakowiak")).extracting(Place::scope, Place::krakow).containsExactly("system:krakowiak", false);
    }

    @Test
    void everyScopeKindNamesItsPlace() {
        assertThat(Places.of(Scopes.KRAKOW_CITY)).contains(Places.KRAKOW);
        assertThat(Places.of("city:poznan")).map(Place::name).contains("Poznań");
        assertThat(Places.of("system:oslo-bysykkel")).contains(new Place("system:oslo-bysykkel", "oslo-bysykkel", "Oslo Bysykkel", false));
        assertThat(Places.of(Scopes.line("krakow-T", "1"))).contains(Places.KRAKOW);
        assertThat(Places.of(Scopes.line("poznan-ztm", "1"))).map(Place::scope).contains("city:poznan");
        assertThat(Places.of(Scopes.mode("krakow", "TRAM"))).contains(Places.KRAKOW);
        assertThat(Places.of("district:XVIII")).contains(Places.KRAKOW);
        assertThat(Places.of("station:MpKrakAlKras")).contains(Places.KRAKOW);
        assertThat(Places.of("city:krakow/road_accident")).contains(Places.KRAKOW);
        assertThat(Places.of("system:krakow-bike")).map(Place::krakow).contains(true);
        assertThat(Places.of("city:gdansk")).contains(new Place("city:gdansk", "gdansk", "gdansk", false));
    }

    @Test
    void aScopeWithoutACityNamesNoPlace() {
        assertThat(Places.of("city")).isEmpty();
        assertThat(Places.of("region")).isEmpty();
        assertThat(Places.of("line:")).isEmpty();
        assertThat(Places.of(null)).isEmpty();
    }

    @Test
    void scopeHelpersSpellTheConvention() {
        assertThat(Scopes.mode("krakow", "TRAM")).isEqualTo("mode:krakow/tram");
        assertThat(Scopes.line("krakow-T", "1")).isNotEqualTo(Scopes.line("poznan-ztm", "1"));
    }
}
