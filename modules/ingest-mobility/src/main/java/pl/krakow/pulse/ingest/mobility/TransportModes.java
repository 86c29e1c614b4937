package pl.krakow.pulse.ingest.mobility;

import pl.krakow.pulse.events.mobility.TransportMode;

/**
 * GTFS {@code route_type} → {@link TransportMode}, for the basic types (0–12) and the extended
 * "Hierarchical Vehicle Type" codes (100–1702) that some operators use: Kraków's tram feed says 900
 * ("Tram Service"), its bus feeds 3.
 */
public final class TransportModes {

    private TransportModes() {
    }

    public static TransportMode of(int routeType) {
        return switch (routeType) {
            case 0, 5 -> TransportMode.TRAM;        // tram/light rail; cable tram
            case 3, 11 -> TransportMode.BUS;        // bus; trolleybus
            case 1 -> TransportMode.METRO;
            case 2, 12 -> TransportMode.RAIL;       // rail; monorail
            case 4 -> TransportMode.FERRY;
            default -> extended(routeType);
        };
    }

    private static TransportMode extended(int routeType) {
        int family = routeType / 100;
        return switch (family) {
            case 1, 3 -> TransportMode.RAIL;        // 100 railway, 300 suburban railway
            case 2, 7, 8 -> TransportMode.BUS;      // 200 coach, 700 bus, 800 trolleybus
            case 4, 5, 6 -> TransportMode.METRO;    // 400 urban railway, 500 metro, 600 underground
            case 9 -> TransportMode.TRAM;           // 900 tram
            case 10, 12 -> TransportMode.FERRY;     // 1000 water transport, 1200 ferry
            default -> TransportMode.OTHER;
        };
    }
}
