package pl.krakow.pulse.ingest.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.ingest.EventSink;
import pl.krakow.pulse.ingest.NotAcknowledgedException;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.runtime.http.ProblemErrors;
import pl.krakow.pulse.runtime.service.Service;

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
 *   <li><b>Content type</b>: {@code Content-Type: application/json}, optionally with {@code charset=utf-8}
 *       (the body is read as UTF-8); anything else, or none → {@code 415}, nothing published.</li>
 *   <li><b>Size</b>: a body over {@code maxBodyBytes} → {@code 413}, nothing published.</li>
 *   <li><b>Independent records</b>: every accepted outcome is published to its topic, every rejection
 *       to {@code ingest.rejected.v1} (raw bytes, reason, source id {@code http:<client>[index]}).
 *       One bad record never costs the good ones of its batch.</li>
 *   <li><b>An answer means durable</b>: the request is answered only once the broker acknowledged every
 *       record of it, accepted events and dead letters alike ({@link EventSink#publishAll}).
 *       {@code 202 {"accepted":n,"rejected":0}} when every record was accepted;
 *       {@code 400 {"accepted":n,"rejected":m,"errors":[{"sourceId","reason","message"}]}} when any was
 *       rejected — the {@code n} accepted ones of that batch <em>are</em> stored, so a client must not
 *       resend them (a resend is a {@code DUPLICATE}).</li>
 *   <li><b>503 with {@code Retry-After}</b> when any record of the batch was not acknowledged (broker
 *       unreachable, send failed, or no acknowledgement within the sink's bound, {@code ingest.push.ack.timeout}):
 *       nothing of that batch may be assumed stored; the client resends the <em>whole</em> batch after the
 *       delay. The records that did not land are forgotten by the parser's duplicate check
 *       ({@link PushParser#notStored}), so their resend is accepted; any that did land come back as
 *       {@code DUPLICATE} in a {@code 400}, which for a resend means "already stored". Counted in
 *       {@value #UNAVAILABLE_METRIC} (tags {@code path}, {@code cause}).</li>
 *   <li><b>Errors</b> are RFC 9457 problem documents ({@code application/problem+json}).</li>
 * </ul>
 * The wait for the acknowledgement holds no thread: the handler hands Javalin a future
 * ({@code ctx.future}) and the answer is written on a Jetty worker when it completes, so a broker outage
 * does not exhaust the pool. Jetty's accept queue ({@value #ACCEPT_QUEUE}) and thread pool are sized so a
 * burst of a thousand concurrent clients is queued, not reset. Logs one line per start/stop, on the first
 * 503 of an outage and when pushes are acknowledged again after 10 s without a 503, never per request. Thread-safe; {@link #close()} is idempotent.
 *
 * <p>A {@link Service} named {@code push-http} followed by its path: {@link #start()} binds the port,
 * ready while listening.
 */
public final class SensorPushServer implements Service {

    public static final String PATH = "/ingest/v1/sensors";
    /** Default request size limit: a day of one-minute readings of one sensor is ~150 kB. */
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    /** The media type a push body must declare. */
    public static final String CONTENT_TYPE = "application/json";
    /** Counter of pushes answered 503, tags {@code path} and {@code cause} ({@link NotAcknowledgedException.Reason#tag()}). */
    public static final String UNAVAILABLE_METRIC = "pulse.ingest.push.unavailable";
    /** Seconds a client is asked to wait before resending a batch answered 503. */
    public static final int RETRY_AFTER_SECONDS = 5;

    /** Connections the kernel may queue before Jetty accepts them (Java's default of 50 reset bursts). */
    static final int ACCEPT_QUEUE = 1024;
    private static final int MAX_THREADS = 64;
    private static final int MIN_THREADS = 4;
    private static final int IDLE_TIMEOUT_MS = 30_000;
    private static final long RECOVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private static final Logger LOG = LoggerFactory.getLogger(SensorPushServer.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String JSON = "application/json";
    private static final String PROBLEM_JSON = "application/problem+json;charset=utf-8";

    private final PushParser parser;
    private final EventSink sink;
    private final BearerTokens tokens;
    private final long maxBodyBytes;
    private final QueuedThreadPool threads;
    private final Javalin app;
    private final String host;
    private final String path;
    private final Map<NotAcknowledgedException.Reason, Counter> unavailable = new EnumMap<>(NotAcknowledgedException.Reason.class);
    private volatile boolean started;
    private volatile boolean closed;
    private volatile boolean outage;
    private volatile long lastUnavailableNanos;

    /**
     * A server on {@code host:port}, not started, counting into a registry of its own (tests).
     *
     * @param parser        turns a body into outcomes (thread-safe)
     * @param sink          where accepted events and rejections go; its {@link EventSink#publishAll} bounds the wait
     * @param tokenToClient bearer token → client name (at least one)
     * @param host          the address to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
     * @param port          the port, 0 for a free one
     * @param maxBodyBytes  the request size limit; larger bodies get 413
     */
    public SensorPushServer(PushParser parser, EventSink sink, Map<String, String> tokenToClient,
                            String host, int port, long maxBodyBytes) {
        this(PATH, parser, sink, new BearerTokens(tokenToClient), host, port, maxBodyBytes, new SimpleMeterRegistry());
    }

    /** The same with the tokens as configured ({@code ingest.push.http.tokens}), counting into {@code meters}. */
    public SensorPushServer(PushParser parser, EventSink sink, BearerTokens tokens, String host, int port, long maxBodyBytes,
                            MeterRegistry meters) {
        this(PATH, parser, sink, tokens, host, port, maxBodyBytes, meters);
    }

    /**
     * The same contract on another path, for other pushed records (e.g. incidents from city dispatch systems
     * on {@code /ingest/v1/incidents}): only the parser differs.
     */
    public SensorPushServer(String path, PushParser parser, EventSink sink, BearerTokens tokens,
                            String host, int port, long maxBodyBytes, MeterRegistry meters) {
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
        for (NotAcknowledgedException.Reason r : NotAcknowledgedException.Reason.values()) {
            unavailable.put(r, Counter.builder(UNAVAILABLE_METRIC).description("Pushes answered 503: records not acknowledged by the broker")
                    .tag("path", path).tag("cause", r.tag()).register(meters));
        }
        this.threads = new QueuedThreadPool(MAX_THREADS, MIN_THREADS, 60_000);
        threads.setName("sensor-push-http");
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.jetty.threadPool = threads;
            config.jetty.addConnector((server, httpConfig) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
                connector.setHost(host);
                connector.setPort(port);
                connector.setAcceptQueueSize(ACCEPT_QUEUE);
                connector.setIdleTimeout(IDLE_TIMEOUT_MS);
                return connector;
            });
            config.http.defaultContentType = JSON;
            config.router.ignoreTrailingSlashes = true;
            // Jetty's own 400/414/431 (a request it cannot parse) as problem+json too, not its HTML page.
            ProblemErrors.install(config);
        });
        app.post(path, this::handle);
        ProblemErrors.installFallbacks(app);
        app.exception(Exception.class, (e, ctx) -> {
            LOG.warn("Push request to {} failed: {}", path, e.toString());
            problem(ctx, 500, "internal error; the server log has the details");
        });
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
            app.start();
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
        return ((ServerConnector) app.jettyServer().server().getConnectors()[0]).getLocalPort();
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
            problem(ctx, 401, ctx.header("Authorization") == null ? "missing bearer token" : "invalid bearer token");
            return;
        }
        String contentType = ctx.header("Content-Type");
        if (!isAcceptedContentType(contentType)) {
            problem(ctx, 415, "Content-Type must be " + CONTENT_TYPE + " (optionally ;charset=utf-8), not "
                    + (contentType == null ? "missing" : "'" + contentType + "'"));
            return;
        }
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBodyBytes) {
            problem(ctx, 413, "request body of " + declared + " bytes exceeds the limit of " + maxBodyBytes);
            return;
        }
        byte[] body = readBounded(ctx.req().getInputStream());
        if (body == null) {
            problem(ctx, 413, "request body exceeds the limit of " + maxBodyBytes + " bytes");
            return;
        }
        List<ParseOutcome> outcomes = parser.parse(body, "http:" + client.get(), null);
        // Completed on the producer's I/O thread: answer on a Jetty worker instead.
        ctx.future(() -> sink.publishAll(outcomes).handleAsync((ok, error) -> {
            answer(ctx, outcomes, error);
            return null;
        }, threads));
    }

    /** {@code application/json}, with no parameter but {@code charset=utf-8}; case-insensitive. */
    static boolean isAcceptedContentType(String header) {
        if (header == null) {
            return false;
        }
        String[] parts = header.split(";");
        if (!parts[0].trim().equalsIgnoreCase(CONTENT_TYPE)) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String param = parts[i].trim().toLowerCase(Locale.ROOT).replace("\"", "");
            if (!param.isEmpty() && !param.equals("charset=utf-8")) {
                return false;
            }
        }
        return true;
    }

    private void answer(Context ctx, List<ParseOutcome> outcomes, Throwable error) {
        if (error != null) {
            unavailable(ctx, outcomes, error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
            return;
        }
        // Recovered only after a quiet spell, so a partly failing broker does not flap the log.
        if (outage && System.nanoTime() - lastUnavailableNanos > RECOVERY_NANOS) {
            outage = false;
            LOG.info("Pushes to {} are acknowledged again", path);
        }
        int accepted = 0;
        ArrayNode errors = MAPPER.createArrayNode();
        for (ParseOutcome o : outcomes) {
            if (o instanceof ParseOutcome.Rejected r) {
                errors.addObject().put("sourceId", r.sourceId()).put("reason", r.reason().name()).put("message", r.message());
            } else {
                accepted++;
            }
        }
        ObjectNode response = MAPPER.createObjectNode().put("accepted", accepted).put("rejected", errors.size());
        if (errors.isEmpty()) {
            ctx.status(202);
        } else {
            response.set("errors", errors);
            ctx.status(400);
        }
        ctx.contentType(JSON).result(response.toString());
    }

    private void unavailable(Context ctx, List<ParseOutcome> outcomes, Throwable error) {
        if (!(error instanceof NotAcknowledgedException notAcknowledged)) {
            LOG.warn("Push request to {} failed: {}", path, error.toString());
            problem(ctx, 500, "internal error; the server log has the details");
            return;
        }
        parser.notStored(notAcknowledged.unacknowledgedEvents());
        unavailable.get(notAcknowledged.reason()).increment();
        lastUnavailableNanos = System.nanoTime();
        if (!outage) {
            outage = true;
            LOG.warn("Pushes to {} are answered 503 (counted in {}): {}", path, UNAVAILABLE_METRIC, notAcknowledged.getMessage());
        }
        ctx.header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        problem(ctx, 503, "the broker did not acknowledge " + notAcknowledged.unacknowledged().size() + " of the " + outcomes.size()
                + " records of this request (" + notAcknowledged.reason().tag() + "): nothing of it may be assumed stored. "
                + "Resend the whole request after " + RETRY_AFTER_SECONDS + " s; records that were stored after all come back as DUPLICATE.");
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

    /** An RFC 9457 problem document, with the same members as the publish API's. */
    private void problem(Context ctx, int status, String detail) {
        String title = HttpStatus.forStatus(status).getMessage();
        ObjectNode json = MAPPER.createObjectNode().put("type", "about:blank").put("title", title).put("status", status)
                .put("detail", detail).put("instance", path).put("error", title).put("message", detail);
        ctx.status(status).contentType(PROBLEM_JSON).result(json.toString());
    }
}
