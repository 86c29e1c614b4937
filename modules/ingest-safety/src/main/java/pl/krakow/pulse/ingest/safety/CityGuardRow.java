package pl.krakow.pulse.ingest.safety;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import pl.krakow.pulse.events.safety.IncidentCategory;
import pl.krakow.pulse.ingest.ReasonCode;

/**
 * One row of a city-guard register in the layout of Straż Miejska Wrocławia's published registers
 * ({@code Data Godzina,Numer,Opis,Typ,Miejsce,Status,Kwota Mandatu,Data Zakończenia}; local times
 * Europe/Warsaw, {@code YYYY-MM-DD HH:MM:SS}).
 *
 * <p><b>Shifted columns.</b> The register was converted from Word tables; where a cell was empty the
 * converter moved the following cells one column left and left {@code Kwota Mandatu} empty. Two shapes
 * occur and are undone here:
 * <ul>
 *   <li>empty outcome: {@code Status} holds the fine amount (digits) → outcome none, fine = that amount;</li>
 *   <li>empty description: {@code Opis} holds the type, {@code Typ} the address (it ends with the
 *       register's {@code /} house-number separator) and {@code Miejsce} an outcome word → everything is
 *       moved back one column right, description none.</li>
 * </ul>
 * The fine and outcome are not part of the incident contract; they are decoded so that a shifted row
 * never lands a number in the outcome or an address in the type.
 *
 * @param registeredAt when the report was registered (UTC)
 * @param closedAt     when the intervention was closed (UTC)
 * @param shifted      whether a shift was undone
 */
record CityGuardRow(Instant registeredAt, String reportId, String description, String type, String address,
                    String outcome, Integer fineZloty, Instant closedAt, boolean shifted) {

    static final List<String> HEADER = List.of("Data Godzina", "Numer", "Opis", "Typ", "Miejsce", "Status",
            "Kwota Mandatu", "Data Zakończenia");

    static final ZoneId ZONE = ZoneId.of("Europe/Warsaw");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss", Locale.ROOT);

    /** Outcome words of the register (MANDAT = fine, POUCZENIE = admonition, …). */
    static final Set<String> OUTCOMES = Set.of("MANDAT", "POUCZENIE", "WEZWANIE", "OSTRZEŻENIE", "SĄD", "SĄD REJONOWY",
            "LAWETA", "BEZ UWAG");

    /** Register types → contract categories; anything else is OTHER, the verbatim type stays in sourceType. */
    private static final Map<String, IncidentCategory> CATEGORIES = Map.ofEntries(
            Map.entry("PORZĄDKOWA", IncidentCategory.PUBLIC_ORDER),
            Map.entry("SPOŻYWANIE ALKOHOLU", IncidentCategory.PUBLIC_ORDER),
            Map.entry("ZAKŁÓCANIE ŁADU I PORZĄDKU", IncidentCategory.PUBLIC_ORDER),
            Map.entry("HANDEL", IncidentCategory.PUBLIC_ORDER),
            Map.entry("PLAKATY (REKLAMY)", IncidentCategory.PUBLIC_ORDER),
            Map.entry("NISZCZENIE ZIELENI", IncidentCategory.PUBLIC_ORDER),
            Map.entry("ŻEBRZĄCY", IncidentCategory.PUBLIC_ORDER),
            Map.entry("ŻEBRANIE", IncidentCategory.PUBLIC_ORDER),
            Map.entry("KWESTUJĄCY", IncidentCategory.PUBLIC_ORDER),
            Map.entry("OGNISKO", IncidentCategory.FIRE),
            Map.entry("WYPALANIE, OGNISKO", IncidentCategory.FIRE),
            Map.entry("ZAGROŻENIE ZDROWIA, ŻYCIA", IncidentCategory.MEDICAL));

    static CityGuardRow decode(List<String> f) throws CsvIncidentParser.RowException {
        String description = f.get(2);
        String type = f.get(3);
        String address = f.get(4);
        String outcome = f.get(5);
        String fine = f.get(6);
        boolean shifted = false;
        if (fine.isBlank() && OUTCOMES.contains(address.trim()) && type.trim().endsWith("/")) {
            // description was empty: Opis = type, Typ = address, Miejsce = outcome, Status = fine
            fine = outcome;
            outcome = address;
            address = type;
            type = description;
            description = "";
            shifted = true;
        } else if (fine.isBlank() && outcome.trim().matches("\\d+")) {
            fine = outcome;
            outcome = "";
            shifted = true;
        }
        String reportId = f.get(1).trim();
        if (reportId.isEmpty()) {
            throw new CsvIncidentParser.RowException(ReasonCode.MALFORMED, "Numer (report id) is empty");
        }
        Integer fineZloty = null;
        if (!fine.isBlank()) {
            try {
                fineZloty = Integer.parseInt(fine.trim());
            } catch (NumberFormatException e) {
                throw new CsvIncidentParser.RowException(ReasonCode.NOT_A_NUMBER, "Kwota Mandatu is not a whole number: '" + fine + "'");
            }
        }
        return new CityGuardRow(time(f.get(0), "Data Godzina"), reportId, blankToNull(description), type.trim(),
                blankToNull(address.trim()), blankToNull(outcome.trim()), fineZloty,
                f.get(7).isBlank() ? null : time(f.get(7), "Data Zakończenia"), shifted);
    }

    IncidentCategory category() {
        return CATEGORIES.getOrDefault(type.toUpperCase(Locale.ROOT), IncidentCategory.OTHER);
    }

    private static Instant time(String value, String column) throws CsvIncidentParser.RowException {
        try {
            // Local wall time; in the autumn overlap hour the earlier offset is taken (the register gives no offset).
            return LocalDateTime.parse(value.trim(), TIME).atZone(ZONE).toInstant();
        } catch (DateTimeParseException e) {
            throw new CsvIncidentParser.RowException(ReasonCode.MALFORMED, column + " is not YYYY-MM-DD HH:MM:SS: '" + value + "'");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
