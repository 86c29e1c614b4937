package pl.krakow.pulse.platform.catalog;

import java.util.Locale;

/**
 * The scope part of an indicator key: <em>what</em> a value describes, always naming the city or the transit /
 * bike system it belongs to, so another city's data never reads as Kraków's (DESIGN §9).
 *
 * <ul>
 *   <li>{@code city:<city id>} — a whole city, e.g. {@code city:krakow}, {@code city:poznan};</li>
 *   <li>{@code system:<system id>} — a transit or bike-share system, e.g. {@code system:oslo-bysykkel};</li>
 *   <li>{@code line:<feed id>/<route>} — a line of one transit feed, e.g. {@code line:krakow-T/1};</li>
 *   <li>{@code mode:<city or system id>/<mode>} — one mode of a city's or system's fleet, e.g. {@code mode:krakow/tram};</li>
 *   <li>{@code station:<code>} (GIOŚ station codes are unique in Poland) and {@code district:<I..XVIII>}
 *       (Kraków's 18 dzielnice) need no city: they exist only in Kraków.</li>
 * </ul>
 * Ids are lower case ASCII with dashes.
 */
public final class Scopes {

    /** The city this project is about. */
    public static final String KRAKOW = "krakow";
    /** The scope of a Kraków-wide value. */
    public static final String KRAKOW_CITY = city(KRAKOW);

    private Scopes() {
    }

    /** {@code city:<id>}, e.g. {@code city:krakow}. */
    public static String city(String cityId) {
        return "city:" + id(cityId);
    }

    /** {@code system:<id>}, e.g. {@code system:oslo-bysykkel}. */
    public static String system(String systemId) {
        return "system:" + id(systemId);
    }

    /** {@code line:<feed id>/<route>}, e.g. {@code line:krakow-T/1}; the route keeps its own spelling. */
    public static String line(String feedId, String route) {
        return "line:" + feedId + '/' + route;
    }

    /** {@code mode:<city or system id>/<mode>}, e.g. {@code mode:krakow/tram}; the mode is lower-cased. */
    public static String mode(String cityOrSystemId, String mode) {
        return "mode:" + id(cityOrSystemId) + '/' + mode.toLowerCase(Locale.ROOT);
    }

    /** True for a {@code city:…} scope. */
    public static boolean isCity(String scope) {
        return scope != null && scope.startsWith("city:");
    }

    private static String id(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new IllegalArgumentException("a city or system id must not be blank");
        }
        return raw.trim().toLowerCase(Locale.ROOT).replace(' ', '-');
    }
}
