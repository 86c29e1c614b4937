package pl.krakow.pulse.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static pl.krakow.pulse.runtime.http.ProblemChecks.assertProblem;

import io.javalin.Javalin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ProblemErrors} on a real Javalin/Jetty server on loopback, with raw-socket requests no well-behaved client
 * sends: each answer is a problem document with the right status, never Jetty's HTML page.
 */
class ProblemErrorsTest {

    private static Javalin app;

    @BeforeAll
    static void start() {
        app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            ProblemErrors.install(config);
        });
        app.get("/x", ctx -> ctx.result("ok"));
        ProblemErrors.installFallbacks(app);
        app.start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        app.stop();
    }

    @Test
    void malformedRequestsAnswerProblemsNotHtml() throws Exception {
        ProblemChecks.malformedRequestsAnswerProblems(app.port());
    }

    @Test
    void unknownRouteAndWrongMethodAreProblems() throws Exception {
        assertProblem(RawHttp.get(app.port(), "/nothing-here"), 404);
        assertProblem(RawHttp.exchange(app.port(), "DELETE /x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"), 404);
        assertThat(RawHttp.get(app.port(), "/x").body()).isEqualTo("ok");
    }
}
