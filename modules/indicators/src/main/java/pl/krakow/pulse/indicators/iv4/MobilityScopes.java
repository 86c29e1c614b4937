package pl.krakow.pulse.indicators.iv4;

import java.util.ArrayList;
import java.util.List;
import pl.krakow.pulse.events.mobility.BikeStationStatus;
import pl.krakow.pulse.events.mobility.StopEvent;
import pl.krakow.pulse.events.mobility.VehiclePosition;
import pl.krakow.pulse.platform.catalog.Places;
import pl.krakow.pulse.platform.catalog.Places.Place;
import pl.krakow.pulse.platform.catalog.Scopes;

/**
 * The scopes a mobility record counts in. Every one names the city or system it describes (DESIGN §9), taken
 * from the record's feed, {@code <format>:<feed id>} (ingest-mobility): a feed id names its city by its first
 * part ({@link Places#ofFeed}), so Kraków's tram feed {@code gtfs-rt:krakow-T} counts in {@code city:krakow},
 * {@code mode:krakow/tram} and {@code line:krakow-T/<line>}, Poznań's {@code gtfs-rt:poznan-ztm} in
 * {@code city:poznan} and {@code line:poznan-ztm/<line>}, and a bike-share system {@code gbfs:oslo-bysykkel} in
 * {@code system:oslo-bysykkel}. A feed whose id names no known city is its own {@code system:<feed id>}.
 * {@code district:<I–XVIII>} scopes are Kraków's, so only Kraków's records count in them.
 */
final class MobilityScopes {

    private MobilityScopes() {
    }

    /** The feed id of a record's {@code feed} ({@code gtfs-rt:krakow-T} → {@code krakow-T}). */
    static String feedId(String feed) {
        int colon = feed.indexOf(':');
        return colon < 0 ? feed : feed.substring(colon + 1);
    }

    /** The line scope of a route of a feed: the line riders know, else the route id; null when neither is known. */
    static String line(String feed, String lineName, String routeId) {
        String line = lineName != null ? lineName : routeId;
        return line == null ? null : Scopes.line(feedId(feed), line);
    }

    /** City (or system), mode, district (Kraków only), line. */
    static List<String> of(VehiclePosition p) {
        Place place = Places.ofFeed(feedId(p.getFeed()));
        List<String> scopes = new ArrayList<>(4);
        scopes.add(place.scope());
        scopes.add(Scopes.mode(place.id(), p.getMode().name()));
        if (place.krakow() && p.getDistrict() != null) {
            scopes.add("district:" + p.getDistrict());
        }
        String line = line(p.getFeed(), p.getLineName(), p.getRouteId());
        if (line != null) {
            scopes.add(line);
        }
        return scopes;
    }

    /** City (or system), line. */
    static List<String> of(StopEvent e) {
        List<String> scopes = new ArrayList<>(2);
        scopes.add(Places.ofFeed(feedId(e.getFeed())).scope());
        String line = line(e.getFeed(), e.getLineName(), e.getRouteId());
        if (line != null) {
            scopes.add(line);
        }
        return scopes;
    }

    /** The bike-share system, and the district when the system is Kraków's. */
    static List<String> of(BikeStationStatus s) {
        Place system = Places.system(feedId(s.getFeed()));
        return system.krakow() && s.getDistrict() != null
                ? List.of(system.scope(), "district:" + s.getDistrict())
                : List.of(system.scope());
    }
}
