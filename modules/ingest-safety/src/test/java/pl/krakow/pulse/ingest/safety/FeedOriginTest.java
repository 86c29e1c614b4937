package pl.krakow.pulse.ingest.safety;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.common.GeoPoint;

class FeedOriginTest {

    private static final CityProfile KRAKOW = CityProfile.krakow();
    /** Rynek Główny, district I (Stare Miasto). */
    private static final GeoPoint RYNEK = new GeoPoint(50.0614, 19.9372);
    /** Tarnów, Małopolska, outside Kraków. */
    private static final GeoPoint TARNOW = new GeoPoint(50.0125, 20.9886);
    /** Times Square, New York. */
    private static final GeoPoint TIMES_SQUARE = new GeoPoint(40.758, -73.9855);

    @Test
    void krakowSystemsLandInADistrictInTheCityOrInMalopolskie() {
        FeedOrigin o = FeedOrigin.krakowSystems();
        assertThat(o.scopeOf(KRAKOW, RYNEK, null)).isEqualTo("district:I");
        assertThat(o.scopeOf(KRAKOW, null, null)).isEqualTo("city:krakow");
        assertThat(o.scopeOf(KRAKOW, TARNOW, null)).isEqualTo("region:malopolskie");
    }

    @Test
    void anotherCitysFeedIsThatCitysWhateverItsPointSays() {
        FeedOrigin wroclaw = FeedOrigin.city("wroclaw");
        assertThat(wroclaw.scopeOf(KRAKOW, null, null)).isEqualTo("city:wroclaw");
        // a wrongly geocoded record inside Kraków is still Wrocław's
        assertThat(wroclaw.scopeOf(KRAKOW, RYNEK, null)).isEqualTo("city:wroclaw");
        assertThat(FeedOrigin.city("New York").scopeOf(KRAKOW, TIMES_SQUARE, null)).isEqualTo("city:new-york");
        assertThat(FeedOrigin.city("Krakow")).isSameAs(FeedOrigin.krakowSystems());
    }

    @Test
    void regionalRecordsAreKrakowsOnlyInsideADistrictAndOfItsVoivodeship() {
        FeedOrigin o = FeedOrigin.regional();
        assertThat(o.scopeOf(KRAKOW, RYNEK, "malopolskie")).isEqualTo("district:I");
        assertThat(o.scopeOf(KRAKOW, TARNOW, "malopolskie")).isEqualTo("region:malopolskie");
        assertThat(o.scopeOf(KRAKOW, null, "malopolskie")).isEqualTo("region:malopolskie");
        assertThat(o.scopeOf(KRAKOW, RYNEK, "swietokrzyskie")).isEqualTo("region:swietokrzyskie");
        assertThat(o.scopeOf(KRAKOW, RYNEK, null)).isEqualTo("district:I");
        assertThat(o.scopeOf(KRAKOW, TARNOW, null)).isEqualTo("region:unknown");
    }
}
