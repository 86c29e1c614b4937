package pl.krakow.pulse.testsupport.data;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.testsupport.time.TestInstants;

/**
 * The independent PM10 daily-mean oracle of the bundled 2017-Q1 file, in plain Java over
 * {@link KrakowPmHourly2017Q1}: no project parser, no project windowing. An hourly value stamped with the END of its
 * hour belongs to the Europe/Warsaw day of the hour's START; a day is valid with at least 18 hourly values (the
 * catalog's 75 % of 24). Not final only so that an older test's own name for it can extend it while that test is
 * rewritten elsewhere; it has no state.
 */
public class KrakowPm10Days2017Q1 {

    public static final ZoneId WARSAW = TestInstants.WARSAW;
    /** Hourly values a valid day needs. */
    public static final int MIN_VALID_HOURS = 18;

    /** PM10 column name suffix (after {@code pm10_}) → GIOŚ station code, as in the data's PROVENANCE.md. */
    public static final Map<String, String> STATION_BY_COLUMN = KrakowPmHourly2017Q1.COLUMNS.entrySet().stream()
            .filter(e -> e.getValue().pollutant() == Pollutant.PM10)
            .collect(Collectors.toUnmodifiableMap(e -> e.getKey().substring("pm10_".length()), e -> e.getValue().station()));

    /** The PM10 hourly values of one station and local day: their sum (µg/m³) and how many there are. */
    public record Day(double sum, int count) {
        public double mean() {
            return sum / count;
        }

        public boolean valid() {
            return count >= MIN_VALID_HOURS;
        }
    }

    protected KrakowPm10Days2017Q1() {
    }

    /** The Europe/Warsaw day an hourly value belongs to: the day of its hour's start. */
    public static LocalDate dayOf(Instant hourEnd) {
        return hourEnd.minusSeconds(3600).atZone(WARSAW).toLocalDate();
    }

    /** station code → local date → (sum, count) of its PM10 hourly values; stations without data are absent. */
    public static Map<String, TreeMap<LocalDate, Day>> pm10Days() {
        Map<String, TreeMap<LocalDate, Day>> out = new TreeMap<>();
        for (KrakowPmHourly2017Q1.Reading r : KrakowPmHourly2017Q1.read()) {
            if (r.pollutant() == Pollutant.PM10) {
                out.computeIfAbsent(r.station(), s -> new TreeMap<>()).merge(dayOf(r.hourEnd()), new Day(r.valueUgM3(), 1),
                        (a, b) -> new Day(a.sum() + b.sum(), a.count() + b.count()));
            }
        }
        return out;
    }

    /** How many station-days {@code days} holds. */
    public static int stationDays(Map<String, ? extends Map<LocalDate, Day>> days) {
        return days.values().stream().mapToInt(Map::size).sum();
    }

    /** The end-of-hour time of a station's newest PM10 value ({@link Instant#EPOCH} if it has none). */
    public static Instant lastPm10EventTime(String station) {
        Instant last = Instant.EPOCH;
        for (KrakowPmHourly2017Q1.Reading r : KrakowPmHourly2017Q1.read()) {
            if (r.pollutant() == Pollutant.PM10 && r.station().equals(station) && r.hourEnd().isAfter(last)) {
                last = r.hourEnd();
            }
        }
        return last;
    }

    /** Number of non-empty value cells (every pollutant, every station) in the file. */
    public static long nonEmptyValueCells() {
        return KrakowPmHourly2017Q1.nonEmptyValueCells();
    }
}
