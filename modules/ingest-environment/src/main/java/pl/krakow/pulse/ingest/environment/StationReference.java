package pl.krakow.pulse.ingest.environment;

import pl.krakow.pulse.runtime.geo.District;
import pl.krakow.pulse.runtime.geo.KrakowDistricts;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import pl.krakow.pulse.events.common.GeoPoint;
import pl.krakow.pulse.events.reference.MonitoringStation;
import pl.krakow.pulse.ingest.EventSink;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * Reference data for {@code reference.stations.v1}: one {@link MonitoringStation} per GIOŚ station
 * (key = station code), with its district (Roman numeral I–XVIII) found by point-in-polygon
 * ({@link KrakowDistricts}); a station outside every district gets district null.
 *
 * <p>The topic is compacted, so publishing the whole list again is harmless: the latest record per
 * code wins. {@code updatedAt} and the record timestamp are the clock's time at publication.
 */
public final class StationReference {

    public static final String FEED = "gios-stations";

    private final List<BundledData.Station> stations;
    private final KrakowDistricts districts;
    private final String source;
    private final Clock clock;

    /**
     * @param stations  the stations to publish
     * @param districts the district boundaries
     * @param source    where the list came from (the records' {@code source}), e.g. the file
     * @param clock     stamps {@code updatedAt}
     */
    public StationReference(List<BundledData.Station> stations, KrakowDistricts districts, String source, Clock clock) {
        this.stations = List.copyOf(stations);
        this.districts = Objects.requireNonNull(districts, "districts");
        this.source = Objects.requireNonNull(source, "source");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The bundled GIOŚ station list ({@link BundledData#STATIONS_CSV}) and the bundled district boundaries. */
    public static StationReference bundled(Clock clock) {
        return new StationReference(BundledData.stations(), KrakowDistricts.bundled(), BundledData.STATIONS_CSV, clock);
    }

    /** The district of one station, empty outside the city. */
    public Optional<District> districtOf(BundledData.Station station) {
        return districts.districtOf(station.latitude(), station.longitude());
    }

    /** One record per station, in list order, stamped now. */
    public List<MonitoringStation> records() {
        Instant now = clock.instant();
        List<MonitoringStation> out = new ArrayList<>(stations.size());
        for (BundledData.Station s : stations) {
            out.add(toRecord(s, now));
        }
        return out;
    }

    /** The records as outcomes for an {@link EventSink}, keyed by station code. */
    public List<ParseOutcome.Accepted<MonitoringStation>> outcomes() {
        Instant now = clock.instant();
        List<ParseOutcome.Accepted<MonitoringStation>> out = new ArrayList<>(stations.size());
        for (BundledData.Station s : stations) {
            MonitoringStation m = toRecord(s, now);
            String eventId = FEED + ':' + s.code();
            out.add(new ParseOutcome.Accepted<>(FEED, Topics.REFERENCE_STATIONS, s.code(), m, now, eventId,
                    source + '#' + s.code()));
        }
        return out;
    }

    /**
     * Hands every station record to {@code sink} (e.g. the {@code EventPublisher}) and flushes it.
     *
     * @return the number of records published
     */
    public int publish(EventSink sink) {
        List<ParseOutcome.Accepted<MonitoringStation>> all = outcomes();
        all.forEach(sink::accept);
        sink.flush();
        return all.size();
    }

    private MonitoringStation toRecord(BundledData.Station s, Instant now) {
        String district = districtOf(s).map(District::roman).orElse(null);
        String address = s.address() == null || s.address().isBlank() ? null : s.address();
        return new MonitoringStation(s.code(), s.name(), address, new GeoPoint(s.latitude(), s.longitude()),
                district, source, now);
    }
}
