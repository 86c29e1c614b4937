package pl.krakow.pulse.ingest.push;

import static pl.krakow.pulse.runtime.http.ProblemChecks.assertProblem;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.runtime.http.ProblemChecks;
import pl.krakow.pulse.runtime.http.RawHttp;

/** The push endpoint's answers to requests Jetty or Javalin reject before the push handler: problem+json, no HTML. */
class SensorPushServerErrorsTest {

    private SensorPushServer server;

    @BeforeEach
    void start() {
        server = new SensorPushServer(SensorPushServerTest.LINES, new SensorPushServerTest.Sink(), Map.of("s3cret-token", "station-a"),
                "127.0.0.1", 0, 64);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void malformedRequestsAnswerProblemsNotHtml() throws Exception {
        ProblemChecks.malformedRequestsAnswerProblems(server.port());
    }

    @Test
    void unknownPathAndWrongMethodAnswerProblems() throws Exception {
        assertProblem(RawHttp.get(server.port(), "/not-the-push-path"), 404);
        assertProblem(RawHttp.get(server.port(), SensorPushServer.PATH), 404); // only POST is routed; Javalin says 404
    }
}
