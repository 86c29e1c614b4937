package pl.krakow.pulse.ingest.mobility;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import pl.krakow.pulse.events.mobility.TransportMode;
import pl.krakow.pulse.ingest.ReplayInput;

/**
 * The real mobility data shipped in this module's jar (class-path resources under {@code data/}, each
 * folder with its PROVENANCE.md): Kraków's three static GTFS feeds (ZTP, June 2026; trams {@code T},
 * MPK buses {@code A}, agglomeration buses {@code M}; one zip each), Kraków GTFS-Realtime VehiclePositions
 * snapshots (Aug 2024), one Poznań TripUpdates snapshot (Jan 2026) and Oslo GBFS station_status snapshots
 * (Nov 2024) with the station list.
 *
 * <p>How the Kraków realtime files are bound to static feeds is data about these recordings, not an
 * assumption about ids: {@code VehiclePositions_T_*} is the tram feed, {@code VehiclePositions_A_*} and
 * the earlier unsuffixed files are the bus feed (PROVENANCE). The 2024 snapshots predate the 2026 static
 * feed, so most of their trip ids are unknown to it (counted, see the module README).
 */
public final class MobilityBundledData {

    public static final String GTFS_DIR = "data/gtfs-krakow/";
    public static final String RT_KRAKOW_DIR = "data/gtfs-rt-krakow/";
    public static final String RT_POZNAN_DIR = "data/gtfs-rt-poznan-tripupdates/";
    public static final String GBFS_OSLO_DIR = "data/bikeshare-gbfs-oslo/";

    /** Static feed ids → bundled zip. */
    public static final List<String> STATIC_FEED_IDS = List.of("krakow-T", "krakow-A", "krakow-M");

    public static final String POZNAN_TRIP_UPDATES = "TripUpdates_20260128T1503Z.pb";
    /**
     * Feed and system ids start with their city's id ({@code krakow-T}, {@code poznan-ztm}, {@code oslo-bysykkel}):
     * the indicators name every value's city or system from them ({@code Places} in platform).
     */
    public static final String POZNAN_FEED = "poznan-ztm";
    public static final String OSLO_SYSTEM = "oslo-bysykkel";

    private static final List<String> KRAKOW_RT_FILES = List.of(
            "VehiclePositions_20240806T203021Z.pb", "VehiclePositions_20240808T124252Z.pb",
            "VehiclePositions_20240811T075509Z.pb", "VehiclePositions_20240812T123631Z.pb",
            "VehiclePositions_20240817T182203Z.pb", "VehiclePositions_20240818T141547Z.pb",
            "VehiclePositions_20240818T164441Z.pb", "VehiclePositions_20240818T171145Z.pb",
            "VehiclePositions_20240819T120137Z.pb", "VehiclePositions_A_20240820T105628Z.pb",
            "VehiclePositions_A_20240820T112302Z.pb", "VehiclePositions_A_20240820T142829Z.pb",
            "VehiclePositions_A_20240820T170021Z.pb", "VehiclePositions_T_20240820T105636Z.pb",
            "VehiclePositions_T_20240820T112313Z.pb", "VehiclePositions_T_20240820T142843Z.pb",
            "VehiclePositions_T_20240820T170035Z.pb");

    private static final List<String> OSLO_STATUS_FILES = List.of(
            "station_status_20241120T060315Z.json", "station_status_20241120T062900Z.json",
            "station_status_20241120T064515Z.json", "station_status_20241120T070245Z.json",
            "station_status_20241120T072500Z.json", "station_status_20241120T074145Z.json",
            "station_status_20241120T080300Z.json", "station_status_20241120T082845Z.json",
            "station_status_20241120T084500Z.json", "station_status_20241120T090230Z.json",
            "station_status_20241120T092645Z.json", "station_status_20241120T094245Z.json",
            "station_status_20241120T100245Z.json", "station_status_20241120T102730Z.json",
            "station_status_20241120T104400Z.json", "station_status_20241120T110230Z.json",
            "station_status_20241120T112345Z.json", "station_status_20241120T114145Z.json");

    private MobilityBundledData() {
    }

    /** The three Kraków static feeds, loaded (about a second: ~70 000 trips). */
    public static List<GtfsFeed> krakowStaticFeeds() {
        List<GtfsFeed> feeds = new ArrayList<>();
        for (String id : STATIC_FEED_IDS) {
            feeds.add(krakowStaticFeed(id));
        }
        return feeds;
    }

    public static GtfsFeed krakowStaticFeed(String feedId) {
        String resource = GTFS_DIR + "GTFS_KRK_" + feedId.substring(feedId.indexOf('-') + 1) + ".zip";
        try (InputStream in = open(resource)) {
            return GtfsStaticLoader.loadZip(feedId, in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    /** The Kraków VehiclePositions snapshots, per feed in time order (bus feed first, then trams). */
    public static List<ReplayInput> krakowVehiclePositions() {
        return KRAKOW_RT_FILES.stream().map(f -> resource(RT_KRAKOW_DIR + f)).toList();
    }

    public static List<String> krakowVehiclePositionFiles() {
        return KRAKOW_RT_FILES;
    }

    /** Which realtime feed a bundled Kraków snapshot belongs to, by its file name (see the class comment). */
    public static Function<String, RealtimeFeed> krakowFeedOfFile() {
        RealtimeFeed trams = new RealtimeFeed("krakow-T", "krakow-T", TransportMode.TRAM, "krakow");
        RealtimeFeed buses = new RealtimeFeed("krakow-A", "krakow-A", TransportMode.BUS, "krakow");
        return name -> name.contains("VehiclePositions_T_") || name.contains("TripUpdates_T_") ? trams : buses;
    }

    public static ReplayInput poznanTripUpdates() {
        return resource(RT_POZNAN_DIR + POZNAN_TRIP_UPDATES);
    }

    /** Poznań's ZTM feed: no static feed bundled, route_id comes in the feed. */
    public static RealtimeFeed poznanFeed() {
        return new RealtimeFeed(POZNAN_FEED, null, TransportMode.OTHER);
    }

    /** station_information.csv first, then the status snapshots in time order. */
    public static List<ReplayInput> osloGbfs() {
        List<ReplayInput> in = new ArrayList<>();
        in.add(resource(GBFS_OSLO_DIR + "station_information.csv"));
        OSLO_STATUS_FILES.forEach(f -> in.add(resource(GBFS_OSLO_DIR + f)));
        return in;
    }

    public static List<String> osloStatusFiles() {
        return OSLO_STATUS_FILES;
    }

    public static ReplayInput resource(String path) {
        return ReplayInput.ofResource(MobilityBundledData.class.getClassLoader(), path);
    }

    public static InputStream open(String resource) throws IOException {
        InputStream in = MobilityBundledData.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new FileNotFoundException("class-path resource not found: " + resource);
        }
        return in;
    }
}
