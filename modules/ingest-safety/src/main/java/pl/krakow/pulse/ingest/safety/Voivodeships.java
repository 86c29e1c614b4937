package pl.krakow.pulse.ingest.safety;

import java.util.Map;
import java.util.Optional;

/**
 * Poland's 16 voivodeships by their TERYT code (GUS, the code SEWIK records carry as {@code WOJ}), as the region
 * ids of {@code region:<id>} scopes: lower-case ASCII with dashes, e.g. 12 → {@code malopolskie} (Kraków's),
 * 26 → {@code swietokrzyskie}.
 */
final class Voivodeships {

    /** Kraków's voivodeship. */
    static final String MALOPOLSKIE = "malopolskie";

    private static final Map<Integer, String> BY_TERYT = Map.ofEntries(
            Map.entry(2, "dolnoslaskie"), Map.entry(4, "kujawsko-pomorskie"), Map.entry(6, "lubelskie"),
            Map.entry(8, "lubuskie"), Map.entry(10, "lodzkie"), Map.entry(12, MALOPOLSKIE), Map.entry(14, "mazowieckie"),
            Map.entry(16, "opolskie"), Map.entry(18, "podkarpackie"), Map.entry(20, "podlaskie"), Map.entry(22, "pomorskie"),
            Map.entry(24, "slaskie"), Map.entry(26, "swietokrzyskie"), Map.entry(28, "warminsko-mazurskie"),
            Map.entry(30, "wielkopolskie"), Map.entry(32, "zachodniopomorskie"));

    private Voivodeships() {
    }

    /** The region id of a voivodeship TERYT code, or empty when the code is not one. */
    static Optional<String> ofTeryt(int code) {
        return Optional.ofNullable(BY_TERYT.get(code));
    }
}
