package pl.krakow.pulse.ingest.mobility;

/**
 * What a GTFS-Realtime record whose trip_id the static feed does not know becomes
 * ({@code mobility.gtfsrt.unknown.trip}). Either way it is counted in {@code pulse.ingest.unknown.trips}.
 */
public enum UnknownTripPolicy {
    /** Published without route and line: the vehicle still counts in service city-wide, by mode and district. */
    KEEP,
    /** Rejected to the dead-letter queue as {@code UNKNOWN_TRIP}. */
    REJECT
}
