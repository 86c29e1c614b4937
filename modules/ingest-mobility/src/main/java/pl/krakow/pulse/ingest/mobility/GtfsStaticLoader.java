package pl.krakow.pulse.ingest.mobility;

import com.fasterxml.jackson.databind.MappingIterator;
import pl.krakow.pulse.ingest.csv.Csv;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackInputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Loads a static GTFS feed from a folder of {@code .txt} files or a {@code .zip} (files at the root or
 * in one folder inside it): agency, stops, routes, trips, calendar and/or calendar_dates, and —
 * when present — stop_times and shapes (counted, not kept: they are large and no indicator here needs
 * them row by row yet).
 *
 * <p>CSV per the GTFS reference: comma separated, {@code "} quoting, a header row naming the columns
 * in any order; a UTF-8 byte-order mark and CRLF line ends are accepted, blank lines skipped. A
 * missing required file or column is a {@link GtfsFormatException} naming the feed, file and columns
 * (the spec's required columns, plus {@code stop_lat}/{@code stop_lon}, which every use here needs);
 * so is a row whose {@code route_type} or coordinates are not numbers. Stops without coordinates
 * ({@code location_type} 3 generic node, 4 boarding area) are skipped, as the spec allows them.
 * Ids are opaque: no operator's id format is assumed.
 *
 * <p>The service calendar is kept ({@link ServiceCalendar}): calendar.txt day flags {@code 0}/{@code 1} and
 * dates {@code YYYYMMDD}, calendar_dates.txt exception_type {@code 1} (added) or {@code 2} (removed); anything
 * else, and an {@code agency_timezone} that is no IANA zone or differs between agencies (the spec requires one
 * zone per feed), is a {@link GtfsFormatException}. Realtime records resolve a trip only on a service date its
 * service runs on.
 */
public final class GtfsStaticLoader {

    /** GTFS file → the columns the spec (or this project) requires in it. */
    static final Map<String, List<String>> REQUIRED_COLUMNS = Map.of(
            "agency.txt", List.of("agency_name", "agency_url", "agency_timezone"),
            "stops.txt", List.of("stop_id", "stop_lat", "stop_lon"),
            "routes.txt", List.of("route_id", "route_type"),
            "trips.txt", List.of("route_id", "service_id", "trip_id"),
            "calendar.txt", List.of("service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                    "sunday", "start_date", "end_date"),
            "calendar_dates.txt", List.of("service_id", "date", "exception_type"),
            "stop_times.txt", List.of("trip_id", "stop_id", "stop_sequence"),
            "shapes.txt", List.of("shape_id", "shape_pt_lat", "shape_pt_lon", "shape_pt_sequence"));

    private GtfsStaticLoader() {
    }

    /** A folder of GTFS files or a zip of them. */
    public static GtfsFeed load(String feedId, Path folderOrZip) {
        try {
            if (Files.isDirectory(folderOrZip)) {
                Map<String, byte[]> files = new HashMap<>();
                for (String name : REQUIRED_COLUMNS.keySet()) {
                    Path f = folderOrZip.resolve(name);
                    if (Files.isRegularFile(f)) {
                        files.put(name, Files.readAllBytes(f));
                    }
                }
                return load(feedId, files);
            }
            try (InputStream in = Files.newInputStream(folderOrZip)) {
                return loadZip(feedId, in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read GTFS feed " + feedId + " at " + folderOrZip, e);
        }
    }

    /** A zip of GTFS files, e.g. a class-path resource; the stream is read to its end, not closed. */
    public static GtfsFeed loadZip(String feedId, InputStream zip) throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        ZipInputStream z = new ZipInputStream(zip);
        for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
            if (e.isDirectory()) {
                continue;
            }
            String name = e.getName().substring(e.getName().lastIndexOf('/') + 1);
            if (REQUIRED_COLUMNS.containsKey(name)) {
                files.put(name, z.readAllBytes());
            }
        }
        return load(feedId, files);
    }

    /** GTFS files by name ({@code stops.txt} → bytes); absent optional files are simply not in the map. */
    public static GtfsFeed load(String feedId, Map<String, byte[]> files) {
        Objects.requireNonNull(feedId, "feedId");
        for (String required : List.of("agency.txt", "stops.txt", "routes.txt", "trips.txt")) {
            if (!files.containsKey(required)) {
                throw new GtfsFormatException(required, "GTFS feed " + feedId + ": required file " + required + " is missing");
            }
        }
        if (!files.containsKey("calendar.txt") && !files.containsKey("calendar_dates.txt")) {
            throw new GtfsFormatException("calendar.txt", "GTFS feed " + feedId
                    + ": neither calendar.txt nor calendar_dates.txt is present (one of them is required)");
        }
        List<String> zones = new ArrayList<>();
        read(feedId, "agency.txt", files.get("agency.txt"), row -> zones.add(row.require("agency_timezone")));
        int agencies = zones.size();
        ZoneId timeZone = timeZone(feedId, zones);

        Map<String, GtfsFeed.Stop> stops = new LinkedHashMap<>();
        read(feedId, "stops.txt", files.get("stops.txt"), row -> {
            String locationType = row.get("location_type");
            String lat = row.get("stop_lat");
            String lon = row.get("stop_lon");
            if (("3".equals(locationType) || "4".equals(locationType)) && (blank(lat) || blank(lon))) {
                return;
            }
            String id = row.require("stop_id");
            stops.put(id, new GtfsFeed.Stop(id, emptyToNull(row.get("stop_code")), emptyToNull(row.get("stop_name")),
                    row.decimal("stop_lat"), row.decimal("stop_lon")));
        });
        Map<String, GtfsFeed.Route> routes = new LinkedHashMap<>();
        read(feedId, "routes.txt", files.get("routes.txt"), row -> {
            String id = row.require("route_id");
            routes.put(id, new GtfsFeed.Route(id, emptyToNull(row.get("route_short_name")),
                    emptyToNull(row.get("route_long_name")), (int) row.integer("route_type")));
        });
        Map<String, GtfsFeed.Trip> trips = new LinkedHashMap<>();
        read(feedId, "trips.txt", files.get("trips.txt"), row -> {
            String id = row.require("trip_id");
            trips.put(id, new GtfsFeed.Trip(id, row.require("route_id"), row.require("service_id")));
        });
        ServiceCalendar.Builder services = new ServiceCalendar.Builder();
        int[] calendar = {0};
        if (files.containsKey("calendar.txt")) {
            read(feedId, "calendar.txt", files.get("calendar.txt"), row -> {
                Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
                for (DayOfWeek d : DayOfWeek.values()) {
                    if (row.flag(d.name().toLowerCase(Locale.ROOT))) {
                        days.add(d);
                    }
                }
                services.weekly(row.require("service_id"), days, row.date("start_date"), row.date("end_date"));
                calendar[0]++;
            });
        }
        int[] calendarDates = {0};
        if (files.containsKey("calendar_dates.txt")) {
            read(feedId, "calendar_dates.txt", files.get("calendar_dates.txt"), row -> {
                long type = row.integer("exception_type");
                if (type != 1 && type != 2) {
                    throw row.error("exception_type '" + type + "' is neither 1 (added) nor 2 (removed)");
                }
                services.exception(row.require("service_id"), row.date("date"), type == 1);
                calendarDates[0]++;
            });
        }
        long stopTimes = files.containsKey("stop_times.txt") ? count(feedId, "stop_times.txt", files) : -1;
        long shapes = files.containsKey("shapes.txt") ? count(feedId, "shapes.txt", files) : -1;
        return new GtfsFeed(feedId, agencies, stops, routes, trips, calendar[0], calendarDates[0], stopTimes, shapes,
                timeZone, services.build());
    }

    /** The one agency time zone of the feed (GTFS: every agency of a feed has the same agency_timezone). */
    private static ZoneId timeZone(String feedId, List<String> zones) {
        if (zones.isEmpty()) {
            throw new GtfsFormatException("agency.txt", "GTFS feed " + feedId + ": agency.txt has no agency");
        }
        if (zones.stream().distinct().count() > 1) {
            throw new GtfsFormatException("agency.txt", "GTFS feed " + feedId + ": agencies name different time zones "
                    + zones.stream().distinct().toList() + "; a feed has one");
        }
        try {
            return ZoneId.of(zones.get(0));
        } catch (DateTimeException e) {
            throw new GtfsFormatException("agency.txt", "GTFS feed " + feedId + ": agency_timezone '" + zones.get(0)
                    + "' is not an IANA time zone");
        }
    }

    private static long count(String feedId, String file, Map<String, byte[]> files) {
        long[] n = {0};
        read(feedId, file, files.get(file), row -> n[0]++);
        return n[0];
    }

    /** One data row with its header; field access by column name. */
    static final class Row {
        private final String feedId;
        private final String file;
        private final Map<String, Integer> columns;
        private final String[] fields;
        private final long line;

        Row(String feedId, String file, Map<String, Integer> columns, String[] fields, long line) {
            this.feedId = feedId;
            this.file = file;
            this.columns = columns;
            this.fields = fields;
            this.line = line;
        }

        String get(String column) {
            Integer i = columns.get(column);
            return i == null || i >= fields.length ? null : fields[i].trim();
        }

        String require(String column) {
            String v = get(column);
            if (blank(v)) {
                throw error("empty " + column);
            }
            return v;
        }

        double decimal(String column) {
            String v = require(column);
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw error(column + " '" + v + "' is not a number");
            }
        }

        long integer(String column) {
            String v = require(column);
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw error(column + " '" + v + "' is not an integer");
            }
        }

        /** A calendar.txt day flag: 0 or 1. */
        boolean flag(String column) {
            String v = require(column);
            if (!v.equals("0") && !v.equals("1")) {
                throw error(column + " '" + v + "' is neither 0 nor 1");
            }
            return v.equals("1");
        }

        /** A GTFS date, YYYYMMDD. */
        LocalDate date(String column) {
            String v = require(column);
            try {
                return LocalDate.parse(v, DateTimeFormatter.BASIC_ISO_DATE);
            } catch (DateTimeParseException e) {
                throw error(column + " '" + v + "' is not a date YYYYMMDD");
            }
        }

        GtfsFormatException error(String what) {
            return new GtfsFormatException(file, "GTFS feed " + feedId + ": " + file + " line " + line + ": " + what);
        }
    }

    private interface RowHandler {
        void row(Row row);
    }

    private static void read(String feedId, String file, byte[] bytes, RowHandler handler) {
        try (Reader reader = new InputStreamReader(withoutBom(bytes), StandardCharsets.UTF_8);
             MappingIterator<String[]> it = Csv.rows(reader)) {
            if (!it.hasNext()) {
                throw new GtfsFormatException(file, "GTFS feed " + feedId + ": " + file + " is empty (no header row)");
            }
            String[] header = it.next();
            Map<String, Integer> columns = new HashMap<>();
            for (int i = 0; i < header.length; i++) {
                columns.put(header[i].trim().toLowerCase(Locale.ROOT), i);
            }
            List<String> missing = new ArrayList<>();
            for (String c : REQUIRED_COLUMNS.get(file)) {
                if (!columns.containsKey(c)) {
                    missing.add(c);
                }
            }
            if (!missing.isEmpty()) {
                throw new GtfsFormatException(file, "GTFS feed " + feedId + ": " + file + " lacks required column(s) "
                        + missing + " (header: " + String.join(",", header) + ")");
            }
            long line = 1;
            while (it.hasNext()) {
                line++;
                handler.row(new Row(feedId, file, columns, it.next(), line));
            }
        } catch (IOException e) {
            throw new GtfsFormatException(file, "GTFS feed " + feedId + ": " + file + " is not readable CSV: " + e.getMessage());
        } catch (RuntimeException e) {
            if (e instanceof GtfsFormatException) {
                throw e;
            }
            throw new GtfsFormatException(file, "GTFS feed " + feedId + ": " + file + " is not readable CSV: " + e.getMessage());
        }
    }

    /** Jackson reads the BOM as part of the first column name; GTFS exports from Windows tools often carry one. */
    private static InputStream withoutBom(byte[] bytes) throws IOException {
        PushbackInputStream in = new PushbackInputStream(new ByteArrayInputStream(bytes), 3);
        byte[] head = new byte[3];
        int n = in.readNBytes(head, 0, 3);
        if (!(n == 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF) && n > 0) {
            in.unread(head, 0, n);
        }
        return in;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String emptyToNull(String s) {
        return blank(s) ? null : s;
    }
}
