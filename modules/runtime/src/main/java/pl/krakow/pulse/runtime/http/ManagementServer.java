package pl.krakow.pulse.runtime.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.runtime.service.Service;
import pl.krakow.pulse.runtime.service.ServiceGroup;

/**
 * The management endpoints of a component that has no HTTP API of its own ({@code pulse ingest}, {@code pulse
 * indicators}, {@code pulse alerting}), answering as the API server does for {@code pulse run}:
 * <pre>
 * GET /health   liveness: 200 {"status":"UP"}, or 503 {"status":"DOWN","checks":{…}} naming the DOWN services
 * GET /ready    200 {"status":"UP","checks":{…}} when every service is ready, else 503 with the same checks
 * GET /metrics  Prometheus text format 0.0.4
 * </pre>
 * A {@link Service} named {@code management-http}, ready while listening. It reports on the {@link ServiceGroup} it
 * is given — itself included, which is harmless: it is ready before anything asks. Any other path is a problem+json
 * 404 ({@link ProblemErrors}). Liveness and readiness are separate on purpose: an orchestrator restarts a component
 * whose {@code /health} fails, and only stops sending it traffic while {@code /ready} fails (a rebalance).
 */
public final class ManagementServer implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String JSON = "application/json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String host;
    private final int requestedPort;
    private final Javalin app;
    private volatile boolean started;
    private volatile boolean closed;

    /**
     * @param services what {@code /health} and {@code /ready} report on
     * @param scrape   the Prometheus text of the component's meter registry
     */
    public ManagementServer(String host, int port, ServiceGroup services, Supplier<String> scrape) {
        this.host = Objects.requireNonNull(host, "host");
        this.requestedPort = port;
        Objects.requireNonNull(services, "services");
        Objects.requireNonNull(scrape, "scrape");
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.router.ignoreTrailingSlashes = true;
            ProblemErrors.install(config);
        });
        app.get("/health", ctx -> {
            Map<String, String> down = services.down();
            respond(ctx, down.isEmpty() ? 200 : 503, down.isEmpty() ? Map.of("status", "UP") : status("DOWN", down));
        });
        app.get("/ready", ctx -> {
            boolean ready = services.isReady();
            respond(ctx, ready ? 200 : 503, status(ready ? "UP" : "DOWN", services.checks()));
        });
        app.get("/metrics", ctx -> ctx.status(200).contentType(PROMETHEUS_TEXT).result(scrape.get()));
        ProblemErrors.installFallbacks(app);
        app.exception(Exception.class, (e, ctx) -> {
            LOG.warn("Management request {} failed: {}", ctx.path(), e.toString());
            ProblemErrors.respond(ctx, 500, "internal error; the server log has the details");
        });
    }

    private static Map<String, Object> status(String status, Map<String, String> checks) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("checks", checks);
        return body;
    }

    private static void respond(Context ctx, int status, Object body) throws JsonProcessingException {
        ctx.status(status).contentType(JSON).result(MAPPER.writeValueAsString(body));
    }

    @Override
    public String name() {
        return "management-http";
    }

    /** Binds the port; throws when it is in use. */
    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("the management endpoint was closed");
        }
        if (!started) {
            app.start(host, requestedPort);
            started = true;
            LOG.info("Management endpoints on {} (/health, /ready, /metrics)", url());
        }
    }

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

    /** The base URL, e.g. {@code http://127.0.0.1:8090}. */
    public String url() {
        String h = host.equals("0.0.0.0") ? "127.0.0.1" : host;
        return "http://" + h + ":" + port();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (started) {
            app.stop();
        }
    }
}
