package pl.krakow.pulse.ingest.push;

import static org.assertj.core.api.Assertions.assertThat;
import static pl.krakow.pulse.testsupport.time.TestInstants.LIVE_READING_2026;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.ingest.RejectedRecord;
import pl.krakow.pulse.ingest.EventSink;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReasonCode;
import pl.krakow.pulse.platform.topics.Topics;

/** The endpoint's HTTP contract (auth, status codes, size limit) with a line parser and a recording sink; loopback only. */
class SensorPushServerTest {

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** One outcome per line: "good..." accepted, anything else MALFORMED. */
    static final PushParser LINES = (body, sourceId, channel) -> {
        List<ParseOutcome> out = new ArrayList<>();
        String[] lines = new String(body, StandardCharsets.UTF_8).split("\n");
        for (int i = 0; i < lines.length; i++) {
            String id = sourceId + '[' + i + ']';
            if (lines[i].startsWith("good")) {
                RejectedRecord v = new RejectedRecord("t", id, "NONE", "", null, null, ByteBuffer.allocate(0), LIVE_READING_2026,
                        0L, null, false);
                out.add(new ParseOutcome.Accepted<>("t", Topics.REJECTED, "k", v, LIVE_READING_2026, lines[i], id));
            } else {
                out.add(new ParseOutcome.Rejected("t", ReasonCode.MALFORMED, "bad line", lines[i].getBytes(StandardCharsets.UTF_8),
                        id, "text/plain", null, LIVE_READING_2026));
            }
        }
        return out;
    };

    static class Sink implements EventSink {
        final List<ParseOutcome.Accepted<?>> accepted = Collections.synchronizedList(new ArrayList<>());
        final List<ParseOutcome.Rejected> rejected = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void accept(ParseOutcome.Accepted<?> event) {
            accepted.add(event);
        }

        @Override
        public void reject(ParseOutcome.Rejected rejection) {
            rejected.add(rejection);
        }

        @Override
        public void flush() {
        }
    }

    private final Sink sink = new Sink();
    private final HttpClient http = HttpClient.newHttpClient();
    private SensorPushServer server;

    @BeforeEach
    void start() {
        server = new SensorPushServer(LINES, sink, Map.of("s3cret-token", "station-a", "other-token", "station-b"),
                "127.0.0.1", 0, 64);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> post(String authorization, String body) throws Exception {
        return post(authorization, "application/json", body);
    }

    private HttpResponse<String> post(String authorization, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url())).POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void missingTokenIs401AndNothingIsPublished() throws Exception {
        HttpResponse<String> r = post(null, "good");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(sink.accepted).isEmpty();
        assertThat(sink.rejected).isEmpty();
    }

    @Test
    void wrongTokenIs401() throws Exception {
        assertThat(post("Bearer s3cret-tokeN", "good").statusCode()).isEqualTo(401);
        assertThat(post("Basic s3cret-token", "good").statusCode()).isEqualTo(401);
        assertThat(sink.accepted).isEmpty();
    }

    @Test
    void goodBatchIs202WithCountsAndTheClientInTheSourceId() throws Exception {
        HttpResponse<String> r = post("Bearer other-token", "good1\ngood2");
        assertThat(r.statusCode()).isEqualTo(202);
        JsonNode json = MAPPER.readTree(r.body());
        assertThat(json.get("accepted").asInt()).isEqualTo(2);
        assertThat(json.get("rejected").asInt()).isZero();
        assertThat(sink.accepted).extracting(ParseOutcome::sourceId).containsExactly("http:station-b[0]", "http:station-b[1]");
    }

    @Test
    void mixedBatchIs400ListingTheErrorsWhileTheGoodRecordsArePublished() throws Exception {
        HttpResponse<String> r = post("Bearer s3cret-token", "good1\nbad\ngood3");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode json = MAPPER.readTree(r.body());
        assertThat(json.get("accepted").asInt()).isEqualTo(2);
        assertThat(json.get("rejected").asInt()).isEqualTo(1);
        assertThat(json.get("errors").get(0).get("sourceId").asText()).isEqualTo("http:station-a[1]");
        assertThat(json.get("errors").get(0).get("reason").asText()).isEqualTo("MALFORMED");
        assertThat(sink.accepted).hasSize(2);
        assertThat(sink.rejected).singleElement().satisfies(rej -> assertThat(rej.rawText()).isEqualTo("bad"));
    }

    @Test
    void bodyOverTheLimitIs413AndNothingIsPublished() throws Exception {
        assertThat(post("Bearer s3cret-token", "good".repeat(20)).statusCode()).isEqualTo(413);
        assertThat(sink.accepted).isEmpty();
        assertThat(sink.rejected).isEmpty();
    }

    @Test
    void onlyJsonBodiesAreTaken() throws Exception {
        for (String wrong : new String[] {null, "text/plain", "application/x-www-form-urlencoded", "application/json;charset=utf-16",
                "application/jsonx"}) {
            HttpResponse<String> r = post("Bearer s3cret-token", wrong, "good");
            assertThat(r.statusCode()).as(wrong).isEqualTo(415);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
            assertThat(MAPPER.readTree(r.body()).get("status").asInt()).isEqualTo(415);
        }
        assertThat(sink.accepted).isEmpty();
        assertThat(post("Bearer s3cret-token", "Application/JSON; charset=\"UTF-8\"", "good").statusCode()).isEqualTo(202);
    }

    @Test
    void bearerTokensMatchWholeTokensOnly() {
        BearerTokens tokens = new BearerTokens(Map.of("abc", "client-1"));
        assertThat(tokens.authenticate("Bearer abc")).contains("client-1");
        assertThat(tokens.authenticate("bearer abc")).contains("client-1");
        assertThat(tokens.authenticate("Bearer ab")).isEmpty();
        assertThat(tokens.authenticate("Bearer abcd")).isEmpty();
        assertThat(tokens.authenticate("Bearer ")).isEmpty();
        assertThat(tokens.authenticate(null)).isEmpty();
    }
}
