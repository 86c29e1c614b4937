package pl.krakow.pulse.runtime.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Makes every error a Javalin-on-Jetty server answers an RFC 9457 problem document
 * ({@code application/problem+json}: {@code type}, {@code title}, {@code status}, {@code detail}), including the
 * ones Jetty writes itself before any route runs: 400 for a request it cannot parse or an ambiguous URI
 * ({@code /../x}, {@code %00}), 414 for a request line and 431 for headers over its limits. Jetty's own answer is an
 * HTML page, which an API client cannot read.
 *
 * <p>{@link #install(JavalinConfig)} goes into {@code Javalin.create(config -> …)}; it replaces the Jetty
 * {@link ErrorHandler} of the server (requests that fail to parse, answered by {@link ErrorHandler#badMessageError})
 * and of the servlet context (errors Jetty raises while dispatching). {@link #installFallbacks(Javalin)} adds the
 * Javalin-level 404/405 for a server whose own routes do not render them. The detail of a Jetty-level error is
 * Jetty's reason ("Bad URI", "URI too long", …), never a stack trace, and never the request's URI or headers (which
 * are what was malformed, and may be huge or carry credentials).
 */
public final class ProblemErrors {

    /** The media type of every problem document, as Jetty renders it. */
    public static final String PROBLEM_JSON = "application/problem+json;charset=utf-8";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ProblemErrors() {
    }

    /** Installs the problem+json Jetty error handler on the server and its servlet context. */
    public static void install(JavalinConfig config) {
        config.jetty.modifyServer(server -> server.setErrorHandler(new ProblemErrorHandler()));
        config.jetty.modifyServletContextHandler(context -> context.setErrorHandler(new ProblemErrorHandler()));
    }

    /**
     * Renders Javalin's own 404 (no route) and 405 (wrong method) as problem documents unless a handler already
     * answered one.
     */
    public static void installFallbacks(Javalin app) {
        for (HttpStatus status : new HttpStatus[] {HttpStatus.NOT_FOUND, HttpStatus.METHOD_NOT_ALLOWED}) {
            app.error(status, ctx -> {
                if (!isProblem(ctx.res().getContentType())) {
                    respond(ctx, status.getCode(), "no route serves " + ctx.method() + " " + ctx.path());
                }
            });
        }
    }

    /** Answers {@code status} with a problem document whose detail is {@code detail}. */
    public static void respond(Context ctx, int status, String detail) {
        ctx.status(status).contentType(PROBLEM_JSON).result(render(status, detail));
    }

    /** The problem document: {@code {"type":"about:blank","title":<reason phrase>,"status":…,"detail":…}}. */
    public static byte[] render(int status, String detail) {
        ObjectNode problem = JSON.createObjectNode()
                .put("type", "about:blank")
                .put("title", title(status))
                .put("status", status)
                .put("detail", detail == null || detail.isBlank() ? title(status) : detail);
        return problem.toString().getBytes(StandardCharsets.UTF_8);
    }

    static boolean isProblem(String contentType) {
        return contentType != null && contentType.startsWith("application/problem+json");
    }

    static String title(int status) {
        HttpStatus known = HttpStatus.forStatus(status);
        return known == HttpStatus.UNKNOWN ? "HTTP " + status : known.getMessage();
    }

    /** Jetty's error handler, answering problem+json instead of its HTML error page. */
    static final class ProblemErrorHandler extends ErrorHandler {

        ProblemErrorHandler() {
            setShowStacks(false);
            setShowServlet(false);
        }

        /** Errors of requests Jetty could not parse (bad request line, URI or headers too long). */
        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            fields.put(HttpHeader.CONTENT_TYPE, PROBLEM_JSON);
            return ByteBuffer.wrap(render(status, reason));
        }

        /** Errors Jetty raises while dispatching a parsed request (an ambiguous URI, a failed dispatch). */
        @Override
        public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
                throws IOException {
            baseRequest.setHandled(true);
            int status = response.getStatus() < 400 ? 500 : response.getStatus();
            Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
            byte[] body = render(status, message == null ? null : message.toString());
            if (response.isCommitted()) {
                return; // a streamed answer (SSE) already went out; nothing can be added
            }
            response.resetBuffer();
            response.setContentType(PROBLEM_JSON);
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }

        /** Every method gets a body; Jetty's default gives one only to GET, POST and HEAD. */
        @Override
        public boolean errorPageForMethod(String method) {
            return true;
        }
    }
}
