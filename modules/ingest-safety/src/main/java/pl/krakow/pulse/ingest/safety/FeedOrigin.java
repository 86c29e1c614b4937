package pl.krakow.pulse.ingest.safety;

import java.util.Objects;
import pl.krakow.pulse.events.common.GeoPoint;
import pl.krakow.pulse.platform.catalog.Scopes;

/**
 * Which place a feed's records describe, and so the scope each record counts in (the {@code scope} of
 * {@code Incident}; DESIGN §9: every value names the city it describes, another city's data never counts as
 * Kraków's). Three kinds:
 * <ul>
 *   <li>{@link #krakowSystems()} — Kraków's own systems (the incident push API, the SIMULATED Kraków feed): a
 *       point inside a district → {@code district:<roman>} (it also counts for {@code city:krakow}); no point →
 *       {@code city:krakow} (a city system's record happens in the city and keeps its address); a point outside
 *       every district → {@code region:malopolskie}, Kraków's voivodeship (kept, counted apart, never rated).</li>
 *   <li>{@link #regional()} — a police file of one or more voivodeships whose records name their voivodeship
 *       (SEWIK's {@code WOJ}): a point inside a Kraków district of a record of Kraków's voivodeship (or of one
 *       that names none) → {@code district:<roman>}; anything else → {@code region:<its voivodeship>}
 *       ({@code region:unknown} when it names none). A record naming another voivodeship never counts in
 *       Kraków, even when its point falls inside the city (then the point is the wrong part).</li>
 *   <li>{@link #city(String)} — every record of another city's feed (the Wrocław city-guard register, NYC's
 *       collision export) → {@code city:<id>}, whatever its point says: labelled as that city's data, never
 *       Kraków's. {@code city("krakow")} is {@link #krakowSystems()}.</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class FeedOrigin {

    /** The region scope of a regional record that names no region. */
    public static final String UNKNOWN_REGION = "unknown";

    private enum Kind { KRAKOW, REGIONAL, CITY }

    private static final FeedOrigin KRAKOW = new FeedOrigin(Kind.KRAKOW, Scopes.KRAKOW_CITY);
    private static final FeedOrigin REGIONAL = new FeedOrigin(Kind.REGIONAL, null);

    private final Kind kind;
    /** {@code city:<id>} of a {@link Kind#CITY} origin. */
    private final String cityScope;

    private FeedOrigin(Kind kind, String cityScope) {
        this.kind = kind;
        this.cityScope = cityScope;
    }

    /** Kraków's own systems (push API, simulator). */
    public static FeedOrigin krakowSystems() {
        return KRAKOW;
    }

    /** A police file whose records name their voivodeship. */
    public static FeedOrigin regional() {
        return REGIONAL;
    }

    /** Every record of the feed is from the city {@code cityId} (a {@link Scopes} city id, e.g. {@code wroclaw}). */
    public static FeedOrigin city(String cityId) {
        String scope = Scopes.city(Objects.requireNonNull(cityId, "cityId"));
        return scope.equals(Scopes.KRAKOW_CITY) ? KRAKOW : new FeedOrigin(Kind.CITY, scope);
    }

    /**
     * The scope of a record at {@code point} (null = no coordinates) that names the region {@code namedRegion}
     * (a voivodeship id, or null when it names none).
     */
    String scopeOf(CityProfile krakow, GeoPoint point, String namedRegion) {
        return switch (kind) {
            case CITY -> cityScope;
            case KRAKOW -> krakow.districtScopeOf(point)
                    .orElse(point == null ? krakow.cityScope() : CityProfile.regionScope(krakow.regionId()));
            case REGIONAL -> {
                boolean krakowsRegion = namedRegion == null || namedRegion.equals(krakow.regionId());
                if (krakowsRegion && point != null) {
                    var district = krakow.districtScopeOf(point);
                    if (district.isPresent()) {
                        yield district.get();
                    }
                }
                yield CityProfile.regionScope(namedRegion == null ? UNKNOWN_REGION : namedRegion);
            }
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case KRAKOW -> "Kraków's own systems";
            case REGIONAL -> "regional (records name their voivodeship)";
            case CITY -> cityScope;
        };
    }
}
