package pl.krakow.pulse.platform.catalog;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which city or transit / bike-share system a scope ({@link Scopes}) describes, and what people call it, so
 * whoever shows a value (API, dashboard, export) can say "Poznań" beside a Poznań value and never passes
 * another city's data off as Kraków's (DESIGN §9).
 *
 * <p><b>Id convention.</b> A feed or system id names its city by starting with the city's id, alone or
 * followed by {@code -}: {@code krakow-T}, {@code krakow-A} (Kraków's tram and bus feeds), {@code poznan-ztm},
 * {@code oslo-bysykkel}. That is how a {@code line:<feed id>/<route>} scope names its city. An id that starts
 * with no known city's id is a system of its own ({@code system:<id>}), never Kraków.
 *
 * <p>The known cities are the ones whose data this project carries: Kraków, and Poznań and Oslo, whose
 * recordings stand in as demo data where no Kraków recording exists. Unknown cities and systems keep their id
 * as name.
 */
public final class Places {

    /**
     * A city or a system.
     *
     * @param scope  {@code city:<id>} or {@code system:<id>}
     * @param id     the city or system id
     * @param name   what people call it ({@code Kraków}, {@code Poznań}, {@code Oslo Bysykkel}); the id when unknown
     * @param krakow whether it is Kraków or one of Kraków's systems
     */
    public record Place(String scope, String id, String name, boolean krakow) {
    }

    public static final Place KRAKOW = new Place(Scopes.KRAKOW_CITY, Scopes.KRAKOW, "Kraków", true);

    /** Known cities: id → name. */
    private static final Map<String, String> CITIES = Map.of(Scopes.KRAKOW, "Kraków", "poznan", "Poznań", "oslo", "Oslo");
    /** Known systems: id → name. */
    private static final Map<String, String> SYSTEMS = Map.of("oslo-bysykkel", "Oslo Bysykkel");

    private Places() {
    }

    /** The known city whose id a feed or system id starts with (alone or followed by {@code -}), if any. */
    public static Optional<String> cityOf(String feedOrSystemId) {
        if (feedOrSystemId == null) {
            return Optional.empty();
        }
        String id = feedOrSystemId.toLowerCase(Locale.ROOT);
        return CITIES.keySet().stream().filter(c -> id.equals(c) || id.startsWith(c + '-')).findFirst();
    }

    /**
     * Where the values of a transit feed belong: its city when the feed id names a known one ({@code krakow-T} →
     * {@code city:krakow}), else the feed itself as a system ({@code system:<feed id>}).
     */
    public static Place ofFeed(String feedId) {
        return cityOf(feedId).map(Places::city).orElseGet(() -> system(feedId));
    }

    /** The city of that id. */
    public static Place city(String cityId) {
        String scope = Scopes.city(cityId);
        String id = scope.substring("city:".length());
        return new Place(scope, id, CITIES.getOrDefault(id, id), id.equals(Scopes.KRAKOW));
    }

    /** The system of that id; Kraków's when its id names Kraków. */
    public static Place system(String systemId) {
        String scope = Scopes.system(systemId);
        String id = scope.substring("system:".length());
        return new Place(scope, id, SYSTEMS.getOrDefault(id, id), cityOf(id).filter(Scopes.KRAKOW::equals).isPresent());
    }

    /**
     * The place a scope describes: {@code city:}, {@code system:}, {@code line:<feed>/…}, {@code mode:<id>/…};
     * {@code district:} and {@code station:} are Kraków's; a sub-scope {@code <area>/<category>} belongs to its
     * area. Empty for a scope that names no place — the bare {@code city} of values written before scopes named
     * their city, whose city the value alone cannot tell.
     */
    public static Optional<Place> of(String scope) {
        if (scope == null) {
            return Optional.empty();
        }
        int colon = scope.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        String kind = scope.substring(0, colon);
        String rest = scope.substring(colon + 1);
        int slash = rest.indexOf('/');
        String head = slash < 0 ? rest : rest.substring(0, slash);
        if (head.isBlank()) {
            return Optional.empty();
        }
        return switch (kind) {
            case "city" -> Optional.of(city(head));
            case "system" -> Optional.of(system(head));
            case "line", "mode" -> Optional.of(ofFeed(head));
            case "district", "station" -> Optional.of(KRAKOW);
            default -> Optional.empty();
        };
    }
}
