package pl.krakow.pulse.ingest.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.runtime.service.Service;
import pl.krakow.pulse.ingest.EventSink;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.PublishException;
import pl.krakow.pulse.runtime.http.ProblemErrors;

/**
 * The authenticated HTTP push endpoint for sensors (DESIGN §8): {@code POST /ingest/v1/sensors}
 * with a body the {@link PushParser} understands (for the environment sensors: one JSON reading or
 * an array of them).
 *
 * <p>Contract:
 * <ul>
 *   <li><b>Authentication</b>: {@code Authorization: Bearer <token>}, tokens per client
 *       ({@link BearerTokens}, constant-time comparison). Missing or wrong → {@code 401} with
 *       {@code WWW-Authenticate: Bearer}; nothing is parsed or published.</li>
 *   <li><b>Size</b>: a body over {@code maxBodyBytes} → {@code 413}, nothing published.</li>
 *   <li><b>Independent records</b>: every accepted outcome is published to its topic, every rejection
 *       to {@code ingest.rejected.v1} (raw bytes, reason, source id {@code http:<client>[index]}).
 *       One bad record never costs the good ones of its batch.</li>
 *   <li><b>Status</b>: {@code 202 {"accepted":n,"rejected":0}} when every record was accepted;
 *       {@code 400 {"accepted":n,"rejected":m,"errors":[{"sourceId","reason","message"}]}} when any was
 *       rejected — the {@code n} accepted ones of that batch <em>are</em> published, so a client must not
 *       resend them (a resend is a {@code DUPLICATE}); {@code 503} when the sink cannot take records.</li>
 *   <li><b>Durability</b>: the sink is flushed before answering, so a {@code 2xx}/{@code 400} means the
 *       records were handed to Kafka and acknowledged or counted as send failures.</li>
 * </ul>
 * Logs one line per start/stop, never per request. Thread-safe; {@link #close()} is idempotent.
 *
 * <p>A {@link Service} named {@code push-http} followed by its path: {@link #start()} binds the port,
 * ready while listening.
 */
public final class SensorPushServer implements Service {

    public static final String PATH = "/ingest/v1/sensors";
    /** Default request size limit: a day of one-minute readings of one sensor is ~150 kB. */
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(SensorPushServer.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String JSON = "application/json";

    private final PushParser parser;
    private final EventSink sink;
    private final BearerTokens tokens;
    private final long maxBodyBytes;
    private final Javalin app;
    private final String host;
    private final String path;
    private final int requestedPort;
    private volatile boolean started;
    private volatile boolean closed;

    /**
     * A server on {@code host:port}, not started.
     *
     * @param parser        turns a body into outcomes (thread-safe)
     * @param sink          where accepted events and rejections go
     * @param tokenToClient bearer token → client name (at least one)
     * @param host          the address to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
     * @param port          the port, 0 for a free one
     * @param maxBodyBytes  the request size limit; larger bodies get 413
     */
    public SensorPushServer(PushParser parser, EventSink sink, Map<String, String> tokenToClient,
                            String host, int port, long maxBodyBytes) {
        this(PATH, parser, sink, new BearerTokens(tokenToClient), host, port, maxBodyBytes);
    }

    /** The same with the tokens as configured ({@code ingest.push.http.tokens}). */
    public SensorPushServer(PushParser parser, EventSink sink, BearerTokens tokens, String host, int port, long maxBodyBytes) {
        this(PATH, parser, sink, tokens, host, port, maxBodyBytes);
    }

    /**
     * The same contract on another path, for other pushed records (e.g. incidents from city dispatch systems
     * on {@code /ingest/v1/incidents}): only the parser differs.
     */
    public SensorPushServer(String path, PushParser parser, EventSink sink, BearerTokens tokens,
                            String host, int port, long maxBodyBytes) {
        this.path = Objects.requireNonNull(path, "path");
        this.parser = Objects.requireNonNull(parser, "parser");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        if (tokens.size() == 0) {
            throw new IllegalArgumentException("the sensor push endpoint needs at least one bearer token");
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be >= 1: " + maxBodyBytes);
        }
        this.maxBodyBytes = maxBodyBytes;
        this.host = Objects.requireNonNull(host, "host");
        QueuedThreadPool threads = new QueuedThreadPool(16, 2, 60_000);
        threads.setName("sensor-push-http");
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.jetty.threadPool = threads;
            config.http.defaultContentType = JSON;
            config.router.ignoreTrailingSlashes = true;
            // Jetty's own 400/414/431 (a request it cannot parse) as problem+json too, not its HTML page.
            ProblemErrors.install(config);
        });
        app.post(path, this::handle);
        ProblemErrors.installFallbacks(app);
        app.exception(Exception.class, (e, ctx) -> {
            LOG.warn("Push request to {} failed: {}", path, e.toString());
            error(ctx, 500, "internal error");
        });
        this.requestedPort = port;
    }

    @Override
    public String name() {
        return "push-http" + path;
    }

    /** Binds the port; throws when it is in use. */
    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("the push endpoint " + path + " was closed");
        }
        if (!started) {
            app.start(host, requestedPort);
            started = true;
            LOG.info("Push endpoint listening on {}", url());
        }
    }

    /** Listening: started and not closed. */
    @Override
    public boolean isReady() {
        return started && !closed;
    }

    @Override
    public String status() {
        return closed ? "closed" : started ? "listening on " + url() : "not started";
    }

    /** The bound port. */
    public int port() {
        return app.port();
    }

    /** The endpoint's full URL, e.g. {@code http://127.0.0.1:34567/ingest/v1/sensors}. */
    public String url() {
        String h = host.equals("0.0.0.0") ? "127.0.0.1" : host;
        return "http://" + h + ":" + port() + path;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (started) {
            app.stop();
            LOG.info("Push endpoint {} stopped", path);
        }
    }

    private void handle(Context ctx) throws IOException {
        Optional<String> client = tokens.authenticate(ctx.header("Authorization"));
        if (client.isEmpty()) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"pulse-sensors\"");
            error(ctx, 401, ctx.header("Authorization") == null ? "missing bearer token" : "invalid bearer token");
            return;
        }
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBodyBytes) {
            error(ctx, 413, "request body of " + declared + " bytes exceeds the limit of " + maxBodyBytes);
            return;
        }
        byte[] body = readBounded(ctx.req().getInputStream());
        if (body == null) {
            error(ctx, 413, "request body exceeds the limit of " + maxBodyBytes + " bytes");
            return;
        }
        List<ParseOutcome> outcomes = parser.parse(body, "http:" + client.get(), null);
        int accepted = 0;
        ArrayNode errors = MAPPER.createArrayNode();
        try {
            for (ParseOutcome o : outcomes) {
                sink.publish(o);
                if (o instanceof ParseOutcome.Rejected r) {
                    errors.addObject().put("sourceId", r.sourceId()).put("reason", r.reason().name()).put("message", r.message());
                } else {
                    accepted++;
                }
            }
            sink.flush();
        } catch (PublishException e) {
            error(ctx, 503, "cannot publish: " + e.getMessage());
            return;
        }
        ObjectNode response = MAPPER.createObjectNode().put("accepted", accepted).put("rejected", errors.size());
        if (errors.isEmpty()) {
            ctx.status(202);
        } else {
            response.set("errors", errors);
            ctx.status(400);
        }
        ctx.contentType(JSON).result(MAPPER.writeValueAsString(response));
    }

    /** The body, or null when it is longer than the limit (chunked bodies have no Content-Length). */
    private byte[] readBounded(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            total += n;
            if (total > maxBodyBytes) {
                return null;
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static void error(Context ctx, int status, String message) {
        ctx.status(status).contentType(JSON).result("{\"error\":" + quote(message) + "}");
    }

    private static String quote(String s) {
        try {
            return MAPPER.writeValueAsString(s);
        } catch (IOException e) {
            return "\"\"";
        }
    }
}
