package pl.krakow.pulse.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * Assertions that a server answers problem+json ({@link ProblemErrors}), shared through this module's test-jar:
 * every server that installs it runs {@link #malformedRequestsAnswerProblems} against its own port.
 */
public final class ProblemChecks {

    private ProblemChecks() {
    }

    /** Asserts an RFC 9457 problem document with {@code status}, no HTML and no stack trace, and returns it. */
    public static JsonNode assertProblem(RawHttp.Answer answer, int status) throws IOException {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.body()).doesNotContainIgnoringCase("<html").doesNotContainIgnoringCase("<h1");
        JsonNode problem = new ObjectMapper().readTree(answer.body());
        assertThat(problem.get("type").asText()).isEqualTo("about:blank");
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("title").asText()).isNotBlank();
        assertThat(problem.get("detail").asText()).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
        return problem;
    }

    /** A raw {@code /../x}, a {@code %00}, a 20 KB URI and a 100 KB header: 400, 400, 414, 431, each a problem. */
    public static void malformedRequestsAnswerProblems(int port) throws IOException {
        assertProblem(RawHttp.get(port, "/../x"), 400);
        assertProblem(RawHttp.get(port, "/x%00"), 400);
        assertProblem(RawHttp.get(port, "/x?q=" + "a".repeat(20_000)), 414);
        assertProblem(RawHttp.get(port, "/x", "X-Big: " + "b".repeat(100_000)), 431);
        assertProblem(RawHttp.exchange(port, "NOT HTTP AT ALL\r\n\r\n"), 400);
    }
}
