package pl.krakow.pulse.indicators;

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
 * The real GIOŚ/WIOŚ Kraków 2017-Q1 hourly PM10/PM2.5 file of the tests ({@code data/air-quality-krakow}, see its
 * PROVENANCE.md), read with plain Java for the tests' independent expectations. Each reading: its pollutant, the GIOŚ
 * station code, the END of its averaging hour (the file's {@code epoch}) and µg/m³. In file order (rows, then columns
 * left to right); the file is not chronological.
 */
public final class KrakowPmHourly2017Q1 {

    public static final String FILE = "/data/air-quality-krakow/krakow_pm_hourly_2017Q1.csv";
    /** CSV column → (pollutant, GIOŚ station code), as in PROVENANCE.md. */
    private static final Map<String, Object[]> COLUMNS = Map.of(
            "pm10_wadow", new Object[] {Pollutant.PM10, "MpKrakWadow"},
            "pm10_piastow", new Object[] {Pollutant.PM10, "MpKrakOsPias"},
            "pm10_krasinskiego", new Object[] {Pollutant.PM10, "MpKrakAlKras"},
            "pm10_swoszowice", new Object[] {Pollutant.PM10, "MpKrakSwoszo"},
            "pm10_zloty_rog", new Object[] {Pollutant.PM10, "MpKrakZloRog"},
            "pm10_kurdwanow", new Object[] {Pollutant.PM10, "MpKrakBujaka"},
            "pm10_dietla", new Object[] {Pollutant.PM10, "MpKrakDietla"},
            "pm25_krasinskiego", new Object[] {Pollutant.PM25, "MpKrakAlKras"},
            "pm25_kurdwanow", new Object[] {Pollutant.PM25, "MpKrakBujaka"});

    /** One value of the file. */
    public record Reading(Pollutant pollutant, String station, Instant hourEnd, double valueUgM3) {
    }

    private KrakowPmHourly2017Q1() {
    }

    /** Every non-empty value of the file, in file order. */
    public static List<Reading> read() {
        List<Reading> out = new ArrayList<>();
        try (InputStream in = Objects.requireNonNull(KrakowPmHourly2017Q1.class.getResourceAsStream(FILE), FILE);
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String[] header = reader.readLine().split(",", -1);
            String line;
            while ((line = reader.readLine()) != null) {
                String[] f = line.split(",", -1);
                Instant hourEnd = Instant.ofEpochSecond(Long.parseLong(f[1]));
                for (int c = 2; c < f.length && c < header.length; c++) {
                    Object[] target = COLUMNS.get(header[c]);
                    if (target != null && !f[c].isBlank()) {
                        out.add(new Reading((Pollutant) target[0], (String) target[1], hourEnd, Double.parseDouble(f[c])));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
