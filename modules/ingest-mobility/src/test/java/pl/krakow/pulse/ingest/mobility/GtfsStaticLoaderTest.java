package pl.krakow.pulse.ingest.mobility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.events.mobility.TransportMode;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReasonCode;
import pl.krakow.pulse.runtime.geo.KrakowDistricts;

class GtfsStaticLoaderTest {

    @TempDir
    Path dir;

    /** The files of a bundled feed zip, read with plain java.util.zip. */
    private static Map<String, byte[]> unzip(String feedLetter) throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        try (InputStream in = MobilityBundledData.open(MobilityBundledData.GTFS_DIR + "GTFS_KRK_" + feedLetter + ".zip");
             ZipInputStream z = new ZipInputStream(in)) {
            for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
                files.put(e.getName(), z.readAllBytes());
            }
        }
        return files;
    }

    /** Data rows = non-empty lines minus the header (no field of these files spans lines). */
    private static long rows(byte[] file) {
        return new String(file, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).count() - 1;
    }

    @Test
    void krakowStaticFeedsLoadCompletely() throws IOException {
        for (String letter : new String[]{"T", "A", "M"}) {
            Map<String, byte[]> files = unzip(letter);
            GtfsFeed feed = MobilityBundledData.krakowStaticFeed("krakow-" + letter);
            assertThat(feed.stops()).as(letter + " stops").hasSize((int) rows(files.get("stops.txt")));
            assertThat(feed.routes()).as(letter + " routes").hasSize((int) rows(files.get("routes.txt")));
            assertThat(feed.trips()).as(letter + " trips").hasSize((int) rows(files.get("trips.txt")));
            assertThat((long) feed.calendarDateRows()).isEqualTo(rows(files.get("calendar_dates.txt")));
            assertThat(feed.stopTimeRows()).as("Kraków's copy has no stop_times.txt").isEqualTo(-1);
        }
        // the counts PROVENANCE.md states, as a cross-check of the plain count above
        assertThat(MobilityBundledData.krakowStaticFeed("krakow-T").trips()).hasSize(12_666);
    }

    /**
     * Every service of every bundled feed runs on exactly the dates a plain reading of its calendar.txt (day flags
     * between start_date and end_date) and calendar_dates.txt (1 adds, 2 removes) gives, checked day by day from
     * 2024-01-01 to 2027-12-31; and the feeds' service days lie where PROVENANCE.md says, in June 2026 and after.
     */
    @Test
    void serviceCalendarsEqualAPlainReadingOfCalendarAndCalendarDates() throws IOException {
        for (String letter : new String[]{"T", "A", "M"}) {
            Map<String, byte[]> files = unzip(letter);
            Map<String, java.util.Set<LocalDate>> plain = new HashMap<>();
            List<String[]> calendar = csvRows(files.get("calendar.txt"));
            for (String[] r : calendar.subList(1, calendar.size())) {
                LocalDate start = LocalDate.parse(r[8], DateTimeFormatter.BASIC_ISO_DATE);
                LocalDate end = LocalDate.parse(r[9], DateTimeFormatter.BASIC_ISO_DATE);
                java.util.Set<LocalDate> dates = plain.computeIfAbsent(r[0], k -> new java.util.HashSet<>());
                for (LocalDate d = start; !d.isAfter(end); d = d.plusDays(1)) {
                    if (r[d.getDayOfWeek().getValue()].equals("1")) { // columns 1..7 = monday..sunday
                        dates.add(d);
                    }
                }
            }
            List<String[]> exceptions = csvRows(files.get("calendar_dates.txt"));
            for (String[] r : exceptions.subList(1, exceptions.size())) {
                java.util.Set<LocalDate> dates = plain.computeIfAbsent(r[0], k -> new java.util.HashSet<>());
                LocalDate d = LocalDate.parse(r[1], DateTimeFormatter.BASIC_ISO_DATE);
                if (r[2].equals("1")) {
                    dates.add(d);
                } else {
                    dates.remove(d);
                }
            }
            GtfsFeed feed = MobilityBundledData.krakowStaticFeed("krakow-" + letter);
            assertThat(feed.timeZone()).isEqualTo(ZoneId.of("Europe/Warsaw"));
            assertThat((long) feed.calendarRows()).isEqualTo(rows(files.get("calendar.txt")));
            long serviceDays = 0;
            for (String service : plain.keySet()) {
                for (LocalDate d = LocalDate.of(2024, 1, 1); d.isBefore(LocalDate.of(2028, 1, 1)); d = d.plusDays(1)) {
                    assertThat(feed.calendar().runsOn(service, d)).as(letter + " " + service + " " + d)
                            .isEqualTo(plain.get(service).contains(d));
                    serviceDays += plain.get(service).contains(d) ? 1 : 0;
                }
            }
            assertThat(serviceDays).as(letter + ": service days named by calendar_dates").isEqualTo(rows(files.get("calendar_dates.txt")));
            assertThat(plain.values().stream().flatMap(java.util.Set::stream).min(LocalDate::compareTo).orElseThrow())
                    .as(letter + " first service day").isAfterOrEqualTo(LocalDate.of(2026, 6, 27));
        }
    }

    /** CSV rows of a GTFS file whose fields hold no comma inside quotes (true of calendar and calendar_dates). */
    private static List<String[]> csvRows(byte[] file) {
        return new String(file, StandardCharsets.UTF_8).replace("\uFEFF", "").lines().filter(l -> !l.isBlank())
                .map(l -> l.strip().replace("\"", "").split(",", -1)).toList();
    }

    @Test
    void malformedCalendarsAndTimeZonesAreRejectedNamingFileAndLine() throws IOException {
        Map<String, byte[]> files = unzip("T");
        Map<String, byte[]> badType = new HashMap<>(files);
        badType.put("calendar_dates.txt", "service_id,date,exception_type\r\nservice_1,20260629,3\r\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> GtfsStaticLoader.load("broken", badType)).isInstanceOf(GtfsFormatException.class)
                .hasMessageContaining("calendar_dates.txt line 2").hasMessageContaining("exception_type '3'");
        Map<String, byte[]> badDate = new HashMap<>(files);
        badDate.put("calendar_dates.txt", "service_id,date,exception_type\r\nservice_1,2026-06-29,1\r\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> GtfsStaticLoader.load("broken", badDate)).isInstanceOf(GtfsFormatException.class)
                .hasMessageContaining("date '2026-06-29' is not a date YYYYMMDD");
        Map<String, byte[]> badFlag = new HashMap<>(files);
        badFlag.put("calendar.txt", ("service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\r\n"
                + "service_1,1,1,1,1,yes,0,0,20260627,20260925\r\n").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> GtfsStaticLoader.load("broken", badFlag)).isInstanceOf(GtfsFormatException.class)
                .hasMessageContaining("friday 'yes' is neither 0 nor 1");
        Map<String, byte[]> badZone = new HashMap<>(files);
        badZone.put("agency.txt", "agency_id,agency_name,agency_url,agency_timezone\r\na,ZTP,http://ztp.krakow.pl/,Europe/Krakow\r\n"
                .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> GtfsStaticLoader.load("broken", badZone)).isInstanceOf(GtfsFormatException.class)
                .hasMessageContaining("agency_timezone 'Europe/Krakow' is not an IANA time zone");
    }

    @Test
    void utf8BomAndCrlfAreHandled() {
        // The M feed's files start with a BOM and every feed uses CRLF: ids must come out clean.
        GtfsFeed m = MobilityBundledData.krakowStaticFeed("krakow-M");
        assertThat(m.routes()).containsKey("100");
        assertThat(m.routes().keySet()).noneMatch(id -> id.startsWith("\uFEFF") || id.endsWith("\r"));
        assertThat(m.trips().values()).noneMatch(t -> t.serviceId().endsWith("\r"));
        assertThat(TransportModes.of(m.routes().get("100").routeType())).isEqualTo(TransportMode.BUS);
    }

    @Test
    void aFolderAndAZipOfTheSameFilesLoadTheSame() throws IOException {
        Map<String, byte[]> files = unzip("T");
        for (var e : files.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
        GtfsFeed fromFolder = GtfsStaticLoader.load("krakow-T", dir);
        GtfsFeed fromZip = MobilityBundledData.krakowStaticFeed("krakow-T");
        assertThat(fromFolder.trips()).isEqualTo(fromZip.trips());
        assertThat(fromFolder.stops()).isEqualTo(fromZip.stops());
    }

    @Test
    void gtfsFileWithMissingRequiredColumnsIsRejected() throws IOException {
        Map<String, byte[]> files = unzip("T");
        files.put("trips.txt", "trip_id,route_id,trip_headsign\r\nt1,route_31,Salwator\r\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> GtfsStaticLoader.load("broken", files))
                .isInstanceOf(GtfsFormatException.class)
                .hasMessageContaining("trips.txt").hasMessageContaining("service_id");
        GtfsFormatException e = catchFormat(() -> GtfsStaticLoader.load("broken", files));
        ParseOutcome.Rejected r = new GtfsReference(KrakowDistricts.bundled(), MobilityTestSupport.CLOCK).rejection("broken", e);
        assertThat(r.reason()).isEqualTo(ReasonCode.MALFORMED);
        assertThat(r.sourceId()).isEqualTo("broken/trips.txt");
        assertThat(r.message()).contains("service_id");
    }

    @Test
    void missingRequiredFileIsRejected() throws IOException {
        Map<String, byte[]> files = unzip("T");
        files.remove("stops.txt");
        assertThatThrownBy(() -> GtfsStaticLoader.load("broken", files)).isInstanceOf(GtfsFormatException.class)
                .hasMessageContaining("stops.txt");
    }

    @Test
    void stopsGetTheirDistrictAndRoutesTheirMode() {
        GtfsFeed t = MobilityBundledData.krakowStaticFeed("krakow-T");
        var outcomes = new GtfsReference(KrakowDistricts.bundled(), MobilityTestSupport.CLOCK).outcomes(t);
        assertThat(outcomes).hasSize(t.stops().size() + t.routes().size());
        var stops = outcomes.stream().map(o -> ((ParseOutcome.Accepted<?>) o).value())
                .filter(pl.krakow.pulse.events.reference.TransitStop.class::isInstance)
                .map(pl.krakow.pulse.events.reference.TransitStop.class::cast).toList();
        // districts checked against an independent ray-casting point-in-polygon over the same GeoJSON
        pl.krakow.pulse.runtime.geo.RayCastingDistricts rays = new pl.krakow.pulse.runtime.geo.RayCastingDistricts();
        for (var s : stops) {
            var hits = rays.districtsContaining(s.getLocation().getLatitude(), s.getLocation().getLongitude());
            String expected = hits.size() == 1 ? pl.krakow.pulse.runtime.geo.District.roman(hits.get(0)) : null;
            if (hits.size() <= 1) {
                assertThat(s.getDistrict()).as(s.getStopId()).isEqualTo(expected);
            }
        }
        assertThat(stops).filteredOn(s -> s.getDistrict() != null).hasSizeGreaterThan(stops.size() * 9 / 10);
        var route31 = outcomes.stream().map(o -> ((ParseOutcome.Accepted<?>) o).value())
                .filter(pl.krakow.pulse.events.reference.TransitRoute.class::isInstance)
                .map(pl.krakow.pulse.events.reference.TransitRoute.class::cast)
                .filter(r -> r.getRouteId().equals("route_31")).findFirst().orElseThrow();
        assertThat(route31.getShortName()).isEqualTo("1");
        assertThat(route31.getMode()).isEqualTo("TRAM"); // route_type 900 (extended: tram service)
    }

    private static GtfsFormatException catchFormat(Runnable r) {
        try {
            r.run();
        } catch (GtfsFormatException e) {
            return e;
        }
        throw new AssertionError("no GtfsFormatException");
    }
}
