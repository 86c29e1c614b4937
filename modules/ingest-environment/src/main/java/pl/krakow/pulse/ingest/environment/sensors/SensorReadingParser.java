package pl.krakow.pulse.ingest.environment.sensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.events.environment.NoiseMeasurement;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReasonCode;
import pl.krakow.pulse.ingest.Violation;
import pl.krakow.pulse.ingest.push.PushParser;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * Parses the JSON readings that low-cost PM sensors and noise meters push ({@code sensor-push}),
 * over HTTP or MQTT. A message is one reading object or a JSON array of them:
 * <pre>
 * {"sensorId":"lcs-042","time":"2026-11-25T10:00:00Z","pm10":23.4,"pm25":12.1,"intervalSeconds":3600}
 * {"sensorId":"noise-7","time":"2026-11-25T10:01:00Z","laeqDb":61.2,"intervalSeconds":60}
 * </pre>
 * Fields: {@code sensorId} ({@code [A-Za-z0-9._-]}, 1–64 characters; may be omitted when the channel
 * names the sensor, e.g. the MQTT topic), {@code time} (ISO-8601 instant with {@code Z} or an offset:
 * the <em>end</em> of the averaging interval), {@code pm10}/{@code pm25} (µg/m³), {@code laeqDb}
 * (LAeq in dB(A)), {@code intervalSeconds} (1–86400, default {@value #DEFAULT_INTERVAL_SECONDS}) and
 * {@code unit} (optional; the unit of the PM values, must be µg/m³). Unknown fields are ignored; a
 * {@code null} value is a missing value. At least one of pm10, pm25, laeqDb is required.
 *
 * <p>Events — one per quantity present: {@link AirQualityMeasurement} to {@code environment.air-quality.v1}
 * with station code {@code sensor:<sensorId>} (the key; the prefix keeps sensors apart from GIOŚ codes),
 * {@code validated=false}, averaging period = {@code intervalSeconds}; {@link NoiseMeasurement} to
 * {@code environment.noise.v1}, key = sensor id. Event id {@code sensor-push:<sensorId>:<PM10|PM25|LAEQ>:<epoch ms>},
 * so a re-sent reading has the same id and is a {@link ReasonCode#DUPLICATE} within the parser's session — unless
 * the push that carried it was answered "not stored" ({@link #notStored}): then its ids are forgotten and the resend
 * is accepted.
 *
 * <p>Rejections carry the reading's raw bytes (the whole message when it is not JSON) and a source id
 * {@code <source>} or {@code <source>[index]} for array elements: {@code EMPTY_INPUT}, {@code MALFORMED}
 * (not JSON, not an object, no/invalid sensorId or time, sensorId differs from the channel's, no
 * quantity), {@code NOT_A_NUMBER}, {@code OUT_OF_RANGE} (PM ranges of {@link pl.krakow.pulse.ingest.PhysicalRanges},
 * LAeq 0–{@value #MAX_LAEQ_DB} dB, interval), {@code WRONG_UNIT}, {@code IN_FUTURE}/{@code TOO_OLD},
 * {@code UNKNOWN_STATION} (only when a set of known sensors is configured), {@code DUPLICATE}. A reading-wide
 * problem rejects the reading once; a bad value rejects only that quantity.
 *
 * <p>One instance is one session (duplicate detection spans it). Thread-safe: methods are synchronized,
 * as the validator is not.
 */
public final class SensorReadingParser implements FeedParser, PushParser {

    public static final String FEED = "sensor-push";
    public static final String CONTENT_TYPE = "application/json";
    public static final String STATION_PREFIX = "sensor:";
    public static final int DEFAULT_INTERVAL_SECONDS = 3600;
    public static final int MAX_INTERVAL_SECONDS = 86_400;
    /** Above the threshold of pain and any outdoor source a city meter hears; a higher value is a fault. */
    public static final double MAX_LAEQ_DB = 150;

    private static final Pattern SENSOR_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Set<String> MICROGRAMS = Set.of("µg/m³", "μg/m³", "ug/m3", "µg/m3", "μg/m3", "ug/m³");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory JSON = MAPPER.getFactory();

    private final EventValidator validator;
    private final Clock clock;
    private final Set<String> knownSensors;

    /**
     * @param validator    time, range and duplicate checks (its known stations are not used)
     * @param clock        for {@code ingestedAt} and {@code rejectedAt}
     * @param knownSensors the sensor ids accepted; empty = any sensor (no registry)
     */
    public SensorReadingParser(EventValidator validator, Clock clock, Set<String> knownSensors) {
        this.validator = Objects.requireNonNull(validator, "validator");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.knownSensors = Set.copyOf(knownSensors);
    }

    @Override
    public Stream<ParseOutcome> parse(InputStream in, String sourceName) {
        byte[] body;
        try (in) {
            body = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + sourceName, e);
        }
        return parse(body, sourceName, null).stream();
    }

    @Override
    public synchronized void notStored(List<ParseOutcome.Accepted<?>> events) {
        events.forEach(e -> validator.forgetDuplicate(e.eventId()));
    }

    @Override
    public synchronized List<ParseOutcome> parse(byte[] body, String sourceId, String channelSensorId) {
        List<ParseOutcome> out = new ArrayList<>();
        if (isBlank(body)) {
            out.add(reject(ReasonCode.EMPTY_INPUT, "the message is empty", body, sourceId, null));
            return out;
        }
        try (JsonParser p = JSON.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first == JsonToken.START_ARRAY) {
                int index = 0;
                JsonToken t;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t == null) {
                        throw new IOException("the array is not closed");
                    }
                    int start = (int) p.currentTokenLocation().getByteOffset();
                    JsonNode node = p.readValueAsTree();
                    int end = (int) p.currentLocation().getByteOffset();
                    byte[] raw = start >= 0 && end <= body.length && start < end ? Arrays.copyOfRange(body, start, end)
                            : MAPPER.writeValueAsBytes(node);
                    reading(node, raw, sourceId + '[' + index + ']', channelSensorId, out);
                    index++;
                }
                if (index == 0) {
                    out.add(reject(ReasonCode.EMPTY_INPUT, "the message is an empty array", body, sourceId, null));
                }
            } else {
                JsonNode node = p.readValueAsTree();
                reading(node, body, sourceId, channelSensorId, out);
            }
            if (p.nextToken() != null) {
                throw new IOException("text after the JSON value");
            }
        } catch (IOException e) {
            // Readings before the syntax error stay accepted: a bad record never drops the good ones.
            out.add(reject(ReasonCode.MALFORMED, "not valid JSON: " + firstLine(e.getMessage()), body, sourceId, null));
        }
        return out;
    }

    private void reading(JsonNode node, byte[] raw, String sourceId, String channelSensorId, List<ParseOutcome> out) {
        if (node == null || !node.isObject()) {
            out.add(reject(ReasonCode.MALFORMED, "a reading must be a JSON object", raw, sourceId, null));
            return;
        }
        TopicSpec<?> intended = node.hasNonNull("laeqDb") && !node.hasNonNull("pm10") && !node.hasNonNull("pm25")
                ? Topics.NOISE : Topics.AIR_QUALITY;
        // Sensor id
        JsonNode idNode = node.get("sensorId");
        String sensorId;
        if (idNode == null || idNode.isNull()) {
            if (channelSensorId == null) {
                out.add(reject(ReasonCode.MALFORMED, "no sensorId", raw, sourceId, intended));
                return;
            }
            sensorId = channelSensorId;
        } else if (!idNode.isTextual()) {
            out.add(reject(ReasonCode.MALFORMED, "sensorId must be a string, not " + idNode, raw, sourceId, intended));
            return;
        } else {
            sensorId = idNode.textValue();
            if (channelSensorId != null && !channelSensorId.equals(sensorId)) {
                out.add(reject(ReasonCode.MALFORMED, "sensorId '" + sensorId + "' differs from the channel's sensor '"
                        + channelSensorId + "'", raw, sourceId, intended));
                return;
            }
        }
        if (!SENSOR_ID.matcher(sensorId).matches()) {
            out.add(reject(ReasonCode.MALFORMED, "sensorId '" + abbreviate(sensorId) + "' is not 1-64 of [A-Za-z0-9._-]",
                    raw, sourceId, intended));
            return;
        }
        // Time
        JsonNode timeNode = node.get("time");
        if (timeNode == null || !timeNode.isTextual()) {
            out.add(reject(ReasonCode.MALFORMED, "time must be an ISO-8601 instant string, e.g. 2026-11-25T10:00:00Z, not "
                    + timeNode, raw, sourceId, intended));
            return;
        }
        Instant eventTime = parseTime(timeNode.textValue());
        if (eventTime == null) {
            out.add(reject(ReasonCode.MALFORMED, "time '" + abbreviate(timeNode.textValue())
                    + "' is not an ISO-8601 instant with Z or an offset", raw, sourceId, intended));
            return;
        }
        // Interval
        int intervalSeconds = DEFAULT_INTERVAL_SECONDS;
        JsonNode intervalNode = node.get("intervalSeconds");
        if (intervalNode != null && !intervalNode.isNull()) {
            if (!intervalNode.isNumber()) {
                out.add(reject(ReasonCode.NOT_A_NUMBER, "intervalSeconds " + intervalNode + " is not a number", raw, sourceId, intended));
                return;
            }
            double d = intervalNode.doubleValue();
            if (d != Math.rint(d) || d < 1 || d > MAX_INTERVAL_SECONDS) {
                out.add(reject(ReasonCode.OUT_OF_RANGE, "intervalSeconds " + intervalNode + " is not a whole number in 1-"
                        + MAX_INTERVAL_SECONDS, raw, sourceId, intended));
                return;
            }
            intervalSeconds = (int) d;
        }
        // Unit of the PM values
        JsonNode unitNode = node.get("unit");
        if (unitNode != null && !unitNode.isNull()
                && !(unitNode.isTextual() && MICROGRAMS.contains(unitNode.textValue().trim().toLowerCase(Locale.ROOT)))) {
            out.add(reject(ReasonCode.WRONG_UNIT, "unit " + unitNode + " is not µg/m³ (the unit of pm10 and pm25)", raw, sourceId,
                    intended));
            return;
        }
        JsonNode pm10 = present(node, "pm10");
        JsonNode pm25 = present(node, "pm25");
        JsonNode laeq = present(node, "laeqDb");
        if (pm10 == null && pm25 == null && laeq == null) {
            out.add(reject(ReasonCode.MALFORMED, "the reading has none of pm10, pm25, laeqDb", raw, sourceId, intended));
            return;
        }
        Optional<Violation> timeViolation = validator.checkTime(eventTime);
        if (timeViolation.isPresent()) {
            out.add(reject(timeViolation.get().reason(), timeViolation.get().message(), raw, sourceId, intended));
            return;
        }
        if (!knownSensors.isEmpty() && !knownSensors.contains(sensorId)) {
            out.add(reject(ReasonCode.UNKNOWN_STATION, "sensor '" + sensorId + "' is not in the list of known sensors",
                    raw, sourceId, intended));
            return;
        }
        Instant ingestedAt = clock.instant();
        long epochMs = eventTime.toEpochMilli();
        if (pm10 != null) {
            pm(Pollutant.PM10, "pm10", pm10, sensorId, eventTime, epochMs, intervalSeconds, ingestedAt, raw, sourceId, out);
        }
        if (pm25 != null) {
            pm(Pollutant.PM25, "pm25", pm25, sensorId, eventTime, epochMs, intervalSeconds, ingestedAt, raw, sourceId, out);
        }
        if (laeq != null) {
            noise(laeq, sensorId, eventTime, epochMs, intervalSeconds, ingestedAt, raw, sourceId, out);
        }
    }

    private void pm(Pollutant pollutant, String field, JsonNode value, String sensorId, Instant eventTime, long epochMs,
                    int intervalSeconds, Instant ingestedAt, byte[] raw, String sourceId, List<ParseOutcome> out) {
        if (!value.isNumber()) {
            out.add(reject(ReasonCode.NOT_A_NUMBER, field + " " + value + " is not a number", raw, sourceId, Topics.AIR_QUALITY));
            return;
        }
        double ugM3 = value.doubleValue();
        String eventId = FEED + ':' + sensorId + ':' + pollutant.name() + ':' + epochMs;
        Optional<Violation> v = validator.checkConcentration(pollutant, ugM3);
        if (v.isEmpty()) {
            v = validator.checkDuplicate(eventId);
        }
        if (v.isPresent()) {
            out.add(reject(v.get().reason(), field + ": " + v.get().message(), raw, sourceId, Topics.AIR_QUALITY));
            return;
        }
        String station = STATION_PREFIX + sensorId;
        AirQualityMeasurement m = new AirQualityMeasurement(eventId, eventTime, FEED, sourceId, station, pollutant, ugM3,
                intervalSeconds, false, ingestedAt);
        out.add(new ParseOutcome.Accepted<>(FEED, Topics.AIR_QUALITY, station, m, eventTime, eventId, sourceId));
    }

    private void noise(JsonNode value, String sensorId, Instant eventTime, long epochMs, int intervalSeconds,
                       Instant ingestedAt, byte[] raw, String sourceId, List<ParseOutcome> out) {
        if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
            out.add(reject(ReasonCode.NOT_A_NUMBER, "laeqDb " + value + " is not a finite number", raw, sourceId, Topics.NOISE));
            return;
        }
        double db = value.doubleValue();
        if (db < 0 || db > MAX_LAEQ_DB) {
            out.add(reject(ReasonCode.OUT_OF_RANGE, "laeqDb " + db + " dB(A) is outside the plausible range 0-" + (int) MAX_LAEQ_DB,
                    raw, sourceId, Topics.NOISE));
            return;
        }
        String eventId = FEED + ':' + sensorId + ":LAEQ:" + epochMs;
        Optional<Violation> v = validator.checkDuplicate(eventId);
        if (v.isPresent()) {
            out.add(reject(v.get().reason(), "laeqDb: " + v.get().message(), raw, sourceId, Topics.NOISE));
            return;
        }
        NoiseMeasurement m = new NoiseMeasurement(eventId, eventTime, FEED, sourceId, sensorId, db, intervalSeconds, null, ingestedAt);
        out.add(new ParseOutcome.Accepted<>(FEED, Topics.NOISE, sensorId, m, eventTime, eventId, sourceId));
    }

    private static JsonNode present(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v;
    }

    static Instant parseTime(String text) {
        try {
            return OffsetDateTime.parse(text.trim()).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @Override
    public ParseOutcome.Rejected refuse(ReasonCode reason, String message, byte[] body, String sourceId) {
        return reject(reason, message, body, sourceId, null);
    }

    private ParseOutcome.Rejected reject(ReasonCode reason, String message, byte[] raw, String sourceId, TopicSpec<?> intended) {
        return new ParseOutcome.Rejected(FEED, reason, message, raw, sourceId, CONTENT_TYPE, intended, clock.instant());
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return abbreviate(nl < 0 ? s : s.substring(0, nl));
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }
}
