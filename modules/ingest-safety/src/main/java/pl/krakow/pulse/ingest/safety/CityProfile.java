package pl.krakow.pulse.ingest.safety;

import java.util.Locale;
import java.util.Optional;
import pl.krakow.pulse.events.common.GeoPoint;
import pl.krakow.pulse.runtime.geo.KrakowDistricts;
import pl.krakow.pulse.platform.catalog.Scopes;

/**
 * The city this project is about — Kraków: its 18 district boundaries, its city id ({@code krakow}) and its
 * voivodeship ({@code malopolskie}). It answers where a point counts: {@code district:<roman>} inside a
 * district (such an incident also counts for {@code city:krakow}), otherwise nowhere in Kraków. Which scope a
 * record gets also depends on where its feed comes from ({@link FeedOrigin}): a feed of another city never
 * lands in a Kraków district or in {@code city:krakow}. District scopes exist only in Kraków
 * ({@link Scopes}), so there is one profile. Population figures are not here: rates are the indicators'
 * business ({@code pl.krakow.pulse.indicators.iv5.PopulationTable}). Immutable and thread-safe.
 */
public final class CityProfile {

    /** Prefix of a region scope, {@code region:<id>}: outside the city, counted apart, never rated. */
    public static final String REGION_PREFIX = "region:";

    private static final CityProfile KRAKOW = new CityProfile(KrakowDistricts.bundled(), Scopes.KRAKOW, Voivodeships.MALOPOLSKIE);

    private final KrakowDistricts districts;
    private final String cityId;
    private final String regionId;

    private CityProfile(KrakowDistricts districts, String cityId, String regionId) {
        this.districts = districts;
        this.cityId = cityId;
        this.regionId = regionId;
    }

    /** Kraków: the bundled 18 district boundaries, city {@code krakow}, voivodeship {@code malopolskie}. */
    public static CityProfile krakow() {
        return KRAKOW;
    }

    public KrakowDistricts districts() {
        return districts;
    }

    /** {@code krakow}. */
    public String cityId() {
        return cityId;
    }

    /** The voivodeship the city lies in: {@code malopolskie}. */
    public String regionId() {
        return regionId;
    }

    /** {@code city:krakow}. */
    public String cityScope() {
        return Scopes.city(cityId);
    }

    /** {@code region:<id>}, e.g. {@code region:swietokrzyskie}; ids lower case ASCII with dashes, as {@link Scopes}. */
    public static String regionScope(String regionId) {
        if (regionId == null || regionId.isBlank()) {
            throw new IllegalArgumentException("a region id must not be blank");
        }
        return REGION_PREFIX + regionId.trim().toLowerCase(Locale.ROOT).replace(' ', '-');
    }

    /** {@code district:<roman>} of the district holding the point, or empty outside every district (or no point). */
    public Optional<String> districtScopeOf(GeoPoint point) {
        if (point == null) {
            return Optional.empty();
        }
        return districts.districtOf(point.getLatitude(), point.getLongitude()).map(d -> "district:" + d.roman());
    }
}
