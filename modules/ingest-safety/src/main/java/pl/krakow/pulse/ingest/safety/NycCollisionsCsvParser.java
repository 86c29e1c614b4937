package pl.krakow.pulse.ingest.safety;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import pl.krakow.pulse.events.common.GeoPoint;
import pl.krakow.pulse.events.safety.IncidentCategory;
import pl.krakow.pulse.ingest.ReasonCode;

/**
 * {@code nyc-collisions-csv}: NYC Open Data "Motor Vehicle Collisions – Crashes" (NYPD MV-104AN) in its
 * published CSV layout (29 columns). Proof that the incident contract is not Polish-only.
 *
 * <p>Per row one incident: source record id = {@code COLLISION_ID}; event and reported time = crash date and
 * time, local America/New_York; injured/killed = {@code NUMBER OF PERSONS INJURED/KILLED}; category
 * {@code ROAD_ACCIDENT} when anyone was injured or killed, else {@code ROAD_COLLISION}; severity 3 when
 * someone was killed, 0 when nobody was hurt, null otherwise (the feed does not tell slight from serious
 * injuries). Coordinates: {@code LATITUDE}/{@code LONGITUDE}; empty or 0/0 (the feed's placeholder) → no point.
 * Address: on / cross / off street names, trimmed, joined with " / ". Every record, with a point or without, is
 * New York City's: scope {@code city:new-york} ({@link SafetyFormats.NycCollisions}), never Kraków. No arrival
 * time exists in this feed.
 */
final class NycCollisionsCsvParser extends CsvIncidentParser {

    static final String FEED = "nyc-collisions-csv";
    static final ZoneId ZONE = ZoneId.of("America/New_York");
    static final List<String> HEADER = List.of("CRASH DATE", "CRASH TIME", "BOROUGH", "ZIP CODE", "LATITUDE", "LONGITUDE",
            "LOCATION", "ON STREET NAME", "CROSS STREET NAME", "OFF STREET NAME", "NUMBER OF PERSONS INJURED",
            "NUMBER OF PERSONS KILLED", "NUMBER OF PEDESTRIANS INJURED", "NUMBER OF PEDESTRIANS KILLED",
            "NUMBER OF CYCLIST INJURED", "NUMBER OF CYCLIST KILLED", "NUMBER OF MOTORIST INJURED",
            "NUMBER OF MOTORIST KILLED", "CONTRIBUTING FACTOR VEHICLE 1", "CONTRIBUTING FACTOR VEHICLE 2",
            "CONTRIBUTING FACTOR VEHICLE 3", "CONTRIBUTING FACTOR VEHICLE 4", "CONTRIBUTING FACTOR VEHICLE 5",
            "COLLISION_ID", "VEHICLE TYPE CODE 1", "VEHICLE TYPE CODE 2", "VEHICLE TYPE CODE 3",
            "VEHICLE TYPE CODE 4", "VEHICLE TYPE CODE 5");

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("MM/dd/uuuu", Locale.ROOT);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("H:mm", Locale.ROOT);

    NycCollisionsCsvParser(IncidentFactory factory) {
        super(factory, HEADER);
    }

    @Override
    IncidentFactory.Candidate decode(List<String> f) throws RowException {
        String id = f.get(23).trim();
        if (id.isEmpty()) {
            throw new RowException(ReasonCode.MALFORMED, "COLLISION_ID is empty");
        }
        java.time.Instant at;
        try {
            at = LocalDate.parse(f.get(0).trim(), DATE).atTime(LocalTime.parse(f.get(1).trim(), TIME)).atZone(ZONE).toInstant();
        } catch (DateTimeParseException e) {
            throw new RowException(ReasonCode.MALFORMED, "CRASH DATE/TIME is not MM/DD/YYYY H:MM: '" + f.get(0) + " " + f.get(1) + "'");
        }
        int injured = count(f.get(10), "NUMBER OF PERSONS INJURED");
        int killed = count(f.get(11), "NUMBER OF PERSONS KILLED");
        GeoPoint point = point(f.get(4), f.get(5));
        StringJoiner address = new StringJoiner(" / ");
        for (int i = 7; i <= 9; i++) {
            if (!f.get(i).isBlank()) {
                address.add(f.get(i).trim());
            }
        }
        Integer severity = killed > 0 ? Integer.valueOf(3) : injured == 0 ? Integer.valueOf(0) : null;
        IncidentCategory category = injured + killed > 0 ? IncidentCategory.ROAD_ACCIDENT : IncidentCategory.ROAD_COLLISION;
        return new IncidentFactory.Candidate(id, category, "NYPD MV-104AN crash", severity, injured, killed, point,
                address.length() == 0 ? null : address.toString(), at, at, null, null, null);
    }

    private static GeoPoint point(String lat, String lon) throws RowException {
        if (lat.isBlank() || lon.isBlank()) {
            return null;
        }
        double la;
        double lo;
        try {
            la = Double.parseDouble(lat.trim());
            lo = Double.parseDouble(lon.trim());
        } catch (NumberFormatException e) {
            throw new RowException(ReasonCode.NOT_A_NUMBER, "LATITUDE/LONGITUDE is not a number: '" + lat + "', '" + lon + "'");
        }
        if (!Double.isFinite(la) || !Double.isFinite(lo)) {
            throw new RowException(ReasonCode.NOT_A_NUMBER, "LATITUDE/LONGITUDE is not finite: '" + lat + "', '" + lon + "'");
        }
        if (la == 0 && lo == 0) {
            return null; // the export's placeholder for "not geocoded"
        }
        return new GeoPoint(la, lo);
    }
}
