package pl.krakow.pulse.ingest.mobility;

import java.util.Locale;

/**
 * The box (WGS84 degrees, inclusive) in which a vehicle position is plausible; a position outside it
 * (a GPS glitch, 0/0 from a unit that lost its fix, a misconfigured feed) is rejected as
 * {@code OUT_OF_RANGE}. Configured with {@code mobility.area.bbox}; the default spans Kraków and the
 * agglomeration lines of its transport authority.
 */
public record PlausibleArea(double minLatitude, double minLongitude, double maxLatitude, double maxLongitude) {

    public PlausibleArea {
        if (!(minLatitude < maxLatitude && minLongitude < maxLongitude)) {
            throw new IllegalArgumentException("empty area: " + minLatitude + "," + minLongitude + " .. "
                    + maxLatitude + "," + maxLongitude);
        }
    }

    /** {@code minLat,minLon,maxLat,maxLon}. */
    public static PlausibleArea parse(String bbox) {
        String[] p = bbox.split(",");
        if (p.length != 4) {
            throw new IllegalArgumentException("bounding box must be minLat,minLon,maxLat,maxLon: " + bbox);
        }
        return new PlausibleArea(Double.parseDouble(p[0].trim()), Double.parseDouble(p[1].trim()),
                Double.parseDouble(p[2].trim()), Double.parseDouble(p[3].trim()));
    }

    public boolean contains(double latitude, double longitude) {
        return latitude >= minLatitude && latitude <= maxLatitude && longitude >= minLongitude && longitude <= maxLongitude;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s,%s,%s,%s", minLatitude, minLongitude, maxLatitude, maxLongitude);
    }
}
