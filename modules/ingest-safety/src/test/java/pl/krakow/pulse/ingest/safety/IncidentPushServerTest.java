package pl.krakow.pulse.ingest.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.safety.Incident;
import pl.krakow.pulse.ingest.EventSink;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.push.SensorPushServer;

class IncidentPushServerTest {

    private final List<ParseOutcome.Accepted<?>> accepted = new ArrayList<>();
    private final List<ParseOutcome.Rejected> rejected = new ArrayList<>();
    private SensorPushServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        EventSink sink = new EventSink() {
            @Override
            public synchronized void accept(ParseOutcome.Accepted<?> event) {
                accepted.add(event);
            }

            @Override
            public synchronized void reject(ParseOutcome.Rejected rejection) {
                rejected.add(rejection);
            }

            @Override
            public void flush() {
            }
        };
        server = SafetyPush.server(new IncidentJsonParser(IngestContext.defaults(ParseResults.CLOCK), CityProfile.krakow()), sink,
                Map.of("s3cret-dispatch", "dispatch"), "127.0.0.1", 0);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> post(String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url())).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutOrWithAWrongTokenNothingIsParsed() throws Exception {
        assertThat(post(null, "{}").statusCode()).isEqualTo(401);
        assertThat(post("wrong", "{}").statusCode()).isEqualTo(401);
        assertThat(accepted).isEmpty();
        assertThat(rejected).isEmpty();
    }

    @Test
    void incidentWithArrivalIsAcceptedInItsDistrict() throws Exception {
        HttpResponse<String> r = post("s3cret-dispatch", """
                {"id":"D-1","category":"fire","type":"pożar kontenera","latitude":50.0614,"longitude":19.9372,
                 "reportedAt":"2026-11-25T10:00:00Z","arrivedAt":"2026-11-25T10:07:30Z"}""");
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.body()).contains("\"accepted\":1");
        Incident i = (Incident) accepted.get(0).value();
        assertThat(i.getFeed()).isEqualTo("incident-push");
        assertThat(i.getSourceRecordId()).isEqualTo("dispatch/D-1");
        assertThat(i.getScope()).isEqualTo("district:I");
        assertThat(i.getArrivedAt().getEpochSecond() - i.getReportedAt().getEpochSecond()).isEqualTo(450);
    }

    @Test
    void mixedBatchPublishesTheGoodAndRejectsTheBadWithReasons() throws Exception {
        HttpResponse<String> r = post("s3cret-dispatch", """
                [{"id":"D-2","category":"MEDICAL","reportedAt":"2026-11-25T10:00:00Z"},
                 {"id":"D-3","category":"alien","reportedAt":"2026-11-25T10:00:00Z"},
                 {"id":"D-4","category":"CRIME","reportedAt":"2026-11-25T10:00:00Z","arrivedAt":"2026-11-25T09:00:00Z"},
                 {"id":"D-5","category":"CRIME"}]""");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"accepted\":1", "\"rejected\":3", "http:dispatch[1]", "MALFORMED", "OUT_OF_RANGE");
        assertThat(accepted).hasSize(1);
        assertThat(((Incident) accepted.get(0).value()).getScope()).isEqualTo("city:krakow"); // no point: Kraków's own system
        assertThat(rejected).extracting(ParseOutcome.Rejected::reason).extracting(Enum::name)
                .containsExactly("MALFORMED", "OUT_OF_RANGE", "MALFORMED");
        assertThat(post("s3cret-dispatch", "{\"id\":\"D-2\",\"category\":\"MEDICAL\",\"reportedAt\":\"2026-11-25T10:00:00Z\"}").body())
                .contains("DUPLICATE");
    }
}
