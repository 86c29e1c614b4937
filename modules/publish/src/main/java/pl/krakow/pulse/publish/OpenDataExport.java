package pl.krakow.pulse.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiPredicate;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.catalog.Places;

/**
 * Open-data files of one goal's indicator table: {@code CSV} (one row per indicator, scope and window,
 * the API's value columns) with a sidecar {@code <file>.meta.json}, or {@code JSON} — an envelope
 * {@code {"metadata": {...}, "values": [...]}}. The metadata names the licence, the units of every
 * indicator in the file, the data sources with their own licence and attribution, the cities and systems
 * whose values it holds ({@code places}: another city's demo data is never unmarked), the time zone, the
 * range and when the file was generated.
 *
 * <p>Files are written to a temporary name and moved into place, so a reader never sees half a file
 * (the periodic export rewrites them while analysts may be downloading). Rows are sorted by
 * indicator, scope and window start, so two exports of the same table are byte-identical apart from
 * {@code generatedAt}.
 */
public final class OpenDataExport {

    public enum Format {
        CSV, JSON;

        public static Format parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("format must be csv or json, not '" + s + "'");
            }
        }
    }

    /** Licence of the indicator values Kraków Pulse computes (project choice; the source data keep their own terms). */
    public static final String LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/): attribute "
            + "\"Kraków Pulse\" and the data sources listed in this file";

    /** Source data per goal: what the indicators are computed from, with licence or attribution as published. */
    static final Map<String, List<Source>> SOURCES = Map.of(
            "IV.3", List.of(new Source("GIOŚ / WIOŚ Kraków State Environmental Monitoring: hourly air-quality measurements",
                    "public information, re-usable with attribution \"GIOŚ / WIOŚ Kraków\"")),
            "IV.4", List.of(new Source("Kraków public transport feeds (ZTP Kraków GTFS, GTFS-Realtime VehiclePositions) as "
                            + "bundled with Kraków Pulse (see the ingest-mobility module): values of place city:krakow",
                            "as published by ZTP Kraków"),
                    new Source("Demo data of other cities, not Kraków's (where no Kraków recording exists): ZTM Poznań "
                            + "GTFS-Realtime TripUpdates (place city:poznan), Oslo Bysykkel GBFS (place system:oslo-bysykkel)",
                            "attribute \"ZTM Poznań\"; Oslo Bysykkel: NLOD 2.0, attribute \"Oslo Bysykkel / UIP Oslo Bysykkel AS\"")),
            "IV.5", List.of(new Source("Road-accident and incident records as bundled with Kraków Pulse (see the ingest-safety "
                    + "module); values marked simulated=true come from simulated incidents", "as published by each source")));

    record Source(String name, String licence) {
    }

    record IndicatorMeta(String id, IndicatorCatalog.Label name, String unit, String direction, String window) {
    }

    /** A city or system whose values the file holds ({@code krakow=false}: another city's data). */
    record PlaceMeta(String place, String name, boolean krakow, int rows) {
    }

    record Metadata(String title, String goal, IndicatorCatalog.Label goalName, String licence, List<Source> sources,
                    String generatedAt, String timeZone, String from, String to, int rows, boolean containsSimulated,
                    List<PlaceMeta> places, List<IndicatorMeta> indicators, List<String> columns, String format) {
    }

    record Envelope(Metadata metadata, List<ApiJson.Value> values) {
    }

    private OpenDataExport() {
    }

    /**
     * Writes one goal's values whose window starts in the local days {@code from..to} (inclusive; null = open).
     *
     * @param simulated whether a value's (indicator, scope) series came from a simulated feed
     * @return the files written (data file first)
     */
    public static List<Path> write(Path directory, String goal, List<IndicatorValue> values, LocalDate from, LocalDate to,
                                   Format format, IndicatorCatalog catalog, ZoneId zone, Instant generatedAt,
                                   BiPredicate<String, String> simulated) throws IOException {
        IndicatorCatalog.Goal g = catalog.goal(goal).orElseThrow(() -> new IllegalArgumentException("unknown goal '" + goal
                + "'; known goals: " + String.join(", ", catalog.goals().stream().map(IndicatorCatalog.Goal::id).toList())));
        Instant start = from == null ? Instant.MIN : from.atStartOfDay(zone).toInstant();
        Instant end = to == null ? Instant.MAX : to.plusDays(1).atStartOfDay(zone).toInstant();
        List<ApiJson.Value> rows = values.stream()
                .filter(v -> g.id().equalsIgnoreCase(v.getGoal()))
                .filter(v -> !v.getWindowStart().isBefore(start) && v.getWindowStart().isBefore(end))
                .sorted(Comparator.comparing(IndicatorValue::getIndicatorId).thenComparing(IndicatorValue::getScope)
                        .thenComparing(IndicatorValue::getWindowStart))
                .map(v -> ApiJson.Value.of(v, zone, simulated.test(v.getIndicatorId(), v.getScope())))
                .toList();
        Map<String, IndicatorMeta> indicators = new LinkedHashMap<>();
        for (ApiJson.Value v : rows) {
            indicators.computeIfAbsent(v.indicatorId(), id -> catalog.indicator(id)
                    .map(i -> new IndicatorMeta(i.id(), i.name(), i.unit(), i.direction(), i.window()))
                    .orElse(new IndicatorMeta(id, null, v.unit(), null, null)));
        }
        String base = "krakow-pulse-" + g.id().toLowerCase(Locale.ROOT).replace(".", "") + "-"
                + (from == null ? "start" : from) + "_" + (to == null ? "latest" : to);
        Metadata meta = new Metadata("Kraków Pulse indicator table " + g.id() + " (" + g.name().en() + ")", g.id(),
                g.name(), LICENCE, SOURCES.getOrDefault(g.id(), List.of()), ApiJson.iso(generatedAt, zone), zone.getId(),
                from == null ? null : from.toString(), to == null ? null : to.toString(), rows.size(),
                rows.stream().anyMatch(ApiJson.Value::simulated), places(rows), new ArrayList<>(indicators.values()),
                CsvFormat.columns(ApiJson.Value.class), format.name().toLowerCase(Locale.ROOT));
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Files.createDirectories(directory);
        if (format == Format.CSV) {
            Path data = directory.resolve(base + ".csv");
            Path sidecar = directory.resolve(base + ".csv.meta.json");
            atomicWrite(data, CsvFormat.write(ApiJson.Value.class, rows));
            atomicWrite(sidecar, json.writeValueAsBytes(meta));
            return List.of(data, sidecar);
        }
        Path data = directory.resolve(base + ".json");
        atomicWrite(data, json.writeValueAsBytes(new Envelope(meta, rows)));
        return List.of(data);
    }

    /** The places of the rows, Kraków first, then by scope; rows whose scope names no place are not listed. */
    private static List<PlaceMeta> places(List<ApiJson.Value> rows) {
        Map<String, PlaceMeta> byPlace = new java.util.TreeMap<>(Comparator.comparing((String p) -> !p.equals(Places.KRAKOW.scope()))
                .thenComparing(Comparator.naturalOrder()));
        for (ApiJson.Value v : rows) {
            if (v.place() != null) {
                byPlace.merge(v.place(), new PlaceMeta(v.place(), v.placeName(), v.place().equals(Places.KRAKOW.scope()), 1),
                        (a, b) -> new PlaceMeta(a.place(), a.name(), a.krakow(), a.rows() + 1));
            }
        }
        return new ArrayList<>(byPlace.values());
    }

    private static void atomicWrite(Path target, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(Objects.requireNonNull(target.getParent()), "." + target.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
