package pl.krakow.pulse.runtime.geo;

import java.util.Objects;

/**
 * One of Kraków's 18 districts (dzielnice), numbered I–XVIII since 1991.
 *
 * @param number 1–18
 * @param roman  the number as a Roman numeral, e.g. {@code XVIII}: how the city names districts
 * @param name   the name without the "Dzielnica XVIII " prefix, as spelled in the source, e.g. {@code Nowa Huta}
 */
public record District(int number, String roman, String name) {

    private static final String[] ROMAN = {"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X",
        "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII", "XVIII"};

    public District {
        if (number < 1 || number > 18) {
            throw new IllegalArgumentException("district number must be 1..18: " + number);
        }
        Objects.requireNonNull(roman, "roman");
        Objects.requireNonNull(name, "name");
    }

    /** {@code 1} → {@code I} … {@code 18} → {@code XVIII}. */
    public static String roman(int number) {
        if (number < 1 || number > 18) {
            throw new IllegalArgumentException("district number must be 1..18: " + number);
        }
        return ROMAN[number];
    }
}
