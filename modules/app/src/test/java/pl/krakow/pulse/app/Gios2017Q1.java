package pl.krakow.pulse.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.TreeMap;
import pl.krakow.pulse.ingest.environment.BundledData;

/**
 * Independent expected values for the bundled 2017 Q1 file, computed with plain Java string
 * splitting — no project parser, no project windowing. PM10 daily means per station and local day.
 */
final class Gios2017Q1 {

    static final ZoneId WARSAW = ZoneId.of("Europe/Warsaw");

    /** Column name suffix → GIOŚ station code, as documented in the data's PROVENANCE.md. */
    static final Map<String, String> STATION_BY_COLUMN = Map.of(
            "wadow", "MpKrakWadow", "piastow", "MpKrakOsPias", "krasinskiego", "MpKrakAlKras",
            "swoszowice", "MpKrakSwoszo", "zloty_rog", "MpKrakZloRog", "kurdwanow", "MpKrakBujaka",
            "dietla", "MpKrakDietla");

    record Day(double sum, int count) {
        double mean() {
            return sum / count;
        }
    }

    private Gios2017Q1() {
    }

    /** station code → local date → (sum, count) of PM10 hourly values. */
    static Map<String, Map<LocalDate, Day>> pm10Days() {
        Map<String, Map<LocalDate, Day>> out = new TreeMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(BundledData.openAirQualityCsv(), StandardCharsets.UTF_8))) {
            String[] header = r.readLine().split(",", -1);
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",", -1);
                long endOfHour = Long.parseLong(f[1]);
                // The hourly value stamped with the END of its hour belongs to the day of the hour's start.
                LocalDate day = Instant.ofEpochSecond(endOfHour - 3600).atZone(WARSAW).toLocalDate();
                for (int i = 2; i < header.length; i++) {
                    if (!header[i].startsWith("pm10_") || f[i].isEmpty()) {
                        continue;
                    }
                    String station = STATION_BY_COLUMN.get(header[i].substring("pm10_".length()));
                    double v = Double.parseDouble(f[i]);
                    out.computeIfAbsent(station, s -> new TreeMap<>())
                            .merge(day, new Day(v, 1), (a, b) -> new Day(a.sum() + b.sum(), a.count() + b.count()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The end-of-hour time of a station's newest PM10 value. */
    static Instant lastPm10EventTime(String station) {
        Instant last = Instant.EPOCH;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(BundledData.openAirQualityCsv(), StandardCharsets.UTF_8))) {
            String[] header = r.readLine().split(",", -1);
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split(",", -1);
                for (int i = 2; i < header.length; i++) {
                    if (header[i].startsWith("pm10_") && !f[i].isEmpty()
                            && station.equals(STATION_BY_COLUMN.get(header[i].substring(5)))) {
                        Instant t = Instant.ofEpochSecond(Long.parseLong(f[1]));
                        last = t.isAfter(last) ? t : last;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return last;
    }

    /** Number of non-empty value cells (every pollutant, every station) in the file. */
    static long nonEmptyValueCells() {
        long n = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(BundledData.openAirQualityCsv(), StandardCharsets.UTF_8))) {
            r.readLine();
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split(",", -1);
                for (int i = 2; i < f.length; i++) {
                    if (!f[i].isEmpty()) {
                        n++;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }

    static int stationDays(Map<String, Map<LocalDate, Day>> days) {
        return days.values().stream().mapToInt(Map::size).sum();
    }
}
