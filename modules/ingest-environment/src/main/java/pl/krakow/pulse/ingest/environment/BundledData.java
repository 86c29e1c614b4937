package pl.krakow.pulse.ingest.environment;

import pl.krakow.pulse.runtime.geo.District;
import pl.krakow.pulse.runtime.geo.KrakowDistricts;
import com.fasterxml.jackson.databind.MappingIterator;
import pl.krakow.pulse.ingest.csv.Csv;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import pl.krakow.pulse.ingest.ReplayInput;

/**
 * The real Kraków data shipped inside this module's jar (class-path resources under {@code data/},
 * each folder with its {@code PROVENANCE.md}): hourly PM10/PM2.5 of 2017-Q1 in the
 * {@code gios-wide-csv} format and GIOŚ's list of Kraków stations ({@code air-quality-krakow/}),
 * IMGW synop hours of Kraków-Balice, January 2019, in the {@code imgw-synop-csv} format
 * ({@code weather-imgw-krakow/}), and the 18 district boundaries ({@code districts-krakow/}, read by
 * {@link KrakowDistricts}). Works the same from a jar and from {@code target/classes}.
 */
public final class BundledData {

    public static final String DIRECTORY = "data/air-quality-krakow/";
    /** 2,160 hourly rows, 2017-01-01 .. 2017-03-31 UTC, 8 PM series (Swoszowice empty), rows not in time order. */
    public static final String AIR_QUALITY_CSV = DIRECTORY + "krakow_pm_hourly_2017Q1.csv";
    /** GIOŚ station metadata for Kraków: {@code Nr,Kod stacji,Nazwa stacji,Adres,WGS84 φ N,WGS84 λ E}. */
    public static final String STATIONS_CSV = DIRECTORY + "gios_krakow_stations.csv";
    public static final String PROVENANCE = DIRECTORY + "PROVENANCE.md";
    /** IMGW synop, station 350190566 KRAKÓW-BALICE, 744 hourly rows 2019-01-01 00 .. 2019-01-31 23 UTC. */
    public static final String WEATHER_CSV = "data/weather-imgw-krakow/s_t_01_2019_krakow_balice.csv";
    public static final String WEATHER_PROVENANCE = "data/weather-imgw-krakow/PROVENANCE.md";
    /** Kraków's 18 districts, GeoJSON FeatureCollection of MultiPolygons, WGS84 lon/lat. */
    public static final String DISTRICTS_GEOJSON = KrakowDistricts.RESOURCE;
    public static final String DISTRICTS_PROVENANCE = "data/districts-krakow/PROVENANCE.md";

    /** A GIOŚ monitoring station from {@link #STATIONS_CSV}; WGS84 degrees. */
    public record Station(int number, String code, String name, String address, double latitude, double longitude) {
    }

    private static volatile List<Station> stations;

    private BundledData() {
    }

    /** The bundled air-quality CSV as a replay input (for {@code FileReplayer} with format {@code gios-wide-csv}). */
    public static ReplayInput airQualityCsv() {
        return ReplayInput.ofResource(BundledData.class.getClassLoader(), AIR_QUALITY_CSV);
    }

    /** The bundled IMGW synop file as a replay input (for {@code FileReplayer} with format {@code imgw-synop-csv}). */
    public static ReplayInput weatherCsv() {
        return ReplayInput.ofResource(BundledData.class.getClassLoader(), WEATHER_CSV);
    }

    /** Opens a bundled resource, e.g. {@link #WEATHER_CSV} or {@link #DISTRICTS_GEOJSON}; the caller closes the stream. */
    public static InputStream openResource(String resource) throws IOException {
        return open(resource);
    }

    /** Opens the bundled air-quality CSV; the caller closes the stream. */
    public static InputStream openAirQualityCsv() throws IOException {
        return open(AIR_QUALITY_CSV);
    }

    /**
     * Copies the bundled air-quality CSV into {@code directory} (created if needed), replacing an
     * earlier copy, and returns the file — for tools that want a real file.
     */
    public static Path extractAirQualityCsv(Path directory) throws IOException {
        Files.createDirectories(directory);
        Path target = directory.resolve(AIR_QUALITY_CSV.substring(AIR_QUALITY_CSV.lastIndexOf('/') + 1));
        try (InputStream in = openAirQualityCsv()) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    /** The stations of {@link #STATIONS_CSV}, in file order. */
    public static List<Station> stations() {
        List<Station> s = stations;
        if (s == null) {
            s = readStations();
            stations = s;
        }
        return s;
    }

    /** The station codes (column {@code Kod stacji}): the known stations of the {@code gios-wide-csv} feed. */
    public static Set<String> stationCodes() {
        Set<String> codes = new LinkedHashSet<>();
        stations().forEach(st -> codes.add(st.code()));
        return Set.copyOf(codes);
    }

    /** The provenance note of the bundled air-quality data. */
    public static String provenance() {
        return provenance(PROVENANCE);
    }

    /** A provenance note, e.g. {@link #WEATHER_PROVENANCE}, as text. */
    public static String provenance(String resource) {
        try (InputStream in = open(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Station> readStations() {
        List<Station> out = new ArrayList<>();
        try (Reader reader = new InputStreamReader(open(STATIONS_CSV), StandardCharsets.UTF_8);
             MappingIterator<Map<String, String>> rows = Csv.rowsByHeader(reader)) {
            while (rows.hasNext()) {
                Map<String, String> row = rows.next();
                out.add(new Station(Integer.parseInt(row.get("Nr").trim()), row.get("Kod stacji").trim(),
                        row.get("Nazwa stacji").trim(), row.get("Adres").trim(),
                        Double.parseDouble(row.get("WGS84 φ N").trim()), Double.parseDouble(row.get("WGS84 λ E").trim())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + STATIONS_CSV, e);
        }
        return List.copyOf(out);
    }

    private static InputStream open(String resource) throws IOException {
        InputStream in = BundledData.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new FileNotFoundException("class-path resource not found: " + resource);
        }
        return in;
    }
}
