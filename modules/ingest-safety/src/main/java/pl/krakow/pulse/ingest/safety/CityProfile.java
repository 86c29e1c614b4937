package pl.krakow.pulse.ingest.safety;

import java.util.Objects;
import java.util.Optional;
import pl.krakow.pulse.events.common.GeoPoint;
import pl.krakow.pulse.ingest.geo.District;
import pl.krakow.pulse.ingest.geo.KrakowDistricts;

/**
 * Where an incident counts: the city's district boundaries decide between {@code district:<roman>},
 * {@code city} and {@code region} (the {@code scope} field of {@code Incident}).
 *
 * <p>Rules: a point inside a district → {@code district:<roman>} (it also counts for the city); a point
 * outside every district → {@code region} (kept and counted apart, so it never distorts district or city
 * rates); no point → {@code city} when the feed is one of the city's own registers (a city-guard register,
 * a city dispatch system: their records happen in the city and keep their street address), otherwise
 * {@code region} (a police file of a whole voivodeship, another city's collision export: nothing says the
 * record is in the city). Population figures are not here: rates are the indicators' business
 * ({@code pl.krakow.pulse.indicators.iv5.PopulationTable}). Immutable and thread-safe.
 */
public final class CityProfile {

    public static final String CITY = "city";
    public static final String REGION = "region";

    private final KrakowDistricts districts;

    public CityProfile(KrakowDistricts districts) {
        this.districts = Objects.requireNonNull(districts, "districts");
    }

    /** Kraków: the bundled 18 district boundaries. */
    public static CityProfile krakow() {
        return new CityProfile(KrakowDistricts.bundled());
    }

    public KrakowDistricts districts() {
        return districts;
    }

    /** The scope of an incident at {@code point} (null = no coordinates) from a feed that is or is not the city's own. */
    public String scopeOf(GeoPoint point, boolean cityOwnFeed) {
        if (point == null) {
            return cityOwnFeed ? CITY : REGION;
        }
        Optional<District> d = districts.districtOf(point.getLatitude(), point.getLongitude());
        return d.map(CityProfile::districtScope).orElse(REGION);
    }

    public static String districtScope(District d) {
        return "district:" + d.roman();
    }
}
