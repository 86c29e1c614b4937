package pl.krakow.pulse.ingest.safety;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import pl.krakow.pulse.events.common.GeoPoint;
import pl.krakow.pulse.events.safety.IncidentCategory;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReasonCode;

/**
 * {@code sewik-geojson}: Polish police road-accident records (SEWIK, Policja) as the GeoJSON
 * FeatureCollection published by the "Nieoficjalna Mapa SEWIK" (one Point feature per event).
 *
 * <p>Per feature one incident: source record id = {@code ID}; event and reported time = {@code dt}
 * ({@code YYYY-MM-DDTHH:MM:SS}, local Europe/Warsaw without offset — SEWIK has no separate report time in this
 * form); severity = {@code sev} (0 no injury … 3 killed within 30 days); injured = {@code sli + ser}; killed =
 * {@code fat}; category {@code ROAD_ACCIDENT} when anyone was injured or killed (PL "wypadek"), else
 * {@code ROAD_COLLISION} ("kolizja"); point = geometry {@code [lon, lat]}; region = the voivodeship of {@code WOJ}
 * (TERYT code, e.g. 12 małopolskie, 26 świętokrzyskie). Scope ({@link FeedOrigin#regional()}): a Kraków district
 * when the point lies in one and {@code WOJ} is małopolskie (or absent), else {@code region:<voivodeship>} — so
 * a file of another voivodeship never counts as Kraków. Features are read one at a time
 * (streaming), so a file of a whole voivodeship-year stays cheap; a feature that cannot be read is one
 * rejection (its JSON text, source id {@code <file>#<index>}) and the next feature is read. A document that is
 * not a FeatureCollection is one {@link ReasonCode#MALFORMED}; one without features {@link ReasonCode#EMPTY_INPUT};
 * a document cut off mid-way ends with one {@link ReasonCode#TRUNCATED} after the features before the cut.
 */
final class SewikGeoJsonParser implements FeedParser {

    static final String FEED = "sewik-geojson";
    static final String CONTENT_TYPE = "application/geo+json";
    static final ZoneId ZONE = ZoneId.of("Europe/Warsaw");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final IncidentFactory factory;

    SewikGeoJsonParser(IncidentFactory factory) {
        this.factory = factory;
    }

    @Override
    public Stream<ParseOutcome> parse(InputStream in, String sourceName) {
        Features features = new Features(in, sourceName);
        return StreamSupport.stream(features, false).onClose(features::close);
    }

    private final class Features extends Spliterators.AbstractSpliterator<ParseOutcome> {
        private final InputStream in;
        private final String sourceName;
        private JsonParser json;
        private int index;
        private boolean done;

        Features(InputStream in, String sourceName) {
            super(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL);
            this.in = in;
            this.sourceName = sourceName;
        }

        @Override
        public boolean tryAdvance(Consumer<? super ParseOutcome> action) {
            if (done) {
                return false;
            }
            try {
                if (json == null) {
                    json = MAPPER.getFactory().createParser(in);
                    String problem = seekFeatures();
                    if (problem != null) {
                        done = true;
                        ReasonCode reason = problem.isEmpty() ? ReasonCode.EMPTY_INPUT : ReasonCode.MALFORMED;
                        action.accept(factory.reject(reason, problem.isEmpty() ? "the input is empty" : problem, new byte[0], sourceName));
                        return true;
                    }
                }
                JsonToken t = json.nextToken();
                if (t == JsonToken.END_ARRAY || t == null) {
                    done = true;
                    if (index == 0) {
                        action.accept(factory.reject(ReasonCode.EMPTY_INPUT, "the FeatureCollection has no features", new byte[0], sourceName));
                        return true;
                    }
                    return false;
                }
                JsonNode feature = MAPPER.readTree(json);
                String where = sourceName + '#' + index++;
                action.accept(feature(feature, where));
                return true;
            } catch (com.fasterxml.jackson.core.io.JsonEOFException e) {
                done = true;
                action.accept(factory.reject(ReasonCode.TRUNCATED, "the input ends inside feature " + index + ": " + e.getOriginalMessage(),
                        new byte[0], sourceName + '#' + index));
                return true;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                done = true;
                action.accept(factory.reject(ReasonCode.MALFORMED, "not valid JSON at feature " + index + ": " + e.getOriginalMessage(),
                        new byte[0], sourceName + '#' + index));
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + sourceName, e);
            }
        }

        /** Moves to the first element of {@code features}; null when there, "" for empty input, else the problem. */
        private String seekFeatures() throws IOException {
            JsonToken t = json.nextToken();
            if (t == null) {
                return "";
            }
            if (t != JsonToken.START_OBJECT) {
                return "the input is not a GeoJSON object";
            }
            while ((t = json.nextToken()) == JsonToken.FIELD_NAME) {
                String name = json.currentName();
                t = json.nextToken();
                if ("features".equals(name)) {
                    return t == JsonToken.START_ARRAY ? null : "'features' is not an array";
                }
                json.skipChildren();
            }
            return "the object has no 'features' array (not a FeatureCollection)";
        }

        void close() {
            try {
                if (json != null) {
                    json.close();
                }
                in.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close " + sourceName, e);
            }
        }
    }

    private ParseOutcome feature(JsonNode feature, String where) {
        byte[] raw = feature.toString().getBytes(StandardCharsets.UTF_8);
        JsonNode p = feature.path("properties");
        JsonNode id = p.path("ID");
        if (!(id.isIntegralNumber() || id.isTextual()) || id.asText().isBlank()) {
            return factory.reject(ReasonCode.MALFORMED, "properties.ID is missing", raw, where);
        }
        Instant at;
        try {
            at = LocalDateTime.parse(p.path("dt").asText("")).atZone(ZONE).toInstant();
        } catch (DateTimeParseException e) {
            return factory.reject(ReasonCode.MALFORMED, "properties.dt is not YYYY-MM-DDTHH:MM:SS: '" + p.path("dt").asText() + "'", raw, where);
        }
        for (String field : new String[] {"sev", "sli", "ser", "fat"}) {
            if (!p.path(field).isIntegralNumber()) {
                return factory.reject(p.has(field) ? ReasonCode.NOT_A_NUMBER : ReasonCode.MALFORMED,
                        "properties." + field + " is not a whole number: " + p.path(field), raw, where);
            }
        }
        JsonNode c = feature.path("geometry").path("coordinates");
        GeoPoint point = null;
        if (!feature.path("geometry").isNull() && !feature.path("geometry").isMissingNode()) {
            if (!"Point".equals(feature.path("geometry").path("type").asText()) || !c.isArray() || c.size() < 2
                    || !c.get(0).isNumber() || !c.get(1).isNumber()) {
                return factory.reject(ReasonCode.MALFORMED, "geometry is not a Point [lon, lat]: " + feature.path("geometry"), raw, where);
            }
            point = new GeoPoint(c.get(1).asDouble(), c.get(0).asDouble());
        }
        // WOJ: the voivodeship (TERYT code) the police recorded the event in — the record's region. The form may
        // lack it (then the point alone decides); a code that is no voivodeship is an error of the record.
        String region = null;
        JsonNode woj = p.path("WOJ");
        if (!woj.isMissingNode() && !woj.isNull()) {
            if (!woj.isIntegralNumber()) {
                return factory.reject(ReasonCode.NOT_A_NUMBER, "properties.WOJ is not a whole number: " + woj, raw, where);
            }
            region = Voivodeships.ofTeryt(woj.asInt()).orElse(null);
            if (region == null) {
                return factory.reject(ReasonCode.OUT_OF_RANGE, "properties.WOJ " + woj.asInt()
                        + " is not a voivodeship TERYT code (02, 04 … 32)", raw, where);
            }
        }
        int injured = p.get("sli").asInt() + p.get("ser").asInt();
        int killed = p.get("fat").asInt();
        int severity = p.get("sev").asInt();
        IncidentCategory category = injured + killed > 0 || severity > 0 ? IncidentCategory.ROAD_ACCIDENT : IncidentCategory.ROAD_COLLISION;
        return factory.build(new IncidentFactory.Candidate(id.asText(), category, "SEWIK sev " + severity, severity, injured,
                killed, point, null, at, at, null, null, region), raw, where);
    }
}
