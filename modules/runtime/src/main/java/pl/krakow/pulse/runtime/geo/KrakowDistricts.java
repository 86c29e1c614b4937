package pl.krakow.pulse.runtime.geo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;
import org.locationtech.jts.index.strtree.STRtree;

/**
 * Which of Kraków's 18 districts a WGS84 point lies in: point-in-polygon over the official
 * district boundaries (GeoJSON FeatureCollection of (Multi)Polygons, lon/lat, property
 * {@code cartodb_id} = district number 1–18 and {@code name} = "Dzielnica &lt;roman&gt; &lt;name&gt;"),
 * read by {@link GeoJsonPolygons}.
 * Free of any feed's specifics, so every feed that needs a district (air-quality stations, stops,
 * incidents) asks the same instance.
 *
 * <p>Contract: a point inside a district, or on its boundary, belongs to it; a point on a boundary
 * shared by two districts gets the lower-numbered one (deterministic); a point outside every
 * district (outside the city) or with non-finite coordinates gets {@link Optional#empty()}. Lookups
 * use an STR-tree over the districts' envelopes and prepared geometries, so they cost a few
 * microseconds. Immutable and thread-safe after construction.
 */
public final class KrakowDistricts {

    /** The bundled boundaries (andilabs/krakow-dzielnice-geojson; see the PROVENANCE.md next to it). */
    public static final String RESOURCE = "data/districts-krakow/krakow-dzielnice.geojson";

    private static final GeometryFactory GEOMETRY = GeoJsonPolygons.WGS84;
    private static volatile KrakowDistricts bundled;

    private record Area(District district, PreparedGeometry geometry) {
    }

    private final List<District> districts;
    private final STRtree index = new STRtree();

    private KrakowDistricts(List<Area> areas) {
        List<District> list = new ArrayList<>();
        for (Area a : areas) {
            index.insert(a.geometry().getGeometry().getEnvelopeInternal(), a);
            list.add(a.district());
        }
        index.build();
        list.sort(Comparator.comparingInt(District::number));
        this.districts = List.copyOf(list);
    }

    /** The boundaries bundled with this module, loaded once. */
    public static KrakowDistricts bundled() {
        KrakowDistricts d = bundled;
        if (d == null) {
            synchronized (KrakowDistricts.class) {
                d = bundled;
                if (d == null) {
                    try (InputStream in = KrakowDistricts.class.getClassLoader().getResourceAsStream(RESOURCE)) {
                        if (in == null) {
                            throw new FileNotFoundException("class-path resource not found: " + RESOURCE);
                        }
                        d = fromGeoJson(in);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot read " + RESOURCE, e);
                    }
                    bundled = d;
                }
            }
        }
        return d;
    }

    /**
     * Reads a GeoJSON FeatureCollection (the stream is not closed).
     *
     * @throws IllegalArgumentException when a feature lacks a district number 1–18, a name or a (Multi)Polygon,
     *                                  or a number occurs twice
     */
    public static KrakowDistricts fromGeoJson(InputStream in) throws IOException {
        List<Area> areas = new ArrayList<>();
        boolean[] seen = new boolean[19];
        for (GeoJsonPolygons.Feature f : GeoJsonPolygons.read(in)) {
            JsonNode props = f.properties();
            int number = props.path("cartodb_id").asInt(-1);
            if (number < 1 || number > 18) {
                throw new IllegalArgumentException("feature without a district number 1..18 (cartodb_id): " + props);
            }
            if (seen[number]) {
                throw new IllegalArgumentException("district " + number + " occurs twice");
            }
            seen[number] = true;
            String roman = District.roman(number);
            String fullName = props.path("name").asText("").trim();
            String prefix = "Dzielnica " + roman + " ";
            String name = fullName.startsWith(prefix) ? fullName.substring(prefix.length()).trim() : fullName;
            if (name.isEmpty()) {
                throw new IllegalArgumentException("district " + number + " has no name");
            }
            MultiPolygon area;
            try {
                area = f.area();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("district " + number + ": " + e.getMessage(), e);
            }
            areas.add(new Area(new District(number, roman, name), PreparedGeometryFactory.prepare(area)));
        }
        return new KrakowDistricts(areas);
    }

    /** The district containing the point (WGS84 degrees), or empty outside the city. */
    public Optional<District> districtOf(double latitude, double longitude) {
        if (!Double.isFinite(latitude) || !Double.isFinite(longitude)) {
            return Optional.empty();
        }
        Point p = GEOMETRY.createPoint(new Coordinate(longitude, latitude));
        District best = null;
        for (Object o : index.query(new Envelope(longitude, longitude, latitude, latitude))) {
            Area a = (Area) o;
            if ((best == null || a.district().number() < best.number()) && a.geometry().covers(p)) {
                best = a.district();
            }
        }
        return Optional.ofNullable(best);
    }

    /** Every district, by number. */
    public List<District> districts() {
        return districts;
    }

    /** District {@code number} (1–18). */
    public Optional<District> district(int number) {
        return districts.stream().filter(d -> d.number() == number).findFirst();
    }
}
