package pl.krakow.pulse.ingest.environment.sensors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.events.environment.NoiseMeasurement;
import pl.krakow.pulse.events.ingest.RejectedRecord;
import pl.krakow.pulse.ingest.EventPublisher;
import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.push.SensorPushServer;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.topics.RejectedRecords;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.testsupport.kafka.EmbeddedPlatform;

/** HTTP push through the production wiring (endpoint → JSON parser → publisher) into the embedded broker and registry. */
class SensorPushIT {

    @TempDir
    static Path dir;

    private static EmbeddedPlatform platform;
    private static PulseMetrics metrics;
    private static EventPublisher publisher;
    private static SensorPushServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String TIME = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(1, ChronoUnit.HOURS).toString();

    @BeforeAll
    static void start() {
        platform = EmbeddedPlatform.builder(dir, "sensor-push-it").schemaRegistry().start()
                .provision(Topics.AIR_QUALITY, Topics.NOISE, Topics.REJECTED);
        metrics = platform.metrics();
        publisher = platform.track(new EventPublisher(platform.clients(), platform.serdes(), metrics, "sensor-push-it"));
        Clock clock = Clock.systemUTC();
        SensorReadingParser parser = new SensorReadingParser(
                EventValidator.of(IngestContext.from(PulseConfig.defaults(), metrics.registry(), clock), Set.of()), clock, Set.of());
        server = platform.track(new SensorPushServer(parser, publisher, Map.of("token-of-lcs-network", "lcs-network"), "127.0.0.1", 0,
                SensorPushServer.DEFAULT_MAX_BODY_BYTES));
        server.start();
    }

    @AfterAll
    static void stop() {
        if (platform != null) { // and what it tracks: the server, then the publisher
            platform.close();
        }
    }

    private static HttpResponse<String> post(String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url()))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutOrWithAWrongTokenIs401AndNothingIsPublished() throws Exception {
        String reading = "{\"sensorId\":\"unauth-1\",\"time\":\"" + TIME + "\",\"pm10\":20}";
        assertThat(post(null, reading).statusCode()).isEqualTo(401);
        assertThat(post("wrong-token", reading).statusCode()).isEqualTo(401);
        assertThat(platform.readToEnd(Topics.AIR_QUALITY)).noneMatch(r -> r.key().equals("sensor:unauth-1"));
    }

    @Test
    void goodBatchIs202AndReachesTheTopics() throws Exception {
        HttpResponse<String> r = post("token-of-lcs-network", "[{\"sensorId\":\"good-1\",\"time\":\"" + TIME
                + "\",\"pm10\":23.4,\"pm25\":12.1},{\"sensorId\":\"noise-good-1\",\"time\":\"" + TIME
                + "\",\"laeqDb\":61.2,\"intervalSeconds\":60}]");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode json = MAPPER.readTree(r.body());
        assertThat(json.get("accepted").asInt()).isEqualTo(3);
        assertThat(json.get("rejected").asInt()).isZero();

        List<ConsumerRecord<String, AirQualityMeasurement>> air = platform.readToEnd(Topics.AIR_QUALITY).stream()
                .filter(c -> c.key().equals("sensor:good-1")).toList();
        assertThat(air).extracting(c -> c.value().getConcentrationUgM3()).containsExactlyInAnyOrder(23.4, 12.1);
        assertThat(air).allSatisfy(c -> {
            assertThat(c.value().getFeed()).isEqualTo("sensor-push");
            assertThat(c.value().getSourceId()).isEqualTo("http:lcs-network[0]");
            assertThat(c.value().getValidated()).isFalse();
        });
        List<ConsumerRecord<String, NoiseMeasurement>> noise = platform.readToEnd(Topics.NOISE).stream()
                .filter(c -> c.key().equals("noise-good-1")).toList();
        assertThat(noise).singleElement().satisfies(c -> {
            assertThat(c.value().getLaeqDb()).isEqualTo(61.2);
            assertThat(c.value().getIntervalSeconds()).isEqualTo(60);
        });
    }

    @Test
    void mixedBatchPublishesTheGoodReadingsAndSendsTheBadOnesToTheDeadLetterQueue() throws Exception {
        String bad = "{\"sensorId\":\"mixed-2\",\"time\":\"" + TIME + "\",\"pm10\":-3}";
        String wrongUnit = "{\"sensorId\":\"mixed-3\",\"time\":\"" + TIME + "\",\"pm10\":0.02,\"unit\":\"mg/m3\"}";
        HttpResponse<String> r = post("token-of-lcs-network", "[{\"sensorId\":\"mixed-1\",\"time\":\"" + TIME + "\",\"pm10\":31},"
                + bad + "," + wrongUnit + "]");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode json = MAPPER.readTree(r.body());
        assertThat(json.get("accepted").asInt()).isEqualTo(1);
        assertThat(json.get("rejected").asInt()).isEqualTo(2);
        assertThat(json.get("errors")).extracting(e -> e.get("reason").asText()).containsExactly("OUT_OF_RANGE", "WRONG_UNIT");

        assertThat(platform.readToEnd(Topics.AIR_QUALITY)).filteredOn(c -> c.key().startsWith("sensor:mixed-"))
                .singleElement().satisfies(c -> assertThat(c.value().getConcentrationUgM3()).isEqualTo(31.0));
        List<RejectedRecord> dlq = platform.readToEnd(Topics.REJECTED).stream().map(ConsumerRecord::value)
                .filter(v -> v.getSourceId().startsWith("http:lcs-network")).toList();
        assertThat(dlq).extracting(RejectedRecord::getReasonCode).contains("OUT_OF_RANGE", "WRONG_UNIT");
        assertThat(dlq).filteredOn(v -> v.getReasonCode().equals("OUT_OF_RANGE")).singleElement().satisfies(v -> {
            assertThat(v.getFeed()).isEqualTo("sensor-push");
            assertThat(v.getSourceId()).isEqualTo("http:lcs-network[1]");
            assertThat(v.getIntendedTopic()).isEqualTo(Topics.AIR_QUALITY.name());
            assertThat(v.getContentType()).isEqualTo("application/json");
            assertThat(StandardCharsets.UTF_8.decode(v.getRawPayload()).toString()).isEqualTo(bad);
        });
    }

    /** A rejection as large as the push limit allows once never reached the DLQ (RecordTooLargeException). */
    @Test
    void rejectedBodyOfTheFullPushLimitLandsInTheDeadLetterQueueCutWithItsLengthAndHash() throws Exception {
        byte[] body = new byte[(int) SensorPushServer.DEFAULT_MAX_BODY_BYTES];
        Arrays.fill(body, (byte) 'x');
        HttpResponse<String> r = post("token-of-lcs-network", new String(body, StandardCharsets.US_ASCII));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);

        List<RejectedRecord> dlq = platform.readToEnd(Topics.REJECTED).stream().map(ConsumerRecord::value)
                .filter(v -> v.getRawPayloadLength() != null && v.getRawPayloadLength() == body.length).toList();
        assertThat(dlq).singleElement().satisfies(v -> {
            assertThat(v.getReasonCode()).isEqualTo("MALFORMED");
            assertThat(v.getRawPayloadTruncated()).isTrue();
            assertThat(v.getRawPayload().remaining()).isEqualTo(RejectedRecords.withDefaultLimit().maxPayloadBytes());
            assertThat(v.getRawPayloadSha256()).isEqualTo(RejectedRecords.sha256Hex(body));
        });
        assertThat(publisher.sendFailures()).isZero();
    }
}
