package pl.krakow.pulse.testsupport.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import pl.krakow.pulse.events.environment.Pollutant;

/**
 * The real GIOŚ/WIOŚ Kraków 2017-Q1 hourly PM10/PM2.5 file (bundled by {@code ingest-environment}, see its
 * PROVENANCE.md), read with plain Java string splitting for the tests' independent expectations: no project parser.
 * The file is found on the test's classpath ({@code ingest-environment} puts it there). Each reading: its pollutant,
 * the GIOŚ station code, the END of its averaging hour (the file's {@code epoch}) and µg/m³. In file order (rows,
 * then columns left to right); the file is not chronological.
 */
public final class KrakowPmHourly2017Q1 {

    public static final String FILE = "/data/air-quality-krakow/krakow_pm_hourly_2017Q1.csv";

    /** What a value column of the file holds. */
    public record Column(Pollutant pollutant, String station) {
    }

    /** CSV column → (pollutant, GIOŚ station code), as in PROVENANCE.md. */
    public static final Map<String, Column> COLUMNS = Map.of(
            "pm10_wadow", new Column(Pollutant.PM10, "MpKrakWadow"),
            "pm10_piastow", new Column(Pollutant.PM10, "MpKrakOsPias"),
            "pm10_krasinskiego", new Column(Pollutant.PM10, "MpKrakAlKras"),
            "pm10_swoszowice", new Column(Pollutant.PM10, "MpKrakSwoszo"),
            "pm10_zloty_rog", new Column(Pollutant.PM10, "MpKrakZloRog"),
            "pm10_kurdwanow", new Column(Pollutant.PM10, "MpKrakBujaka"),
            "pm10_dietla", new Column(Pollutant.PM10, "MpKrakDietla"),
            "pm25_krasinskiego", new Column(Pollutant.PM25, "MpKrakAlKras"),
            "pm25_kurdwanow", new Column(Pollutant.PM25, "MpKrakBujaka"));

    /** One value of the file. */
    public record Reading(Pollutant pollutant, String station, Instant hourEnd, double valueUgM3) {
    }

    private KrakowPmHourly2017Q1() {
    }

    /** Every non-empty value of the file, in file order. */
    public static List<Reading> read() {
        List<Reading> out = new ArrayList<>();
        List<String[]> rows = rows();
        String[] header = rows.get(0);
        for (String[] f : rows.subList(1, rows.size())) {
            Instant hourEnd = Instant.ofEpochSecond(Long.parseLong(f[1]));
            for (int c = 2; c < f.length && c < header.length; c++) {
                Column target = COLUMNS.get(header[c]);
                if (target != null && !f[c].isBlank()) {
                    out.add(new Reading(target.pollutant(), target.station(), hourEnd, Double.parseDouble(f[c])));
                }
            }
        }
        return out;
    }

    /** Number of non-empty value cells (every column after the epoch, every row) in the file. */
    public static long nonEmptyValueCells() {
        long n = 0;
        List<String[]> rows = rows();
        for (String[] f : rows.subList(1, rows.size())) {
            for (int i = 2; i < f.length; i++) {
                if (!f[i].isEmpty()) {
                    n++;
                }
            }
        }
        return n;
    }

    /** The header, then every non-blank row, split at every comma (the file has no quoting). */
    private static List<String[]> rows() {
        List<String[]> out = new ArrayList<>();
        try (InputStream in = Objects.requireNonNull(KrakowPmHourly2017Q1.class.getResourceAsStream(FILE),
                FILE + " (on the classpath through ingest-environment)");
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    out.add(line.split(",", -1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
