package pl.krakow.pulse.ingest.environment.gios;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import pl.krakow.pulse.ingest.environment.BundledData;

/**
 * Test responses "reconstructed in the documented pjp-api shapes from the bundled GIOŚ 2017 values; not recorded
 * API responses" (none are bundled): v1 JSON-LD and legacy JSON built from the real values of the bundled GIOŚ/WIOŚ
 * 2017 Q1 CSV. The label travels with the data: every v1 body carries it in a {@value #PROVENANCE_KEY} field (which
 * also exercises the reader's tolerance of unknown keys) and {@link FakeGiosServer} sends it as the
 * {@value #PROVENANCE_HEADER} header with every answer, legacy arrays included.
 * Station ids are the bundled station list's {@code Nr}, sensor ids {@code Nr×100+1} (PM10) / {@code +2}
 * (PM2.5) / {@code +9} (NO, a parameter without a schema pollutant); one station outside Kraków
 * (Działoszyn, the legacy documentation's example) is added so discovery has something to leave out.
 * An empty CSV cell is served as {@code null} (GIOŚ's "not yet validated").
 */
public final class GiosApiFixture {

    public static final String PROVENANCE = "reconstructed in the documented pjp-api shapes from the bundled GIOŚ 2017 values; "
            + "not recorded API responses";
    public static final String PROVENANCE_KEY = "Uwaga (dane testowe)";
    public static final String PROVENANCE_HEADER = "X-Test-Data-Provenance";
    public static final ZoneId WARSAW = ZoneId.of("Europe/Warsaw");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** CSV column → station code / pollutant, typed from the data's PROVENANCE.md. */
    static final Map<String, String> COLUMNS = Map.of(
            "pm10_wadow", "MpKrakWadow/PM10", "pm10_piastow", "MpKrakOsPias/PM10", "pm10_krasinskiego", "MpKrakAlKras/PM10",
            "pm10_swoszowice", "MpKrakSwoszo/PM10", "pm10_zloty_rog", "MpKrakZloRog/PM10", "pm10_kurdwanow", "MpKrakBujaka/PM10",
            "pm10_dietla", "MpKrakDietla/PM10", "pm25_krasinskiego", "MpKrakAlKras/PM25", "pm25_kurdwanow", "MpKrakBujaka/PM25");

    final List<BundledData.Station> stations = BundledData.stations();
    /** series ("code/PM10") → epoch second of the hour end → value (null = empty cell), over the window. */
    public final Map<String, TreeMap<Long, Double>> series = new LinkedHashMap<>();
    /** Values changed after the fact (corrections, absurd values) keyed "series@epoch". */
    public final Map<String, Object> overrides = new HashMap<>();

    /** The window {@code [fromEpoch, toEpoch)} of hour ends from the bundled CSV, read with plain splitting. */
    public GiosApiFixture(long fromEpoch, long toEpoch) {
        String[] lines;
        try (InputStream in = BundledData.openAirQualityCsv()) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\r?\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String[] header = lines[0].split(",", -1);
        for (int i = 2; i < header.length; i++) {
            series.put(COLUMNS.get(header[i]), new TreeMap<>());
        }
        for (int l = 1; l < lines.length; l++) {
            String[] cells = lines[l].split(",", -1);
            long epoch = Long.parseLong(cells[1]);
            if (epoch < fromEpoch || epoch >= toEpoch) {
                continue;
            }
            for (int i = 2; i < header.length; i++) {
                series.get(COLUMNS.get(header[i])).put(epoch, cells[i].isEmpty() ? null : Double.parseDouble(cells[i]));
            }
        }
        // A series with no value at all in the window is a station that served nothing (Swoszowice): no sensor.
        series.values().removeIf(m -> m.values().stream().allMatch(java.util.Objects::isNull));
    }

    public static String date(long epoch) {
        return LocalDateTime.ofInstant(Instant.ofEpochSecond(epoch), WARSAW).format(DATE);
    }

    private BundledData.Station station(String code) {
        return stations.stream().filter(s -> s.code().equals(code)).findFirst().orElseThrow();
    }

    public String sensorId(String seriesKey) {
        String[] p = seriesKey.split("/");
        return String.valueOf(station(p[0]).number() * 100 + (p[1].equals("PM10") ? 1 : 2));
    }

    /** The body for a path relative to {@code .../rest/}, or null (404). */
    byte[] body(GiosApiFormat format, String path, int page, int size) {
        Object json;
        if (path.equals("station/findAll")) {
            json = stations(format, page, size);
        } else if (path.startsWith("station/sensors/")) {
            json = sensors(format, Integer.parseInt(path.substring("station/sensors/".length())), page, size);
        } else if (path.startsWith("data/getData/")) {
            json = data(format, path.substring("data/getData/".length()), page, size);
        } else {
            return null;
        }
        if (json == null) {
            return null;
        }
        try {
            return MAPPER.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Object stations(GiosApiFormat format, int page, int size) {
        List<ObjectNode> items = new ArrayList<>();
        for (BundledData.Station s : stations) {
            items.add(station(format, s.number(), s.code(), s.name(), "Kraków", s.latitude(), s.longitude()));
        }
        items.add(station(format, 14, "DsDzialoszyn", "Działoszyn", "Działoszyn", 50.972167, 14.941319));
        return format == GiosApiFormat.V1 ? v1Page(GiosApiJson.V1_STATIONS, items, page, size, "station/findAll") : array(items);
    }

    private ObjectNode station(GiosApiFormat format, int id, String code, String name, String city, double lat, double lon) {
        ObjectNode n = MAPPER.createObjectNode();
        if (format == GiosApiFormat.V1) {
            n.put("Identyfikator stacji", id).put("Kod stacji", code).put("Nazwa stacji", name)
                    .put("WGS84 φ N", String.valueOf(lat)).put("WGS84 λ E", String.valueOf(lon))
                    .put("Identyfikator miasta", 1).put("Nazwa miasta", city).put("Gmina", city)
                    .put("Powiat", city).put("Województwo", "MAŁOPOLSKIE").put("Ulica", (String) null);
        } else {
            n.put("id", id).put("stationName", name).put("gegrLat", String.valueOf(lat)).put("gegrLon", String.valueOf(lon));
            n.putObject("city").put("id", 1).put("name", city).putObject("commune").put("communeName", city)
                    .put("districtName", city).put("provinceName", "MAŁOPOLSKIE");
            n.putNull("addressStreet");
        }
        return n;
    }

    private Object sensors(GiosApiFormat format, int stationId, int page, int size) {
        BundledData.Station st = stations.stream().filter(s -> s.number() == stationId).findFirst().orElse(null);
        if (st == null) {
            return null;
        }
        List<ObjectNode> items = new ArrayList<>();
        for (String key : series.keySet()) {
            if (key.startsWith(st.code() + "/")) {
                boolean pm10 = key.endsWith("PM10");
                items.add(sensor(format, Integer.parseInt(sensorId(key)), stationId, pm10 ? "pył zawieszony PM10" : "pył zawieszony PM2.5",
                        pm10 ? "PM10" : "PM2.5", pm10 ? 3 : 69));
            }
        }
        if (st.code().equals("MpKrakAlKras")) {
            items.add(sensor(format, stationId * 100 + 9, stationId, "tlenek azotu", "NO", 16));
        }
        return format == GiosApiFormat.V1 ? v1Page(GiosApiJson.V1_SENSORS, items, page, size, "station/sensors/" + stationId)
                : array(items);
    }

    private ObjectNode sensor(GiosApiFormat format, int id, int stationId, String name, String code, int paramId) {
        ObjectNode n = MAPPER.createObjectNode();
        if (format == GiosApiFormat.V1) {
            n.put("Identyfikator stanowiska", id).put("Identyfikator stacji", stationId).put("Wskaźnik", name)
                    .put("Wskaźnik - wzór", code).put("Wskaźnik - kod", code).put("Id wskaźnika", paramId);
        } else {
            n.put("id", id).put("stationId", stationId);
            n.putObject("param").put("paramName", name).put("paramFormula", code).put("paramCode", code).put("idParam", paramId);
        }
        return n;
    }

    private Object data(GiosApiFormat format, String sensorId, int page, int size) {
        String key = series.keySet().stream().filter(k -> sensorId(k).equals(sensorId)).findFirst().orElse(null);
        if (key == null) {
            return null;
        }
        List<ObjectNode> items = new ArrayList<>();
        for (Map.Entry<Long, Double> e : series.get(key).descendingMap().entrySet()) { // newest first, as GIOŚ serves
            Object v = overrides.getOrDefault(key + "@" + e.getKey(), e.getValue());
            ObjectNode n = MAPPER.createObjectNode();
            if (format == GiosApiFormat.V1) {
                n.put("Kod stanowiska", key.replace('/', '-') + "-1g").put("Data", date(e.getKey()));
                putValue(n, "Wartość", v);
            } else {
                n.put("date", date(e.getKey()));
                putValue(n, "value", v);
            }
            items.add(n);
        }
        if (format == GiosApiFormat.V1) {
            return v1Page(GiosApiJson.V1_DATA, items, page, size, "data/getData/" + sensorId);
        }
        ObjectNode root = MAPPER.createObjectNode().put("key", key.endsWith("PM10") ? "PM10" : "PM2.5");
        root.set("values", array(items));
        return root;
    }

    private static void putValue(ObjectNode n, String field, Object v) {
        if (v == null) {
            n.putNull(field);
        } else if (v instanceof Double d) {
            n.put(field, d);
        } else {
            n.put(field, v.toString());
        }
    }

    private static ArrayNode array(List<ObjectNode> items) {
        ArrayNode a = MAPPER.createArrayNode();
        items.forEach(a::add);
        return a;
    }

    private static ObjectNode v1Page(String key, List<ObjectNode> items, int page, int size, String path) {
        int pages = Math.max(1, (items.size() + size - 1) / size);
        ObjectNode root = MAPPER.createObjectNode();
        root.put(PROVENANCE_KEY, PROVENANCE);
        root.putObject("links").put("first", "/" + path + "?page=0&size=" + size)
                .put("next", page + 1 < pages ? "/" + path + "?page=" + (page + 1) + "&size=" + size : null)
                .put("last", "/" + path + "?page=" + (pages - 1) + "&size=" + size);
        root.put("totalPages", pages);
        ArrayNode list = root.putArray(key);
        items.subList(Math.min(items.size(), page * size), Math.min(items.size(), (page + 1) * size)).forEach(list::add);
        return root;
    }
}
