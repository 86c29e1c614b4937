package pl.krakow.pulse.ingest.mobility;

import java.time.Duration;
import java.util.List;
import pl.krakow.pulse.platform.config.ConfigKey;

/**
 * The keys of the mobility ingest: the plausible area of vehicle positions, the policy for unknown trips,
 * and the polled GTFS-Realtime and GBFS URLs with their pace.
 *
 * <p>{@link #KEYS} lists them in documentation order; {@code pulse config} and the README table show them in
 * that order among the other modules' keys.
 */
public final class MobilityConfig {

    private MobilityConfig() {
    }

    public static final ConfigKey<PlausibleArea> AREA_BBOX = ConfigKey.parsed("mobility.area.bbox", "mobility", "bbox",
            "49.8,19.45,50.35,20.5", "Plausible area of vehicle positions as minLat,minLon,maxLat,maxLon (WGS84); "
                    + "positions outside are rejected as OUT_OF_RANGE. Default: Kraków and its agglomeration lines.",
            PlausibleArea::parse, PlausibleArea::toString);
    public static final ConfigKey<String> UNKNOWN_TRIP = ConfigKey.string("mobility.gtfsrt.unknown.trip", "mobility",
            "keep", "A GTFS-Realtime trip_id unknown to the static GTFS feed, or whose service does not run on the record's "
                    + "service date (ids are reused across timetable versions): keep (publish without route, counted in "
                    + "pulse.ingest.unknown.trips) or reject (dead-letter as UNKNOWN_TRIP, also counted).")
            .withValidator(v -> v.equals("keep") || v.equals("reject") ? null : "must be keep or reject");
    public static final ConfigKey<List<PolledFeedUrls>> GTFSRT_URLS = ConfigKey.parsed("mobility.gtfsrt.urls", "mobility",
            "id=url list", "", "GTFS-Realtime URLs to poll, as feedId=url,feedId=url (VehiclePositions or TripUpdates). A feed whose id names a "
                    + "loaded static GTFS feed (krakow-T, krakow-A, krakow-M) resolves trips through it. The id's first part names "
                    + "the city of its values (krakow-…, poznan-…); any other id is a system of its own (system:<id>), never Kraków. "
                    + "Empty = no polling.", PolledFeedUrls::parseGtfsRealtime, PolledFeedUrls::format);
    public static final ConfigKey<List<PolledFeedUrls>> GBFS_URLS = ConfigKey.parsed("mobility.gbfs.urls", "mobility",
            "id=url list", "", "GBFS systems to poll, as systemId=stationInformationUrl|stationStatusUrl, comma separated; values are scoped "
                    + "system:<systemId>, and a system id starting with krakow- counts as Kraków's. Empty = no polling.",
            PolledFeedUrls::parseGbfs, PolledFeedUrls::format);
    public static final ConfigKey<Duration> POLL_INTERVAL = ConfigKey.duration("mobility.poll.interval", "mobility",
            Duration.ofSeconds(15), "Interval between two polls of one mobility URL (GTFS-Realtime, GBFS).");
    public static final ConfigKey<Duration> POLL_MAX_BACKOFF = ConfigKey.duration("mobility.poll.max.backoff",
            "mobility", Duration.ofMinutes(5), "Longest wait after repeated failures of one polled URL (the wait doubles "
                    + "from mobility.poll.interval per failure); other URLs keep their pace.");

    /** Every key of this module, in documentation order. */
    public static final List<ConfigKey<?>> KEYS = List.of(
            AREA_BBOX, UNKNOWN_TRIP, GTFSRT_URLS, GBFS_URLS, POLL_INTERVAL, POLL_MAX_BACKOFF);
}
