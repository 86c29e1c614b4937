package pl.krakow.pulse.ingest.environment.sensors;

import static org.assertj.core.api.Assertions.assertThat;
import static pl.krakow.pulse.testsupport.time.TestInstants.LIVE_READING_2026;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.events.environment.NoiseMeasurement;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReasonCode;
import pl.krakow.pulse.platform.topics.Topics;

class SensorReadingParserTest {

    static final Instant NOW = Instant.parse("2026-11-25T10:30:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private SensorReadingParser parser = parser(Set.of());

    static SensorReadingParser parser(Set<String> known) {
        return new SensorReadingParser(EventValidator.of(IngestContext.defaults(CLOCK), Set.of()), CLOCK, known);
    }

    private List<ParseOutcome> parse(String body) {
        return parser.parse(body.getBytes(StandardCharsets.UTF_8), "http:test", null);
    }

    private static ParseOutcome.Rejected onlyRejection(List<ParseOutcome> outcomes, ReasonCode reason) {
        assertThat(outcomes).singleElement().isInstanceOf(ParseOutcome.Rejected.class);
        ParseOutcome.Rejected r = (ParseOutcome.Rejected) outcomes.get(0);
        assertThat(r.reason()).as(r.message()).isEqualTo(reason);
        assertThat(r.feed()).isEqualTo(SensorReadingParser.FEED);
        assertThat(r.contentType()).isEqualTo("application/json");
        return r;
    }

    @Test
    void pmReadingBecomesOneMeasurementPerPollutant() {
        List<ParseOutcome> out = parse("{\"sensorId\":\"lcs-042\",\"time\":\"2026-11-25T10:00:00Z\",\"pm10\":23.4,\"pm25\":12.1}");
        assertThat(out).hasSize(2).allSatisfy(o -> assertThat(o).isInstanceOf(ParseOutcome.Accepted.class));
        ParseOutcome.Accepted<?> a = (ParseOutcome.Accepted<?>) out.get(0);
        assertThat(a.topic()).isEqualTo(Topics.AIR_QUALITY);
        assertThat(a.key()).isEqualTo("sensor:lcs-042");
        AirQualityMeasurement m = (AirQualityMeasurement) a.value();
        assertThat(m.getEventId()).isEqualTo("sensor-push:lcs-042:PM10:" + LIVE_READING_2026.toEpochMilli());
        assertThat(m.getStationCode()).isEqualTo("sensor:lcs-042");
        assertThat(m.getPollutant()).isEqualTo(Pollutant.PM10);
        assertThat(m.getConcentrationUgM3()).isEqualTo(23.4);
        assertThat(m.getAveragingPeriodSeconds()).isEqualTo(3600);
        assertThat(m.getValidated()).isFalse();
        assertThat(m.getFeed()).isEqualTo("sensor-push");
        assertThat(m.getSourceId()).isEqualTo("http:test");
        assertThat(m.getEventTime()).isEqualTo(LIVE_READING_2026);
        assertThat(m.getIngestedAt()).isEqualTo(NOW);
        assertThat(((AirQualityMeasurement) ((ParseOutcome.Accepted<?>) out.get(1)).value()).getPollutant()).isEqualTo(Pollutant.PM25);
    }

    @Test
    void noiseReadingBecomesNoiseMeasurementWithItsInterval() {
        List<ParseOutcome> out = parse("{\"sensorId\":\"noise-7\",\"time\":\"2026-11-25T11:01:00+01:00\",\"laeqDb\":61.2,\"intervalSeconds\":60}");
        assertThat(out).singleElement().isInstanceOf(ParseOutcome.Accepted.class);
        ParseOutcome.Accepted<?> a = (ParseOutcome.Accepted<?>) out.get(0);
        assertThat(a.topic()).isEqualTo(Topics.NOISE);
        assertThat(a.key()).isEqualTo("noise-7");
        NoiseMeasurement n = (NoiseMeasurement) a.value();
        assertThat(n.getLaeqDb()).isEqualTo(61.2);
        assertThat(n.getIntervalSeconds()).isEqualTo(60);
        assertThat(n.getEventTime()).isEqualTo(Instant.parse("2026-11-25T10:01:00Z"));
        assertThat(n.getEventId()).isEqualTo("sensor-push:noise-7:LAEQ:" + Instant.parse("2026-11-25T10:01:00Z").toEpochMilli());
    }

    @Test
    void batchRecordsAreIndependentAndCarryTheirOwnRawBytes() {
        String bad = "{\"sensorId\":\"b\",\"time\":\"2026-11-25T10:00:00Z\",\"pm10\":-5}";
        List<ParseOutcome> out = parse("[{\"sensorId\":\"a\",\"time\":\"2026-11-25T10:00:00Z\",\"pm10\":20}, " + bad
                + ", {\"sensorId\":\"c\",\"time\":\"2026-11-25T10:00:00Z\",\"pm25\":9}]");
        assertThat(out).hasSize(3);
        assertThat(out.get(0)).isInstanceOf(ParseOutcome.Accepted.class);
        assertThat(out.get(2)).isInstanceOf(ParseOutcome.Accepted.class);
        ParseOutcome.Rejected r = (ParseOutcome.Rejected) out.get(1);
        assertThat(r.reason()).isEqualTo(ReasonCode.OUT_OF_RANGE);
        assertThat(r.sourceId()).isEqualTo("http:test[1]");
        assertThat(r.rawText()).isEqualTo(bad);
        assertThat(out.get(2).sourceId()).isEqualTo("http:test[2]");
    }

    @Test
    void malformedJsonIsRejectedWithTheWholeBody() {
        ParseOutcome.Rejected r = onlyRejection(parse("{\"sensorId\":\"a\",\"time\":"), ReasonCode.MALFORMED);
        assertThat(r.rawText()).isEqualTo("{\"sensorId\":\"a\",\"time\":");
    }

    @Test
    void syntaxErrorLateInABatchKeepsTheEarlierReadings() {
        List<ParseOutcome> out = parse("[{\"sensorId\":\"a\",\"time\":\"2026-11-25T10:00:00Z\",\"pm10\":20}, {oops");
        assertThat(out).hasSize(2);
        assertThat(out.get(0)).isInstanceOf(ParseOutcome.Accepted.class);
        assertThat(((ParseOutcome.Rejected) out.get(1)).reason()).isEqualTo(ReasonCode.MALFORMED);
    }

    @Test
    void emptyBodyAndEmptyArrayAreEmptyInput() {
        onlyRejection(parse(""), ReasonCode.EMPTY_INPUT);
        onlyRejection(parse(" []\n"), ReasonCode.EMPTY_INPUT);
    }

    @Test
    void textInsteadOfNumberIsNotANumber() {
        onlyRejection(parse("{\"sensorId\":\"a\",\"time\":\"2026-11-25T10:00:00Z\",\"pm10\":\"high\"}"), ReasonCode.NOT_A_NUMBER);
        onlyRejection(parse("{\"sensorId\":\"a\",\"time\":\"2026-11-25T10:00:00Z\",\"laeqDb\":true}"), ReasonCode.NOT_A_NUMBER);
    }

    @Test
    void numberOverflowingToInfinityIsNotANumber() {
        onlyRejection(parse("{\"sensorId\":\"a\",\"time\":\"2026-11-25T10:00:00Z\",\"pm10\":1e999}"), ReasonCode.NOT_A_NUMBER);
    }

    @Test
    void valuesOutsidePlausibleRangesAreOutOfRange() {
        onlyRejection(parse("{\"sensorId\":\"a\",\"time\":\"2026-11-25T10:00:00Z\",\"pm25\":2500}"), ReasonCode.OUT_OF_RANGE);
        onlyRejection(parse("{\"sensorId\":\"a\",\"time\":\"2026-11-25T10:00:00Z\",\"laeqDb\":190}"), ReasonCode.OUT_OF_RANGE);
        onlyRejection(parse("{\"sensorId\":\"a\",\"time\":\"2026-11-25T10:00:00Z\",\"pm10\":5,\"intervalSeconds\":0}"),
                ReasonCode.OUT_OF_RANGE);
    }

    @Test
    void badPm25DoesNotCostTheGoodPm10OfTheSameReading() {
        List<ParseOutcome> out = parse("{\"sensorId\":\"a\",\"time\":\"2026-11-25T10:00:00Z\",\"pm10\":30,\"pm25\":-1}");
        assertThat(out).hasSize(2);
        assertThat(out.get(0)).isInstanceOf(ParseOutcome.Accepted.class);
        assertThat(((ParseOutcome.Rejected) out.get(1)).reason()).isEqualTo(ReasonCode.OUT_OF_RANGE);
    }

    @Test
    void unitOtherThanMicrogramsIsWrongUnit() {
        onlyRejection(parse("{\"sensorId\":\"a\",\"time\":\"2026-11-25T10:00:00Z\",\"pm10\":0.03,\"unit\":\"mg/m3\"}"),
                ReasonCode.WRONG_UNIT);
        assertThat(parse("{\"sensorId\":\"a\",\"time\":\"2026-11-25T10:00:00Z\",\"pm10\":30,\"unit\":\"µg/m³\"}"))
                .singleElement().isInstanceOf(ParseOutcome.Accepted.class);
    }

    @Test
    void readingFromTheFutureIsInFuture() {
        onlyRejection(parse("{\"sensorId\":\"a\",\"time\":\"2026-11-25T11:00:00Z\",\"pm10\":30}"), ReasonCode.IN_FUTURE);
    }

    @Test
    void readingBeyondTheHorizonIsTooOld() {
        parser = new SensorReadingParser(EventValidator.of(IngestContext.defaults(CLOCK).withMaxAge(Duration.ofDays(30)), Set.of()),
                CLOCK, Set.of());
        onlyRejection(parse("{\"sensorId\":\"a\",\"time\":\"2016-11-25T10:00:00Z\",\"pm10\":30}"), ReasonCode.TOO_OLD);
    }

    @Test
    void missingOrUnreadableFieldsAreMalformed() {
        onlyRejection(parse("{\"time\":\"2026-11-25T10:00:00Z\",\"pm10\":30}"), ReasonCode.MALFORMED);
        onlyRejection(parse("{\"sensorId\":\"a b/c\",\"time\":\"2026-11-25T10:00:00Z\",\"pm10\":30}"), ReasonCode.MALFORMED);
        onlyRejection(parse("{\"sensorId\":\"a\",\"time\":\"25.11.2026 10:00\",\"pm10\":30}"), ReasonCode.MALFORMED);
        onlyRejection(parse("{\"sensorId\":\"a\",\"time\":\"2026-11-25T10:00:00\",\"pm10\":30}"), ReasonCode.MALFORMED);
        onlyRejection(parse("{\"sensorId\":\"a\",\"time\":\"2026-11-25T10:00:00Z\"}"), ReasonCode.MALFORMED);
        onlyRejection(parse("[42]"), ReasonCode.MALFORMED);
    }

    @Test
    void resentReadingIsDuplicate() {
        String reading = "{\"sensorId\":\"a\",\"time\":\"2026-11-25T10:00:00Z\",\"pm10\":30}";
        assertThat(parse(reading)).singleElement().isInstanceOf(ParseOutcome.Accepted.class);
        onlyRejection(parse(reading), ReasonCode.DUPLICATE);
    }

    @Test
    void aReadingThatWasNotStoredIsAcceptedWhenResentButOneThatWasStaysADuplicate() {
        String reading = "{\"sensorId\":\"a\",\"time\":\"2026-11-25T10:00:00Z\",\"pm10\":30,\"pm25\":20}";
        List<ParseOutcome> first = parse(reading);
        assertThat(first).hasSize(2).allMatch(o -> o instanceof ParseOutcome.Accepted<?>);
        // The push was answered 503: PM10 did not land, PM2.5 did.
        parser.notStored(List.of((ParseOutcome.Accepted<?>) first.get(0)));

        List<ParseOutcome> resent = parse(reading);
        assertThat(resent.get(0)).isInstanceOfSatisfying(ParseOutcome.Accepted.class,
                a -> assertThat(a.eventId()).isEqualTo(((ParseOutcome.Accepted<?>) first.get(0)).eventId()));
        assertThat(resent.get(1)).isInstanceOfSatisfying(ParseOutcome.Rejected.class,
                r -> assertThat(r.reason()).isEqualTo(ReasonCode.DUPLICATE));
    }

    @Test
    void channelSensorIdFillsInAndMustMatchThePayload() {
        byte[] withoutId = "{\"time\":\"2026-11-25T10:00:00Z\",\"pm10\":30}".getBytes(StandardCharsets.UTF_8);
        List<ParseOutcome> out = parser.parse(withoutId, "pulse/sensors/lcs-1/readings", "lcs-1");
        assertThat(out).singleElement().satisfies(o -> assertThat(((ParseOutcome.Accepted<?>) o).key()).isEqualTo("sensor:lcs-1"));
        byte[] otherId = "{\"sensorId\":\"lcs-2\",\"time\":\"2026-11-25T10:00:00Z\",\"pm10\":30}".getBytes(StandardCharsets.UTF_8);
        ParseOutcome.Rejected r = onlyRejection(parser.parse(otherId, "pulse/sensors/lcs-1/readings", "lcs-1"), ReasonCode.MALFORMED);
        assertThat(r.sourceId()).isEqualTo("pulse/sensors/lcs-1/readings");
    }

    @Test
    void unknownSensorIsRejectedOnlyWhenARegistryIsConfigured() {
        parser = parser(Set.of("lcs-1"));
        onlyRejection(parse("{\"sensorId\":\"lcs-9\",\"time\":\"2026-11-25T10:00:00Z\",\"pm10\":30}"), ReasonCode.UNKNOWN_STATION);
        assertThat(parse("{\"sensorId\":\"lcs-1\",\"time\":\"2026-11-25T10:00:00Z\",\"pm10\":30}"))
                .singleElement().isInstanceOf(ParseOutcome.Accepted.class);
    }
}
