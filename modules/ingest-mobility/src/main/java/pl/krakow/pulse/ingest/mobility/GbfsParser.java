package pl.krakow.pulse.ingest.mobility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.MappingIterator;
import pl.krakow.pulse.ingest.csv.Csv;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import pl.krakow.pulse.events.common.GeoPoint;
import pl.krakow.pulse.events.mobility.BikeStationStatus;
import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReasonCode;
import pl.krakow.pulse.ingest.Violation;
import pl.krakow.pulse.runtime.geo.District;
import pl.krakow.pulse.runtime.geo.KrakowDistricts;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * GBFS bike-share feeds: {@code station_information} (JSON per the GBFS spec, or a CSV with the columns
 * {@code station_id,lat,lon[,name,capacity]}) gives each station its position and district;
 * {@code station_status} (JSON, GBFS 1.x–3.x) becomes one {@link BikeStationStatus} per station on
 * {@code mobility.bike-stations.v1}, key = the system id (one partition per system keeps a snapshot's stations
 * together and in order for the city-wide share; the station id is in the value).
 *
 * <p>An input whose name starts with {@code station_information} is read as station information (it
 * emits nothing); any other input is a station_status document. In a replay, file names sort
 * information before status ({@code station_i…} &lt; {@code station_s…}). The event time of every station
 * of one status document is the document's {@code last_updated}, so one snapshot is one instant and the
 * availability share per snapshot is well defined; the station's own {@code last_reported} is kept beside
 * it. A station re-served in a document with the same {@code last_updated} (a re-poll within the ttl) is
 * not a new event (counted in {@code pulse.ingest.unchanged}).
 *
 * <p>Rejections: an empty body → {@code EMPTY_INPUT}; not JSON, no {@code last_updated} or no
 * {@code data.stations} → {@code MALFORMED} (whole document); {@code last_updated} beyond the time limits →
 * {@code IN_FUTURE}/{@code TOO_OLD} (whole document); a station without {@code station_id} or counts →
 * {@code MALFORMED}, negative counts → {@code OUT_OF_RANGE}.
 */
public final class GbfsParser implements FeedParser {

    public static final String CONTENT_TYPE = "application/json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String systemId;
    private final KrakowDistricts districts;
    private final EventValidator validator;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Map<String, GeoPoint> stations = new HashMap<>();

    /**
     * @param systemId the bike-share system, e.g. {@code oslo-bysykkel} (starting with its city's id); the feed name is {@code gbfs:<systemId>}
     */
    public GbfsParser(String systemId, KrakowDistricts districts, EventValidator validator, Clock clock, MeterRegistry meters) {
        this.systemId = Objects.requireNonNull(systemId, "systemId");
        this.districts = Objects.requireNonNull(districts, "districts");
        this.validator = Objects.requireNonNull(validator, "validator");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.meters = Objects.requireNonNull(meters, "meters");
    }

    public String feedName() {
        return "gbfs:" + systemId;
    }

    /** Stations with a known position so far. */
    public int knownStations() {
        return stations.size();
    }

    @Override
    public Stream<ParseOutcome> parse(InputStream in, String sourceName) {
        byte[] body;
        try (in) {
            body = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parse(body, sourceName);
    }

    @Override
    public Stream<ParseOutcome> parse(byte[] body, String sourceName) {
        if (body.length == 0) {
            return Stream.of(reject(ReasonCode.EMPTY_INPUT, "empty GBFS document", body, sourceName));
        }
        String base = sourceName.substring(sourceName.lastIndexOf('/') + 1);
        if (base.startsWith("station_information")) {
            try {
                if (base.endsWith(".csv")) {
                    readInformationCsv(body);
                } else {
                    readInformationJson(body);
                }
                return Stream.empty();
            } catch (IOException | RuntimeException e) {
                return Stream.of(reject(ReasonCode.MALFORMED, "unreadable station_information: " + e.getMessage(), body, sourceName));
            }
        }
        return status(body, sourceName).stream();
    }

    private void readInformationJson(byte[] body) throws IOException {
        JsonNode list = JSON.readTree(body).path("data").path("stations");
        if (!list.isArray()) {
            throw new IOException("no data.stations array");
        }
        for (JsonNode s : list) {
            if (s.hasNonNull("station_id") && s.path("lat").isNumber() && s.path("lon").isNumber()) {
                stations.put(s.get("station_id").asText(), new GeoPoint(s.get("lat").asDouble(), s.get("lon").asDouble()));
            }
        }
    }

    private void readInformationCsv(byte[] body) throws IOException {
        try (MappingIterator<Map<String, String>> rows = Csv.rowsByHeader(
                new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8))) {
            while (rows.hasNext()) {
                Map<String, String> r = rows.next();
                stations.put(r.get("station_id").trim(), new GeoPoint(Double.parseDouble(r.get("lat").trim()),
                        Double.parseDouble(r.get("lon").trim())));
            }
        }
    }

    private List<ParseOutcome> status(byte[] body, String source) {
        List<ParseOutcome> out = new ArrayList<>();
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            out.add(reject(ReasonCode.MALFORMED, "not JSON: " + e.getMessage(), body, source));
            return out;
        }
        Instant snapshot = time(root == null ? null : root.get("last_updated"));
        JsonNode list = root == null ? null : root.path("data").path("stations");
        if (snapshot == null || list == null || !list.isArray()) {
            out.add(reject(ReasonCode.MALFORMED, "not a GBFS station_status document (needs last_updated and data.stations)",
                    body, source));
            return out;
        }
        if (list.isEmpty()) {
            out.add(reject(ReasonCode.EMPTY_INPUT, "station_status lists no station", body, source));
            return out;
        }
        Optional<Violation> bad = validator.checkTime(snapshot);
        if (bad.isPresent()) {
            out.add(reject(bad.get().reason(), "station_status last_updated: " + bad.get().message(), body, source));
            return out;
        }
        for (JsonNode s : list) {
            byte[] raw = s.toString().getBytes(StandardCharsets.UTF_8);
            String id = s.hasNonNull("station_id") ? s.get("station_id").asText() : null;
            String sourceId = source + '#' + id;
            JsonNode bikes = s.has("num_bikes_available") ? s.get("num_bikes_available") : s.get("num_vehicles_available");
            JsonNode docks = s.get("num_docks_available");
            if (id == null || bikes == null || !bikes.isNumber() || docks == null || !docks.isNumber()) {
                out.add(reject(ReasonCode.MALFORMED, "station " + id + " lacks station_id, num_bikes_available or "
                        + "num_docks_available", raw, sourceId));
                continue;
            }
            if (bikes.asInt() < 0 || docks.asInt() < 0) {
                out.add(reject(ReasonCode.OUT_OF_RANGE, "station " + id + ": negative count (bikes " + bikes.asInt()
                        + ", docks " + docks.asInt() + ")", raw, sourceId));
                continue;
            }
            String eventId = feedName() + ':' + id + ':' + snapshot.getEpochSecond();
            if (validator.checkDuplicate(eventId).isPresent()) {
                Counter.builder(GtfsRealtimeParser.UNCHANGED_METRIC).tag("feed", feedName()).register(meters).increment();
                continue;
            }
            GeoPoint at = stations.get(id);
            String district = at == null ? null
                    : districts.districtOf(at.getLatitude(), at.getLongitude()).map(District::roman).orElse(null);
            BikeStationStatus status = BikeStationStatus.newBuilder()
                    .setEventId(eventId).setEventTime(snapshot).setFeed(feedName()).setSourceId(sourceId)
                    .setStationId(id).setBikesAvailable(bikes.asInt()).setDocksAvailable(docks.asInt())
                    .setIsRenting(flag(s, "is_renting")).setIsReturning(flag(s, "is_returning"))
                    .setIsInstalled(s.has("is_installed") ? flag(s, "is_installed") : null)
                    .setLastReported(time(s.get("last_reported")))
                    .setLocation(at).setDistrict(district).setIngestedAt(clock.instant())
                    .build();
            out.add(new ParseOutcome.Accepted<>(feedName(), Topics.BIKE_STATIONS, systemId, status, snapshot,
                    eventId, sourceId));
        }
        return out;
    }

    /** GBFS 1.x/2.x: true/false or 1/0; absent means true (the field was optional in early versions). */
    private static boolean flag(JsonNode s, String field) {
        JsonNode n = s.get(field);
        return n == null || n.isNull() || (n.isBoolean() ? n.asBoolean() : n.asInt(1) != 0);
    }

    /** POSIX seconds (GBFS ≤ 2.3) or an RFC 3339 string (GBFS 3.0). */
    private static Instant time(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isNumber()) {
            return Instant.ofEpochSecond(n.asLong());
        }
        try {
            return OffsetDateTime.parse(n.asText()).toInstant();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private ParseOutcome.Rejected reject(ReasonCode reason, String message, byte[] raw, String sourceId) {
        return new ParseOutcome.Rejected(feedName(), reason, message, raw, sourceId, CONTENT_TYPE, Topics.BIKE_STATIONS,
                clock.instant());
    }
}
