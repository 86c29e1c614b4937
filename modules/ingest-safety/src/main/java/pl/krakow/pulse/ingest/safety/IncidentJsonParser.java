package pl.krakow.pulse.ingest.safety;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import pl.krakow.pulse.events.common.GeoPoint;
import pl.krakow.pulse.events.safety.IncidentCategory;
import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReasonCode;
import pl.krakow.pulse.ingest.push.PushParser;

/**
 * JSON incidents pushed by city systems (dispatch, city guard) — feed {@code incident-push}. A body is one
 * object or an array of them:
 * <pre>
 * {"id":"D-2026-0042", "category":"FIRE", "type":"pożar kontenera", "severity":0, "injured":0, "killed":0,
 *  "latitude":50.06, "longitude":19.94, "address":"ul. Floriańska 1",
 *  "occurredAt":"2026-11-25T09:58:00Z", "reportedAt":"2026-11-25T10:00:00Z",
 *  "arrivedAt":"2026-11-25T10:07:30Z", "closedAt":"2026-11-25T11:00:00Z"}
 * </pre>
 * Required: {@code id}, {@code category} (an {@code IncidentCategory} name, case-insensitive),
 * {@code reportedAt}; times are ISO-8601 instants with offset. {@code occurredAt} defaults to
 * {@code reportedAt}; counts default to 0. The source record id is {@code <client>/<id>}, so two systems
 * may use the same ids. The endpoint is for Kraków's own systems ({@link FeedOrigin#krakowSystems()}): points
 * inside a district land in that district, outside the city in {@code region:malopolskie}, and records without
 * a point in {@code city:krakow} (a city system's incidents happen in the city).
 * Thread-safe (validation and duplicate detection are serialised).
 */
public final class IncidentJsonParser implements PushParser {

    public static final String FEED = "incident-push";
    static final String CONTENT_TYPE = "application/json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final IncidentFactory factory;

    public IncidentJsonParser(IngestContext context, CityProfile city) {
        this(EventValidator.of(context, Set.of()), context.clock(), city);
    }

    IncidentJsonParser(EventValidator validator, Clock clock, CityProfile city) {
        this.factory = new IncidentFactory(FEED, FeedOrigin.krakowSystems(), city, validator, clock, CONTENT_TYPE);
    }

    @Override
    public void notStored(List<ParseOutcome.Accepted<?>> events) {
        synchronized (factory) {
            events.forEach(e -> factory.notStored(e.eventId()));
        }
    }

    @Override
    public List<ParseOutcome> parse(byte[] body, String sourceId, String channelSensorId) {
        JsonNode root;
        try {
            root = body.length == 0 ? null : MAPPER.readTree(body);
        } catch (IOException e) {
            return List.of(factory.reject(ReasonCode.MALFORMED, "not valid JSON: " + e.getMessage().lines().findFirst().orElse(""),
                    body, sourceId));
        }
        if (root == null || root.isMissingNode() || (root.isArray() && root.isEmpty())) {
            return List.of(factory.reject(ReasonCode.EMPTY_INPUT, "the body holds no incident", body, sourceId));
        }
        String client = sourceId.startsWith("http:") ? sourceId.substring(5) : sourceId;
        List<ParseOutcome> out = new ArrayList<>();
        if (root.isArray()) {
            for (int i = 0; i < root.size(); i++) {
                out.add(one(root.get(i), client, sourceId + '[' + i + ']'));
            }
        } else {
            out.add(one(root, client, sourceId));
        }
        return out;
    }

    private ParseOutcome one(JsonNode n, String client, String where) {
        byte[] raw = n.toString().getBytes(StandardCharsets.UTF_8);
        try {
            if (!n.isObject()) {
                throw new CsvIncidentParser.RowException(ReasonCode.MALFORMED, "an incident must be a JSON object");
            }
            String id = text(n, "id", true);
            IncidentCategory category;
            String cat = text(n, "category", true);
            try {
                category = IncidentCategory.valueOf(cat.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CsvIncidentParser.RowException(ReasonCode.MALFORMED, "unknown category '" + cat + "'; one of "
                        + java.util.Arrays.toString(IncidentCategory.values()));
            }
            Instant reported = time(n, "reportedAt", true);
            Instant occurred = time(n, "occurredAt", false);
            GeoPoint point = null;
            if (n.hasNonNull("latitude") || n.hasNonNull("longitude")) {
                point = new GeoPoint(number(n, "latitude"), number(n, "longitude"));
            }
            Integer severity = n.hasNonNull("severity") ? (int) number(n, "severity") : null;
            IncidentFactory.Candidate c = new IncidentFactory.Candidate(client + '/' + id, category, text(n, "type", false), severity,
                    n.hasNonNull("injured") ? (int) number(n, "injured") : 0, n.hasNonNull("killed") ? (int) number(n, "killed") : 0,
                    point, text(n, "address", false), occurred == null ? reported : occurred, reported,
                    time(n, "arrivedAt", false), time(n, "closedAt", false), null);
            synchronized (factory) {
                return factory.build(c, raw, where);
            }
        } catch (CsvIncidentParser.RowException e) {
            return factory.reject(e.violation.reason(), e.violation.message(), raw, where);
        }
    }

    private static String text(JsonNode n, String field, boolean required) throws CsvIncidentParser.RowException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull() || v.asText().isBlank()) {
            if (required) {
                throw new CsvIncidentParser.RowException(ReasonCode.MALFORMED, "'" + field + "' is required");
            }
            return null;
        }
        return v.asText();
    }

    private static double number(JsonNode n, String field) throws CsvIncidentParser.RowException {
        JsonNode v = n.get(field);
        if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw new CsvIncidentParser.RowException(ReasonCode.NOT_A_NUMBER, "'" + field + "' must be a finite number: " + v);
        }
        return v.asDouble();
    }

    private static Instant time(JsonNode n, String field, boolean required) throws CsvIncidentParser.RowException {
        String s = text(n, field, required);
        if (s == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            throw new CsvIncidentParser.RowException(ReasonCode.MALFORMED, "'" + field + "' is not an ISO-8601 time with offset: '" + s + "'");
        }
    }
}
