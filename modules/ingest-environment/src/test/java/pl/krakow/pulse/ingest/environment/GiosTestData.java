package pl.krakow.pulse.ingest.environment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import pl.krakow.pulse.testsupport.time.TestInstants;

/** Named instants, real rows of the bundled file, and an independent column → station table. */
final class GiosTestData {

    /** The tests' wall clock. */
    static final Instant NOW = Instant.parse("2026-01-15T12:00:00Z");
    static final Clock FIXED_CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    /** End of the first hour of 2017 (UTC) = epoch 1483228800 = GIOŚ label "2017-01-01 01:00" CET. */
    static final Instant T0 = TestInstants.JAN_1_2017_UTC;
    static final Instant T0_PLUS_1H = T0.plusSeconds(3600);
    static final Instant T0_PLUS_2H = T0.plusSeconds(7200);
    /** The last hour of 2017-Q1. */
    static final Instant LAST_HOUR = Instant.parse("2017-03-31T23:00:00Z");

    static final String HEADER = ",epoch,pm10_wadow,pm10_piastow,pm10_krasinskiego,pm10_swoszowice,pm10_zloty_rog,"
            + "pm10_kurdwanow,pm10_dietla,pm25_krasinskiego,pm25_kurdwanow";
    /** Lines 2–4 of the bundled file: six values each (Wadów, Swoszowice, Złoty Róg empty). */
    static final String ROW_T0 = "8786,1483228800,,141.186,213.733,,,392.428,236.818,177.442,360.374";
    static final String ROW_T0_PLUS_1H = "8787,1483232400,,111.482,213.868,,,258.667,179.874,178.942,208.365";
    static final String ROW_T0_PLUS_2H = "8788,1483236000,,116.691,221.923,,,211.76,185.302,187.503,174.77";
    static final int VALUES_PER_ROW = 6;

    /**
     * Typed from PROVENANCE.md, independently of the module's mapping resource: column → (station code,
     * pollutant).
     */
    static final Map<String, String> COLUMN_TO_SERIES = new LinkedHashMap<>();

    static {
        COLUMN_TO_SERIES.put("pm10_wadow", "MpKrakWadow/PM10");
        COLUMN_TO_SERIES.put("pm10_piastow", "MpKrakOsPias/PM10");
        COLUMN_TO_SERIES.put("pm10_krasinskiego", "MpKrakAlKras/PM10");
        COLUMN_TO_SERIES.put("pm10_swoszowice", "MpKrakSwoszo/PM10");
        COLUMN_TO_SERIES.put("pm10_zloty_rog", "MpKrakZloRog/PM10");
        COLUMN_TO_SERIES.put("pm10_kurdwanow", "MpKrakBujaka/PM10");
        COLUMN_TO_SERIES.put("pm10_dietla", "MpKrakDietla/PM10");
        COLUMN_TO_SERIES.put("pm25_krasinskiego", "MpKrakAlKras/PM25");
        COLUMN_TO_SERIES.put("pm25_kurdwanow", "MpKrakBujaka/PM25");
    }

    private GiosTestData() {
    }

    static String csv(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    static byte[] bundledCsv() {
        try (InputStream in = BundledData.openAirQualityCsv()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Non-empty cells per column of a wide CSV, with plain string splitting (the expected values of
     * the parser tests; never computed with the parser).
     */
    static Map<String, Integer> nonEmptyCellsPerColumn(String content) {
        String[] lines = content.split("\n");
        String[] header = lines[0].split(",", -1);
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (int i = 2; i < header.length; i++) {
            counts.put(header[i], 0);
        }
        for (int l = 1; l < lines.length; l++) {
            String[] cells = lines[l].split(",", -1);
            if (cells.length != header.length) {
                continue;
            }
            for (int i = 2; i < header.length; i++) {
                if (!cells[i].isEmpty()) {
                    counts.merge(header[i], 1, Integer::sum);
                }
            }
        }
        return counts;
    }
}
