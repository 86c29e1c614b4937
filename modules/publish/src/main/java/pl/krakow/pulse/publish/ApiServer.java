package pl.krakow.pulse.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.Javalin;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.net.URLEncoder;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.events.alerts.Alert;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.runtime.http.ProblemErrors;
import pl.krakow.pulse.runtime.service.Service;

/**
 * The HTTP face of {@code publish} (Javalin 6): the REST API over the {@link IndicatorReadModel},
 * liveness, readiness and the Prometheus scrape.
 *
 * <pre>
 * GET /                                      the dashboard (static HTML/JS/CSS from the jar)
 * GET /api/openapi.json                      the OpenAPI 3.1 document of all of this
 * GET /api/v1/goals                          goals with their catalog indicators
 * GET /api/v1/goals/{goal}/indicators        latest value per indicator and scope (goal IV.3 or iv3)
 * GET /api/v1/indicators/{id}?scope=..&amp;from=yyyy-MM-dd&amp;to=yyyy-MM-dd   one indicator's history, in pages
 *                                            ({@code limit}, {@code order=asc|desc}, {@code cursor}; see {@link HistoryPaging})
 * GET /api/v1/districts[/{district}]         the 18 districts; one district's indicators (district:XVIII scopes)
 * GET /api/v1/map/districts.geojson          simplified district boundaries for the map
 * GET /api/v1/alerts?state=active|all&amp;from=&amp;to=   alert episodes (latest record per alertId); the range is
 *                                            the indicator windows they are about (event time), see {@link AlertEpisodes}
 * GET /api/v1/stream                         Server-Sent Events: indicator updates and alerts
 * GET /health                                liveness: {"status":"UP"}, or 503 naming the services that are DOWN
 *                                            (see {@link #withHealth}; without it always UP while the process serves)
 * GET /ready                                 200 when the app's checks pass and the read model is caught up, else 503
 * GET /metrics                               Prometheus text format 0.0.4 (with a gauge per indicator and scope)
 * </pre>
 *
 * <p>Data routes answer JSON in UTF-8, or CSV for {@code ?format=csv} / {@code Accept: text/csv}. Errors are
 * RFC 9457 problem documents ({@code application/problem+json}); unexpected failures answer 500 with a
 * generic message and go to the log with their stack trace, never to the client. Times are rendered
 * in the catalog's time zone; history ranges are local calendar days (see {@link DateRange}).
 * Every answer comes from the read model (latest values from memory, history from its store on disk), so no request
 * waits on Kafka; a history answer holds at most one page ({@code api.history.page.size} values unless the request
 * asks for fewer or more, up to {@code api.history.max.page.size}) and links to the next in {@code next} and a
 * {@code Link: <…>; rel="next"} header.
 *
 * <p>A {@link Service} named {@code http-api}: {@link #start()} binds the port, ready while listening.
 */
public final class ApiServer implements Service {

    public static final String NAME = "http-api";

    public static final String API = "/api/v1";
    static final String JSON_UTF8 = "application/json;charset=utf-8"; // as Jetty renders it
    static final String PROBLEM_JSON = "application/problem+json;charset=utf-8";
    static final String GEOJSON = "application/geo+json;charset=utf-8";
    static final String DASHBOARD = "/publish/dashboard";
    static final String OPENAPI_RESOURCE = "/publish/openapi.json";
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String METRIC_REQUESTS = "pulse.publish.http.requests";

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    public static final String READ_MODEL_CHECK = "read-model";
    private static final String ROUTE_ATTRIBUTE = "pulse.route";
    private static final String START_ATTRIBUTE = "pulse.start.nanos";
    private static final Pattern GOAL_ID = Pattern.compile("^([IVX]+)\\.?(\\d+)$");
    private static final int SCOPES_IN_MESSAGES = 20;

    private final String host;
    private final int requestedPort;
    private final IndicatorReadModel readModel;
    private final IndicatorCatalog catalog;
    private final ZoneId zone;
    private final int maxRangeDays;
    private int historyPageSize = PublishConfig.API_HISTORY_PAGE_SIZE.defaultValue();
    private int historyMaxPageSize = PublishConfig.API_HISTORY_MAX_PAGE_SIZE.defaultValue();
    private final PulseMetrics metrics;
    private final Supplier<ReadinessReport> readiness;
    private final ObjectMapper json;
    private final AlertReadModel alerts;
    private final boolean ownsAlerts;
    private final DistrictMap districts;
    private volatile LiveUpdates live; // replaced only before start, by withLiveUpdates
    private final IndicatorGauges gauges;
    private final List<IndicatorReadModel.Subscription> subscriptions = new ArrayList<>();
    private final Javalin app;
    private volatile Supplier<ReadinessReport> health = () -> ReadinessReport.up(Map.of());
    private boolean started;
    private boolean closed;

    /**
     * @param host         interface to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
     * @param port         TCP port, 0 = any free port (see {@link #port()})
     * @param readModel    where every indicator answer comes from
     * @param catalog      goals and indicators (names, units, alert levels)
     * @param zone         the catalog's time zone: dates in queries and offsets in answers
     * @param maxRangeDays longest history range one request may ask for ({@code api.max.range.days})
     * @param metrics      the registry scraped at {@code /metrics}; request timings are added to it
     * @param readiness    the app's own readiness checks (topics, streams state, …)
     */
    public ApiServer(String host, int port, IndicatorReadModel readModel, IndicatorCatalog catalog, ZoneId zone,
                     int maxRangeDays, PulseMetrics metrics, Supplier<ReadinessReport> readiness) {
        this(host, port, readModel, null, DistrictMap.bundled(), catalog, zone, maxRangeDays, metrics, readiness);
    }

    /**
     * @param alerts    where the alert list and the live alerts come from; null = an empty model (no alerting)
     * @param districts the 18 districts for the district routes and the map
     */
    public ApiServer(String host, int port, IndicatorReadModel readModel, AlertReadModel alerts, DistrictMap districts,
                     IndicatorCatalog catalog, ZoneId zone, int maxRangeDays, PulseMetrics metrics,
                     Supplier<ReadinessReport> readiness) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535 (0 = any free port): " + port);
        }
        if (maxRangeDays < 1) {
            throw new IllegalArgumentException("maxRangeDays must be >= 1: " + maxRangeDays);
        }
        this.host = Objects.requireNonNull(host, "host");
        this.requestedPort = port;
        this.readModel = Objects.requireNonNull(readModel, "readModel");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.zone = Objects.requireNonNull(zone, "zone");
        this.maxRangeDays = maxRangeDays;
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.readiness = Objects.requireNonNull(readiness, "readiness");
        this.json = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        this.ownsAlerts = alerts == null;
        this.alerts = alerts == null ? AlertReadModel.inMemory(metrics) : alerts;
        this.districts = Objects.requireNonNull(districts, "districts");
        this.live = new LiveUpdates(json, metrics.registry(), LiveUpdates.Settings.defaults());
        this.gauges = new IndicatorGauges(readModel, metrics.registry());
        // Only news is streamed: values and alerts read while catching up at start-up are history.
        subscriptions.add(readModel.onUpdate(v -> {
            if (readModel.isCaughtUp()) {
                live.indicator(ApiJson.Value.of(v, zone, readModel.isSimulated(v.getIndicatorId(), v.getScope())));
            }
        }));
        subscriptions.add(this.alerts.onUpdate(a -> {
            if (this.alerts.isCaughtUp()) {
                live.alert(ApiJson.AlertJson.of(a, this.alerts.isActive(a), zone));
            }
        }));
        this.app = createApp();
    }

    /** A server configured from {@code http.host}, {@code http.port}, {@code indicators.time.zone}, {@code api.max.range.days}. */
    public static ApiServer fromConfig(PulseConfig config, IndicatorReadModel readModel, IndicatorCatalog catalog,
                                       PulseMetrics metrics, Supplier<ReadinessReport> readiness) {
        return fromConfig(config, readModel, null, catalog, metrics, readiness);
    }

    /** As {@link #fromConfig(PulseConfig, IndicatorReadModel, IndicatorCatalog, PulseMetrics, Supplier)}, with alerts. */
    public static ApiServer fromConfig(PulseConfig config, IndicatorReadModel readModel, AlertReadModel alerts,
                                       IndicatorCatalog catalog, PulseMetrics metrics, Supplier<ReadinessReport> readiness) {
        return new ApiServer(config.get(PublishConfig.HTTP_HOST), config.get(PublishConfig.HTTP_PORT), readModel, alerts,
                DistrictMap.bundled(), catalog, ZoneId.of(config.get(PlatformConfig.TIME_ZONE)),
                config.get(PublishConfig.API_MAX_RANGE_DAYS), metrics, readiness)
                .withHistoryPages(config.get(PublishConfig.API_HISTORY_PAGE_SIZE),
                        config.get(PublishConfig.API_HISTORY_MAX_PAGE_SIZE))
                .withLiveUpdates(LiveUpdates.Settings.fromConfig(config));
    }

    /**
     * Values per history page when the request gives no {@code limit}, and the largest {@code limit} allowed; set
     * before {@link #start()}. Defaults: those of {@code api.history.page.size} and {@code api.history.max.page.size}.
     */
    public ApiServer withHistoryPages(int pageSize, int maxPageSize) {
        if (pageSize < 1 || maxPageSize < pageSize) {
            throw new IllegalArgumentException("need 1 <= page size <= max page size: " + pageSize + ", " + maxPageSize);
        }
        this.historyPageSize = pageSize;
        this.historyMaxPageSize = maxPageSize;
        return this;
    }

    /** The limits of the live stream ({@code sse.*} keys), set before {@link #start()}; the defaults otherwise. */
    synchronized ApiServer withLiveUpdates(LiveUpdates.Settings settings) {
        if (started || closed) {
            throw new IllegalStateException("live-update settings are set before start");
        }
        live.close();
        live = new LiveUpdates(json, metrics.registry(), settings);
        return this;
    }

    /** The live stream, for tests that broadcast without a read model. */
    LiveUpdates liveUpdates() {
        return live;
    }

    /**
     * What {@code GET /health} reports, set before {@link #start()}: UP answers 200 {@code {"status":"UP"}},
     * anything else 503 with the report's checks (e.g. the services that are DOWN and their state).
     */
    public ApiServer withHealth(Supplier<ReadinessReport> health) {
        this.health = Objects.requireNonNull(health, "health");
        return this;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Listening: started and not closed. */
    @Override
    public synchronized boolean isReady() {
        return started && !closed;
    }

    @Override
    public synchronized String status() {
        return closed ? "closed" : started ? "listening on " + url() : "not started";
    }

    /** Binds the port and starts serving; logs the URL. */
    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("this API server was closed");
        }
        if (!started) {
            app.start(host, requestedPort);
            started = true;
            LOG.info("Kraków Pulse API listening on {}:{}, {}{}/goals (/health, /ready, /metrics)", host, port(), url(), API);
        }
    }

    /** The bound port (the free one chosen when constructed with 0). */
    public synchronized int port() {
        if (!started) {
            throw new IllegalStateException("the API server has not been started");
        }
        return app.port();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:8080}; a wildcard bind address is given as 127.0.0.1. */
    public String url() {
        String h = host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        return "http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port();
    }

    /** Stops serving. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        subscriptions.forEach(IndicatorReadModel.Subscription::close);
        live.close();
        gauges.close();
        if (ownsAlerts) {
            alerts.close();
        }
        if (started) {
            int port = app.port();
            app.stop();
            LOG.info("Kraków Pulse API on port {} stopped", port);
        }
    }

    // --- wiring -------------------------------------------------------------------------------------

    private Javalin createApp() {
        Javalin javalin = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.useVirtualThreads = false;
            config.jsonMapper(new JavalinJackson(json, false));
            config.http.defaultContentType = JSON_UTF8;
            config.http.prefer405over404 = true;
            config.router.ignoreTrailingSlashes = true;
            // Jetty's own 400/414/431 (a request it cannot parse or route) as problem+json too, not its HTML page.
            ProblemErrors.install(config);
            // The dashboard: plain HTML/JS/CSS bundled in the jar, so it works with no internet.
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = DASHBOARD;
                files.location = Location.CLASSPATH;
            });
            // Open data, read-only: any web page (the dashboard, an analyst's notebook) may call it.
            config.bundledPlugins.enableCors(cors -> cors.addRule(rule -> rule.anyHost()));
        });

        javalin.before(ctx -> ctx.attribute(START_ATTRIBUTE, System.nanoTime()));
        javalin.after(this::recordTiming);

        route(javalin, API + "/goals", this::goals);
        route(javalin, API + "/goals/{goal}/indicators", this::goalIndicators);
        route(javalin, API + "/indicators/{id}", this::indicatorHistory);
        route(javalin, API + "/districts", this::districtList);
        route(javalin, API + "/districts/{district}", this::district);
        route(javalin, API + "/map/districts.geojson", ctx -> ctx.status(200).contentType(GEOJSON)
                .result(districts.simplifiedGeoJson()));
        route(javalin, API + "/alerts", this::alertList);
        route(javalin, "/api/openapi.json", ctx -> ctx.status(200).contentType(JSON_UTF8).result(openApi()));
        // Through live.handler(), not javalin.sse(): the client limit answers 503 before the stream opens.
        javalin.get(API + "/stream", ctx -> live.handler().handle(ctx));
        route(javalin, "/health", this::health);
        route(javalin, "/ready", this::ready);
        route(javalin, "/metrics", ctx -> ctx.status(200).contentType(PROMETHEUS_TEXT)
                .result(metrics.scrape().getBytes(StandardCharsets.UTF_8)));

        // Javalin's own 404 (no route) and 405 arrive here too, as HttpResponseExceptions.
        javalin.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), e.getMessage()));
        // Javalin's own 404 for a path nothing serves (no route, no static file) is plain text otherwise.
        javalin.error(404, ctx -> {
            if (!PROBLEM_JSON.equals(ctx.res().getContentType())) {
                error(ctx, 404, "Endpoint " + ctx.method() + " " + ctx.path() + " not found");
            }
        });
        javalin.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, 500, "internal error; the server log has the details");
        });
        return javalin;
    }

    private static void route(Javalin javalin, String path, Handler handler) {
        javalin.get(path, ctx -> {
            ctx.attribute(ROUTE_ATTRIBUTE, path);
            handler.handle(ctx);
        });
    }

    private void recordTiming(Context ctx) {
        Long start = ctx.attribute(START_ATTRIBUTE);
        if (start == null) {
            return;
        }
        String route = ctx.attribute(ROUTE_ATTRIBUTE);
        MeterRegistry registry = metrics.registry();
        Timer.builder(METRIC_REQUESTS)
                .description("HTTP requests served by the publish API")
                .tag("method", ctx.method().name())
                .tag("route", route == null ? "unmatched" : route)
                .tag("status", Integer.toString(ctx.statusCode()))
                .register(registry)
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    // --- handlers -----------------------------------------------------------------------------------

    private void goals(Context ctx) {
        List<ApiJson.Goal> goals = new ArrayList<>();
        for (IndicatorCatalog.Goal g : catalog.goals()) {
            List<ApiJson.Indicator> indicators = catalog.indicatorsOf(g.id()).stream()
                    .map(i -> ApiJson.Indicator.of(i, readModel.scopes(i.id())))
                    .toList();
            goals.add(new ApiJson.Goal(g.id(), g.strategicGoal(), g.name(), g.topic(), indicators));
        }
        if (wantsCsv(ctx)) {
            List<GoalIndicatorRow> rows = new ArrayList<>();
            for (ApiJson.Goal g : goals) {
                for (ApiJson.Indicator i : g.indicators()) {
                    rows.add(new GoalIndicatorRow(g.id(), i.id(), i.name().pl(), i.name().en(), i.unit(), i.direction(),
                            i.kind(), i.window(), String.join(" ", i.scopes()), i.scopesWithData().size(),
                            i.implemented()));
                }
            }
            csv(ctx, GoalIndicatorRow.class, rows);
            return;
        }
        respond(ctx, 200, new ApiJson.Goals(zone.getId(), goals));
    }

    private void goalIndicators(Context ctx) {
        IndicatorCatalog.Goal goal = findGoal(ctx.pathParam("goal"));
        Map<String, List<ApiJson.Value>> latestById = new LinkedHashMap<>();
        for (IndicatorValue v : readModel.latestOfGoal(goal.id())) {
            latestById.computeIfAbsent(v.getIndicatorId(), k -> new ArrayList<>()).add(value(v));
        }
        List<ApiJson.IndicatorLatest> indicators = new ArrayList<>();
        Set<String> listed = new LinkedHashSet<>();
        for (IndicatorCatalog.Indicator i : catalog.indicatorsOf(goal.id())) {
            listed.add(i.id());
            indicators.add(new ApiJson.IndicatorLatest(i.id(), i.name(), i.unit(), i.direction(), i.implemented(), true,
                    latestById.getOrDefault(i.id(), List.of())));
        }
        // Values the catalog does not know (a newer topology than this instance's catalog) are still served.
        latestById.forEach((id, values) -> {
            if (!listed.contains(id)) {
                indicators.add(new ApiJson.IndicatorLatest(id, null, values.get(0).unit(), null, true, false, values));
            }
        });
        if (wantsCsv(ctx)) {
            // The rows of the JSON answer in the same order: catalog order, then indicators the catalog does not know.
            csv(ctx, ApiJson.Value.class, indicators.stream().flatMap(i -> i.values().stream()).toList());
            return;
        }
        respond(ctx, 200, new ApiJson.GoalLatest(goal.id(), goal.name(), zone.getId(), indicators));
    }

    private void indicatorHistory(Context ctx) {
        String id = ctx.pathParam("id").trim().toLowerCase(Locale.ROOT);
        Optional<IndicatorCatalog.Indicator> catalogued = catalog.indicator(id);
        if (catalogued.isEmpty() && !readModel.contains(id)) {
            throw new NotFoundResponse("unknown indicator '" + ctx.pathParam("id") + "'; GET " + API
                    + "/goals lists the indicators");
        }
        String scope = ctx.queryParam("scope");
        if (scope == null || scope.isBlank()) {
            throw new BadRequestResponse("query parameter 'scope' is required, e.g. scope=station:MpKrakAlKras; "
                    + "scopes with values for " + id + ": " + abbreviated(readModel.scopes(id)));
        }
        scope = scope.trim();
        Optional<IndicatorValue> latest = readModel.latest(id, scope);
        if (latest.isEmpty()) {
            throw new NotFoundResponse("indicator " + id + " has no values for scope '" + scope
                    + "'; scopes with values: " + abbreviated(readModel.scopes(id)));
        }
        DateRange range;
        HistoryPaging paging;
        try {
            range = DateRange.resolve(ctx.queryParam("from"), ctx.queryParam("to"),
                    LocalDate.ofInstant(latest.get().getWindowStart(), zone), maxRangeDays);
            paging = HistoryPaging.parse(ctx.queryParam(HistoryPaging.LIMIT), ctx.queryParam(HistoryPaging.ORDER),
                    ctx.queryParam(HistoryPaging.CURSOR), historyPageSize, historyMaxPageSize);
        } catch (IllegalArgumentException e) {
            throw new BadRequestResponse(e.getMessage());
        }
        Instant from = paging.from(range.startInclusive(zone));
        Instant to = paging.to(range.endExclusive(zone));
        // One more than the page: whether there is a next page, without counting the range.
        List<IndicatorValue> read = from.isBefore(to)
                ? readModel.history(id, scope, from, to, paging.ascending(), paging.limit() + 1) : List.of();
        List<ApiJson.Value> values = read.stream().limit(paging.limit()).map(this::value).toList();
        String next = read.size() > paging.limit()
                ? nextPage(ctx, range, read.get(paging.limit() - 1).getWindowStart()) : null;
        if (next != null) {
            ctx.header("Link", "<" + next + ">; rel=\"next\"");
        }
        if (wantsCsv(ctx)) {
            csv(ctx, ApiJson.Value.class, values);
            return;
        }
        String goal = catalogued.map(IndicatorCatalog.Indicator::goal).orElse(latest.get().getGoal());
        String unit = catalogued.map(IndicatorCatalog.Indicator::unit).orElse(latest.get().getUnit());
        respond(ctx, 200, new ApiJson.History(id, goal, scope, unit, zone.getId(), range.from().toString(),
                range.to().toString(), values.size(), values, paging.limit(), paging.order(), next));
    }

    /**
     * The request's own path and parameters with the cursor after {@code last} and the resolved dates, so every page
     * covers the same range even when newer values move the default one. Relative: right behind any proxy.
     */
    private static String nextPage(Context ctx, DateRange range, Instant last) {
        Map<String, List<String>> params = new LinkedHashMap<>(ctx.queryParamMap());
        params.put("from", List.of(range.from().toString()));
        params.put("to", List.of(range.to().toString()));
        params.put(HistoryPaging.CURSOR, List.of(last.toString()));
        StringBuilder url = new StringBuilder(ctx.path());
        char separator = '?';
        for (Map.Entry<String, List<String>> p : params.entrySet()) {
            for (String v : p.getValue()) {
                url.append(separator).append(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8)).append('=')
                        .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
                separator = '&';
            }
        }
        return url.toString();
    }

    private void districtList(Context ctx) {
        if (wantsCsv(ctx)) {
            csv(ctx, ApiJson.District.class, districts.districts());
            return;
        }
        respond(ctx, 200, new ApiJson.Districts(districts.districts().size(), districts.districts()));
    }

    /** The latest value of every indicator that has a value for the district's scope. */
    private void district(Context ctx) {
        String raw = ctx.pathParam("district");
        ApiJson.District d = districts.parse(raw).orElseThrow(() -> new NotFoundResponse("unknown district '" + raw
                + "'; a district is its number 1-18 or Roman numeral I-XVIII, e.g. " + API + "/districts/XVIII; GET "
                + API + "/districts lists them"));
        List<ApiJson.Value> values = new ArrayList<>();
        for (String id : readModel.indicatorIds()) {
            // Scopes are written district:<Roman numeral>; a topology that wrote the number is served too.
            readModel.latest(id, d.scope()).or(() -> readModel.latest(id, "district:" + d.number()))
                    .ifPresent(v -> values.add(value(v)));
        }
        if (wantsCsv(ctx)) {
            csv(ctx, ApiJson.Value.class, values);
            return;
        }
        respond(ctx, 200, new ApiJson.DistrictIndicators(d, zone.getId(), values.size(), values));
    }

    /**
     * {@code state=active} (default): the active episodes; {@code state=all}: every episode held, or with
     * {@code from}/{@code to} those whose indicator window overlaps the local days from..to (event time, not the
     * wall-clock stamps; one date alone = 31 days from or to it). Both as {@link AlertEpisodes} defines them.
     */
    private void alertList(Context ctx) {
        String state = Optional.ofNullable(ctx.queryParam("state")).orElse("active").trim().toLowerCase(Locale.ROOT);
        if (!state.equals("active") && !state.equals("all")) {
            throw new BadRequestResponse("query parameter 'state' must be 'active' or 'all', not '" + ctx.queryParam("state") + "'");
        }
        List<Alert> held = alerts.episodes(); // one snapshot for the selection and the active flags
        List<Alert> active = AlertEpisodes.active(held);
        List<Alert> selected;
        String from = null;
        String to = null;
        if (state.equals("active")) {
            selected = active;
        } else if (blank(ctx.queryParam("from")) && blank(ctx.queryParam("to"))) {
            // The model holds one episode per alert family (the topic is compacted by family), so "all" is bounded.
            selected = AlertEpisodes.sorted(held);
        } else {
            DateRange range;
            try {
                range = DateRange.resolve(ctx.queryParam("from"), ctx.queryParam("to"), LocalDate.now(zone), maxRangeDays);
            } catch (IllegalArgumentException e) {
                throw new BadRequestResponse(e.getMessage());
            }
            from = range.from().toString();
            to = range.to().toString();
            selected = AlertEpisodes.concerning(held, range.startInclusive(zone), range.endExclusive(zone));
        }
        Set<String> activeIds = new HashSet<>();
        active.forEach(a -> activeIds.add(a.getAlertId()));
        List<ApiJson.AlertJson> out = selected.stream()
                .map(a -> ApiJson.AlertJson.of(a, activeIds.contains(a.getAlertId()), zone)).toList();
        if (wantsCsv(ctx)) {
            csv(ctx, ApiJson.AlertJson.class, out);
            return;
        }
        respond(ctx, 200, new ApiJson.Alerts(state, from, to, zone.getId(), out.size(), out));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private ApiJson.Value value(IndicatorValue v) {
        return ApiJson.Value.of(v, zone, readModel.isSimulated(v.getIndicatorId(), v.getScope()));
    }

    private byte[] openApi() throws java.io.IOException {
        try (java.io.InputStream in = ApiServer.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new java.io.FileNotFoundException(OPENAPI_RESOURCE);
            }
            return in.readAllBytes();
        }
    }

    /** CSV when asked by {@code ?format=csv} or an Accept header naming text/csv; JSON otherwise. */
    private static boolean wantsCsv(Context ctx) {
        String format = ctx.queryParam("format");
        if (format != null && !format.isBlank()) {
            return switch (format.trim().toLowerCase(Locale.ROOT)) {
                case "csv" -> true;
                case "json" -> false;
                default -> throw new BadRequestResponse("query parameter 'format' must be 'json' or 'csv', not '" + format + "'");
            };
        }
        String accept = ctx.header("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/csv");
    }

    private static <T extends Record> void csv(Context ctx, Class<T> type, List<T> rows) {
        ctx.status(200).contentType(CsvFormat.CONTENT_TYPE).result(CsvFormat.write(type, rows));
    }

    /** A catalog indicator as one CSV row ({@code GET /api/v1/goals?format=csv}). */
    record GoalIndicatorRow(String goal, String id, String namePl, String nameEn, String unit, String direction,
                            String kind, String window, String scopes, int scopesWithData, boolean implemented) {
    }

    private void health(Context ctx) {
        ReadinessReport report;
        try {
            report = Objects.requireNonNull(health.get(), "health supplier returned null");
        } catch (RuntimeException e) {
            LOG.warn("Health check failed", e);
            report = ReadinessReport.down(Map.of("health", "check failed: " + e.getMessage()));
        }
        if (report.ready()) {
            respond(ctx, 200, new ApiJson.Status("UP"));
        } else {
            respond(ctx, 503, new ApiJson.Readiness("DOWN", report.checks()));
        }
    }

    private void ready(Context ctx) {
        ReadinessReport report;
        try {
            report = Objects.requireNonNull(readiness.get(), "readiness supplier returned null");
        } catch (RuntimeException e) {
            LOG.warn("Readiness check failed", e);
            report = ReadinessReport.down(Map.of("readiness", "check failed: " + e.getMessage()));
        }
        Map<String, String> checks = new LinkedHashMap<>(report.checks());
        // The app may report the read model itself (same words); it is listed once.
        checks.putIfAbsent(READ_MODEL_CHECK, readModel.status());
        boolean ready = report.ready() && readModel.isCaughtUp();
        respond(ctx, ready ? 200 : 503, new ApiJson.Readiness(ready ? "UP" : "DOWN", checks));
    }

    // --- helpers ------------------------------------------------------------------------------------

    /** {@code IV.3}, {@code iv.3}, {@code iv3} → the catalog goal IV.3. */
    private IndicatorCatalog.Goal findGoal(String raw) {
        String id = raw.trim().toUpperCase(Locale.ROOT);
        Matcher m = GOAL_ID.matcher(id);
        if (m.matches()) {
            id = m.group(1) + "." + m.group(2);
        }
        return catalog.goal(id).orElseThrow(() -> new NotFoundResponse("unknown goal '" + raw + "'; known goals: "
                + String.join(", ", catalog.goals().stream().map(IndicatorCatalog.Goal::id).toList())));
    }

    private static String abbreviated(List<String> scopes) {
        if (scopes.isEmpty()) {
            return "none yet";
        }
        if (scopes.size() <= SCOPES_IN_MESSAGES) {
            return String.join(", ", scopes);
        }
        return String.join(", ", scopes.subList(0, SCOPES_IN_MESSAGES)) + " … (" + scopes.size() + " in all)";
    }

    private void error(Context ctx, int status, String message) {
        String title = HttpStatus.forStatus(status).getMessage();
        try {
            ctx.status(status).contentType(PROBLEM_JSON).result(json.writeValueAsBytes(
                    new ApiJson.Problem("about:blank", title, status, message, ctx.path(), title, message)));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void respond(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType(JSON_UTF8).result(json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
