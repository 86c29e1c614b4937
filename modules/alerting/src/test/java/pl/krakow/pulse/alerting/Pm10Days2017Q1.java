package pl.krakow.pulse.alerting;

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
 * Independent PM10 daily means of the bundled real GIOŚ/WIOŚ 2017 Q1 file, with plain Java string
 * splitting (the approach of the app's {@code Iv3RealDataIT}): no project parser, no project windowing.
 * An hourly value stamped with the END of its hour belongs to the Europe/Warsaw day of the hour's start;
 * a day is valid with at least 18 hourly values.
 */
final class Pm10Days2017Q1 {

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

        boolean valid() {
            return count >= 18;
        }
    }

    private Pm10Days2017Q1() {
    }

    /** station code → local date → (sum, count) of its PM10 hourly values. */
    static Map<String, TreeMap<LocalDate, Day>> byStation() {
        Map<String, TreeMap<LocalDate, Day>> out = new TreeMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(BundledData.openAirQualityCsv(), StandardCharsets.UTF_8))) {
            String[] header = r.readLine().split(",", -1);
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",", -1);
                LocalDate day = Instant.ofEpochSecond(Long.parseLong(f[1]) - 3600).atZone(WARSAW).toLocalDate();
                for (int i = 2; i < header.length; i++) {
                    if (!header[i].startsWith("pm10_") || f[i].isEmpty()) {
                        continue;
                    }
                    String station = STATION_BY_COLUMN.get(header[i].substring("pm10_".length()));
                    out.computeIfAbsent(station, s -> new TreeMap<>())
                            .merge(day, new Day(Double.parseDouble(f[i]), 1), (a, b) -> new Day(a.sum() + b.sum(), a.count() + b.count()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
