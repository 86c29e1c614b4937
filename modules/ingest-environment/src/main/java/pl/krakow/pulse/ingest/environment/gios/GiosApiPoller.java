package pl.krakow.pulse.ingest.environment.gios;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.ingest.EventSink;
import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReasonCode;
import pl.krakow.pulse.ingest.Violation;
import pl.krakow.pulse.ingest.poll.HttpGet;
import pl.krakow.pulse.ingest.poll.HttpStatusException;
import pl.krakow.pulse.ingest.poll.PolledHttpSource;
import pl.krakow.pulse.runtime.Backoff;
import pl.krakow.pulse.ingest.environment.BundledData;
import pl.krakow.pulse.ingest.environment.gios.GiosApiJson.ApiSensor;
import pl.krakow.pulse.ingest.environment.gios.GiosApiJson.ApiStation;
import pl.krakow.pulse.ingest.environment.gios.GiosApiJson.ApiValue;
import pl.krakow.pulse.ingest.environment.gios.GiosApiJson.MalformedResponseException;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.ingest.environment.EnvironmentIngestConfig;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * Polls GIOŚ's {@code pjp-api} (either {@link GiosApiFormat}) for the hourly values of every station of one
 * city and publishes them as {@link AirQualityMeasurement}s (feed {@value #FEED}).
 *
 * <p><b>Discovery.</b> {@code station/findAll} (every page) → the stations whose city name equals the
 * configured one (case- and accent-insensitive) → {@code station/sensors/{id}} → one series per sensor of
 * a known pollutant. The station code is the v1 {@code Kod stacji}; the legacy format has no code, so its
 * stations are matched to the bundled GIOŚ station list by name, else by position (≤ 200 m). A station
 * with no code is skipped (logged, counted). A sensor of a parameter the schema has no pollutant for is
 * rejected once ({@link ReasonCode#MALFORMED}, its JSON as raw bytes) and not polled.
 *
 * <p><b>Incremental polling and corrections.</b> Per sensor, the values already published are remembered
 * by hour for {@code retention} behind the newest one. A served value for an hour not yet held is new and
 * published; the same value again is not an event; a <em>different</em> value for an hour already
 * published is a <b>correction</b>: published again with the <em>same</em> event id
 * ({@code gios-api:<station>:<pollutant>:<epoch s of the hour's end>}, the id names the station-pollutant-hour,
 * exactly as the IV.3 topology keys a day's hours) and a later {@code ingestedAt}; the indicators replace the
 * hour's value and revise every value that used it. {@code null} values (not yet validated by GIOŚ) are
 * skipped until a number is served. Dates are the local wall time ({@code zone}, Europe/Warsaw) of the END
 * of the hour, GIOŚ's convention; an ambiguous autumn hour takes the earlier offset.
 *
 * <p><b>Failures.</b> Each resource (station list, a station's sensors, a sensor's data) has its own
 * {@link Backoff}: an HTTP error, an I/O error or a malformed body rests only that resource, never the
 * others. A malformed body also goes to the dead-letter queue once per failure. Bad values are rejected
 * alone with their JSON item as raw bytes: {@link ReasonCode#MALFORMED} (no/unreadable date),
 * {@link ReasonCode#NOT_A_NUMBER}, {@link ReasonCode#OUT_OF_RANGE}, {@link ReasonCode#IN_FUTURE} /
 * {@link ReasonCode#TOO_OLD} — each once per distinct item, not on every poll.
 *
 * <p>Metrics: {@value #REQUESTS_METRIC}{outcome=ok|http_error|io_error|malformed},
 * {@value #VALUES_METRIC}{outcome=new|corrected|unchanged|pending|rejected}, {@value #UNMAPPED_METRIC};
 * rejections are also counted by the sink (e.g. {@code EventPublisher}). Thread-safe: polls are serialised.
 *
 * <p>Scheduling, the lifecycle ({@link pl.krakow.pulse.runtime.service.Service}) and the log line when a whole
 * poll fails (e.g. the sink refuses records; the next poll then comes one {@code interval} later, as after a
 * success) are {@link PolledHttpSource}'s; this class is the GIOŚ-specific discovery, paging and corrections.
 */
public final class GiosApiPoller extends PolledHttpSource {

    public static final String FEED = "gios-api";
    public static final String REQUESTS_METRIC = "pulse.ingest.gios.api.requests";
    public static final String VALUES_METRIC = "pulse.ingest.gios.api.values";
    public static final String UNMAPPED_METRIC = "pulse.ingest.gios.api.unmapped.stations";
    private static final String JSON = "application/json";
    private static final Logger LOG = LoggerFactory.getLogger(GiosApiPoller.class);
    /** Legacy stations are matched to the bundled list by position when the names differ: 200 m ≈ 0.0018° of latitude. */
    private static final double SAME_PLACE_METRES = 200;

    /**
     * The poller's settings.
     *
     * @param baseUrl   up to and including {@code rest}, e.g. {@code https://api.gios.gov.pl/pjp-api/v1/rest}
     * @param format    the JSON dialect the server speaks
     * @param city      stations of this city are polled, e.g. {@code Kraków}
     * @param zone      the zone of the served wall-clock dates (GIOŚ: Europe/Warsaw)
     * @param interval  time between the ends of two polls
     * @param pageSize  v1 page size asked for
     * @param initialBackoff first rest after a failure; doubled per consecutive failure
     * @param maxBackoff     longest rest
     * @param retention      how far behind a sensor's newest hour published values are remembered (corrections older are new values)
     */
    public record Settings(URI baseUrl, GiosApiFormat format, String city, ZoneId zone, Duration interval, int pageSize,
                           Duration initialBackoff, Duration maxBackoff, Duration retention) {
        public Settings {
            Objects.requireNonNull(baseUrl, "baseUrl");
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(city, "city");
            Objects.requireNonNull(zone, "zone");
            Objects.requireNonNull(interval, "interval");
            if (pageSize < 1) {
                throw new IllegalArgumentException("pageSize must be >= 1");
            }
        }

        /** Defaults for everything but the server and the city: Europe/Warsaw, 15 min, pages of 500, 30 s–1 h backoff, 7 days. */
        public static Settings of(URI baseUrl, GiosApiFormat format, String city) {
            return new Settings(baseUrl, format, city, ZoneId.of("Europe/Warsaw"), Duration.ofMinutes(15), 500,
                    Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofDays(7));
        }

        public Settings withInterval(Duration d) {
            return new Settings(baseUrl, format, city, zone, d, pageSize, initialBackoff, maxBackoff, retention);
        }

        public Settings withZone(ZoneId z) {
            return new Settings(baseUrl, format, city, z, interval, pageSize, initialBackoff, maxBackoff, retention);
        }

        public Settings withBackoff(Duration initial, Duration max) {
            return new Settings(baseUrl, format, city, zone, interval, pageSize, initial, max, retention);
        }

        public Settings withPageSize(int size) {
            return new Settings(baseUrl, format, city, zone, interval, size, initialBackoff, maxBackoff, retention);
        }
    }

    /** Where the bytes come from; the default is the JDK HTTP client. */
    @FunctionalInterface
    public interface Fetcher {
        /** The body of a 2xx answer; {@link HttpStatusException} for any other status. */
        byte[] get(URI uri) throws IOException, InterruptedException;
    }

    /** What one poll did (cumulative counts are in the metrics). */
    public record PollReport(int newValues, int corrected, int unchanged, int pending, int rejected, int failedRequests) {
    }

    /** A station of the city, with its sensors once discovered. */
    private static final class StationState {
        final ApiStation station;
        final String code;
        final Backoff.State backoff;
        List<SensorState> sensors;

        StationState(ApiStation station, String code, Backoff.State backoff) {
            this.station = station;
            this.code = code;
            this.backoff = backoff;
        }
    }

    private static final class SensorState {
        final String stationCode;
        final String sensorId;
        final Pollutant pollutant;
        final Backoff.State backoff;
        /** epoch second of the hour's end → the value published for it. */
        final TreeMap<Long, Double> published = new TreeMap<>();
        /** Items already rejected (their JSON text), so a re-served bad item is not rejected on every poll. */
        final Set<String> rejected = new HashSet<>();

        SensorState(String stationCode, String sensorId, Pollutant pollutant, Backoff.State backoff) {
            this.stationCode = stationCode;
            this.sensorId = sensorId;
            this.pollutant = pollutant;
            this.backoff = backoff;
        }
    }

    private final Settings settings;
    private final Fetcher fetcher;
    private final EventSink sink;
    private final IngestContext context;
    private final EventValidator validator;
    private final List<BundledData.Station> reference;
    private final Backoff resourceBackoff;
    private final Backoff.State discovery;
    private final Map<String, Counter> requestCounters;
    private final Map<String, Counter> valueCounters;
    private final Counter unmapped;
    private List<StationState> stations;
    private final Object lock = new Object();
    private int failedThisPoll;
    private int rejectedThisPoll;

    /**
     * @param reference the station list used to give legacy-format stations their GIOŚ codes
     */
    public GiosApiPoller(Settings settings, Fetcher fetcher, EventSink sink, IngestContext context,
                         List<BundledData.Station> reference) {
        super("gios-api-poller", settings.interval(), Backoff.constant(settings.interval()), context.meters());
        this.settings = Objects.requireNonNull(settings, "settings");
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.context = Objects.requireNonNull(context, "context");
        this.reference = List.copyOf(reference);
        // The stations come from the API's own list, so only time and value checks apply (no known-station set).
        this.validator = EventValidator.of(context, Set.of());
        this.resourceBackoff = new Backoff(settings.initialBackoff(), settings.maxBackoff());
        this.discovery = resourceBackoff.state();
        MeterRegistry meters = context.meters();
        this.requestCounters = Map.of(
                "ok", requestCounter(meters, "ok"), "http_error", requestCounter(meters, "http_error"),
                "io_error", requestCounter(meters, "io_error"), "malformed", requestCounter(meters, "malformed"));
        this.valueCounters = Map.of(
                "new", valueCounter(meters, "new"), "corrected", valueCounter(meters, "corrected"),
                "unchanged", valueCounter(meters, "unchanged"), "pending", valueCounter(meters, "pending"),
                "rejected", valueCounter(meters, "rejected"));
        this.unmapped = Counter.builder(UNMAPPED_METRIC).description("GIOŚ API stations of the city without a station code")
                .tag("feed", FEED).register(meters);
        addTarget(FEED, this::pollOnce);
    }

    /** With the JDK HTTP client (30 s timeouts) and the bundled station list. */
    public static GiosApiPoller overHttp(Settings settings, EventSink sink, IngestContext context) {
        return new GiosApiPoller(settings, jdkFetcher(Duration.ofSeconds(30)), sink, context, BundledData.stations());
    }

    /**
     * The poller configured by {@code ingest.gios.api.*} (not started), or empty when {@code ingest.gios.api.url}
     * is blank: the embedded default makes no network calls.
     */
    public static Optional<GiosApiPoller> fromConfig(PulseConfig config, EventSink sink, IngestContext context) {
        String url = config.get(EnvironmentIngestConfig.GIOS_API_URL);
        if (url.isBlank()) {
            return Optional.empty();
        }
        Settings settings = Settings.of(URI.create(url.trim()), GiosApiFormat.parse(config.get(EnvironmentIngestConfig.GIOS_API_FORMAT)),
                        config.get(EnvironmentIngestConfig.GIOS_API_CITY))
                .withInterval(config.get(EnvironmentIngestConfig.GIOS_API_INTERVAL));
        return Optional.of(overHttp(settings, sink, context));
    }

    public static Fetcher jdkFetcher(Duration timeout) {
        HttpGet http = new HttpGet(timeout, timeout);
        return uri -> http.get(uri, JSON);
    }

    private static Counter requestCounter(MeterRegistry meters, String outcome) {
        return Counter.builder(REQUESTS_METRIC).description("Requests to the GIOŚ API by outcome")
                .tag("feed", FEED).tag("outcome", outcome).register(meters);
    }

    private static Counter valueCounter(MeterRegistry meters, String outcome) {
        return Counter.builder(VALUES_METRIC).description("Hourly values served by the GIOŚ API by outcome")
                .tag("feed", FEED).tag("outcome", outcome).register(meters);
    }

    /** Polls every due resource once, publishes, flushes the sink. */
    public PollReport pollOnce() throws InterruptedException {
        synchronized (lock) {
            failedThisPoll = 0;
            rejectedThisPoll = 0;
            Instant now = context.clock().instant();
            if (stations == null && discovery.ready(now)) {
                discoverStations(now);
            }
            int[] counts = new int[4];
            if (stations != null) {
                for (StationState s : stations) {
                    if (s.sensors == null && s.backoff.ready(now)) {
                        discoverSensors(s, now);
                    }
                    if (s.sensors != null) {
                        for (SensorState sensor : s.sensors) {
                            if (sensor.backoff.ready(now)) {
                                pollSensor(sensor, now, counts);
                            }
                        }
                    }
                }
            }
            sink.flush();
            return new PollReport(counts[0], counts[1], counts[2], counts[3], rejectedThisPoll, failedThisPoll);
        }
    }

    /** Polls now and then every {@code interval} after the previous poll ended, on a daemon thread. */
    @Override
    public void start() {
        LOG.info("Polling the GIOŚ API ({}) at {} every {} for the stations of {}", settings.format().configName(),
                settings.baseUrl(), settings.interval(), settings.city());
        super.start();
    }

    /** The codes of the stations discovered so far (empty before discovery). */
    public List<String> stationCodes() {
        synchronized (lock) {
            return stations == null ? List.of() : stations.stream().map(s -> s.code).toList();
        }
    }

    /** The discovered series as {@code station/pollutant → sensor id}. */
    public Map<String, String> sensors() {
        synchronized (lock) {
            Map<String, String> out = new java.util.LinkedHashMap<>();
            if (stations != null) {
                for (StationState s : stations) {
                    if (s.sensors != null) {
                        s.sensors.forEach(x -> out.put(x.stationCode + "/" + x.pollutant, x.sensorId));
                    }
                }
            }
            return out;
        }
    }

    private void discoverStations(Instant now) throws InterruptedException {
        List<ApiStation> all = new ArrayList<>();
        URI first = uri("station/findAll");
        try {
            fetchPages(first, body -> GiosApiJson.stations(body, settings.format()), all);
        } catch (FetchFailed e) {
            fail(discovery, now, "station list", e);
            return;
        }
        discovery.success();
        String wanted = fold(settings.city());
        List<StationState> found = new ArrayList<>();
        for (ApiStation s : all) {
            if (s.city() == null || !fold(s.city()).equals(wanted)) {
                continue;
            }
            String code = s.code() != null ? s.code() : codeFromReference(s);
            if (code == null) {
                unmapped.increment();
                LOG.warn("GIOŚ API station {} '{}' of {} has no station code and matches no known station; skipped",
                        s.id(), s.name(), settings.city());
                continue;
            }
            if (s.id() == null) {
                unmapped.increment();
                LOG.warn("GIOŚ API station {} has no id; skipped", code);
                continue;
            }
            found.add(new StationState(s, code, resourceBackoff.state()));
        }
        stations = found;
        LOG.info("GIOŚ API: {} of {} stations are in {}: {}", found.size(), all.size(), settings.city(),
                found.stream().map(s -> s.code).toList());
    }

    private void discoverSensors(StationState station, Instant now) throws InterruptedException {
        List<ApiSensor> all = new ArrayList<>();
        URI first = uri("station/sensors/" + station.station.id());
        try {
            fetchPages(first, body -> GiosApiJson.sensors(body, settings.format()), all);
        } catch (FetchFailed e) {
            fail(station.backoff, now, "sensors of " + station.code, e);
            return;
        }
        station.backoff.success();
        List<SensorState> sensors = new ArrayList<>();
        for (ApiSensor s : all) {
            Optional<Pollutant> pollutant = pollutantOf(s.paramCode());
            if (s.id() == null || pollutant.isEmpty()) {
                String why = s.id() == null ? "a sensor of station " + station.code + " has no id"
                        : "parameter '" + s.paramCode() + "' (" + s.paramName() + ") of sensor " + s.id() + " at "
                        + station.code + " is no pollutant of AirQualityMeasurement; the sensor is not polled";
                reject(ReasonCode.MALFORMED, why, sensorJson(s), first.toString(), now);
                continue;
            }
            sensors.add(new SensorState(station.code, s.id(), pollutant.get(),
                    resourceBackoff.state()));
        }
        station.sensors = sensors;
    }

    private void pollSensor(SensorState sensor, Instant now, int[] counts) throws InterruptedException {
        List<ApiValue> values = new ArrayList<>();
        URI first = uri("data/getData/" + sensor.sensorId);
        try {
            fetchPages(first, body -> GiosApiJson.values(body, settings.format()), values);
        } catch (FetchFailed e) {
            fail(sensor.backoff, now, "data of sensor " + sensor.sensorId + " (" + sensor.stationCode + " "
                    + sensor.pollutant + ")", e);
            return;
        }
        if (sensor.backoff.failures() > 0) {
            LOG.info("GIOŚ API: data of sensor {} ({} {}) served again", sensor.sensorId, sensor.stationCode, sensor.pollutant);
        }
        sensor.backoff.success();
        Instant ingestedAt = context.clock().instant();
        String source = first.toString();
        // Oldest first, so a window's values reach the topic in event-time order.
        for (int i = values.size() - 1; i >= 0; i--) {
            ApiValue v = values.get(i);
            String itemText = new String(v.raw(), StandardCharsets.UTF_8);
            String where = source + "[" + (v.date() == null ? i : v.date()) + "]";
            if (v.value() == null || v.value().isNull()) {
                counts[3]++;
                valueCounters.get("pending").increment();
                continue;
            }
            Instant eventTime = hourEnd(v.date());
            Violation violation = null;
            if (eventTime == null) {
                violation = new Violation(ReasonCode.MALFORMED, "date '" + v.date() + "' is not 'yyyy-MM-dd HH:mm:ss'");
            } else if (!isNumber(v.value())) {
                violation = new Violation(ReasonCode.NOT_A_NUMBER, "value " + v.value() + " is not a number");
            } else {
                violation = validator.checkTime(eventTime)
                        .or(() -> validator.checkConcentration(sensor.pollutant, v.value().asDouble()))
                        .orElse(null);
            }
            if (violation != null) {
                if (sensor.rejected.size() > 10_000) {
                    sensor.rejected.clear();
                }
                if (sensor.rejected.add(itemText)) {
                    valueCounters.get("rejected").increment();
                    reject(violation.reason(), sensor.stationCode + " " + sensor.pollutant + ": " + violation.message(),
                            v.raw(), where, now);
                }
                continue;
            }
            double value = v.value().asDouble();
            long epoch = eventTime.getEpochSecond();
            Double previous = sensor.published.get(epoch);
            boolean correction;
            if (previous == null) {
                if (!sensor.published.isEmpty()
                        && epoch < sensor.published.lastKey() - settings.retention().toSeconds()) {
                    continue; // older than the remembered window: already published long ago, or never will be
                }
                correction = false;
            } else if (Double.doubleToLongBits(previous) == Double.doubleToLongBits(value)) {
                counts[2]++;
                valueCounters.get("unchanged").increment();
                continue;
            } else {
                correction = true;
            }
            String eventId = FEED + ':' + sensor.stationCode + ':' + sensor.pollutant.name() + ':' + epoch;
            AirQualityMeasurement m = new AirQualityMeasurement(eventId, eventTime, FEED, where, sensor.stationCode,
                    sensor.pollutant, value, 3600, false, ingestedAt);
            sink.accept(new ParseOutcome.Accepted<>(FEED, Topics.AIR_QUALITY, sensor.stationCode, m, eventTime, eventId, where));
            sensor.published.put(epoch, value);
            if (correction) {
                counts[1]++;
                valueCounters.get("corrected").increment();
            } else {
                counts[0]++;
                valueCounters.get("new").increment();
            }
        }
        if (!sensor.published.isEmpty()) {
            sensor.published.headMap(sensor.published.lastKey() - settings.retention().toSeconds()).clear();
        }
    }

    @FunctionalInterface
    private interface PageReader<T> {
        GiosApiJson.Page<T> read(byte[] body) throws MalformedResponseException;
    }

    /** A resource could not be fetched or read; {@code body} is set when it was served but malformed. */
    private static final class FetchFailed extends Exception {
        final URI uri;
        final byte[] body;
        final String outcome;

        FetchFailed(URI uri, String message, byte[] body, String outcome) {
            super(message);
            this.uri = uri;
            this.body = body;
            this.outcome = outcome;
        }
    }

    /** Every page of a list: {@code ?page=0..totalPages-1&size=pageSize} for v1, the single body for legacy. */
    private <T> void fetchPages(URI first, PageReader<T> reader, List<T> into) throws FetchFailed, InterruptedException {
        int pages = 1;
        for (int page = 0; page < pages; page++) {
            URI uri = settings.format() == GiosApiFormat.V1
                    ? URI.create(first + "?page=" + page + "&size=" + settings.pageSize()) : first;
            byte[] body;
            try {
                body = fetcher.get(uri);
            } catch (HttpStatusException e) {
                requestCounters.get("http_error").increment();
                throw new FetchFailed(uri, e.getMessage(), null, "http_error");
            } catch (IOException e) {
                requestCounters.get("io_error").increment();
                throw new FetchFailed(uri, "I/O error from " + uri + ": " + e, null, "io_error");
            }
            GiosApiJson.Page<T> read;
            try {
                read = reader.read(body);
            } catch (MalformedResponseException e) {
                requestCounters.get("malformed").increment();
                throw new FetchFailed(uri, e.getMessage(), body, "malformed");
            }
            requestCounters.get("ok").increment();
            into.addAll(read.items());
            pages = read.totalPages();
        }
    }

    private void fail(Backoff.State backoff, Instant now, String what, FetchFailed e) {
        failedThisPoll++;
        Duration rest = backoff.failure(now);
        if (backoff.failures() == 1) {
            LOG.warn("GIOŚ API: {} failed ({}); retrying with backoff from {}", what, e.getMessage(), rest);
        }
        if (e.body != null) {
            reject(ReasonCode.MALFORMED, what + ": " + e.getMessage(), e.body, e.uri.toString(), now);
        }
    }

    private void reject(ReasonCode reason, String message, byte[] raw, String where, Instant now) {
        rejectedThisPoll++;
        sink.reject(new ParseOutcome.Rejected(FEED, reason, message, raw, where, JSON, Topics.AIR_QUALITY, now));
    }

    private URI uri(String path) {
        String base = settings.baseUrl().toString();
        return URI.create(base.endsWith("/") ? base + path : base + "/" + path);
    }

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm[:ss]");

    /** The instant of a served wall-clock date (hour end) in the settings' zone; null when unreadable. */
    Instant hourEnd(String date) {
        if (date == null) {
            return null;
        }
        try {
            LocalDateTime local = LocalDateTime.parse(date.trim().replace('T', ' '), DATE);
            return ZonedDateTime.ofLocal(local, settings.zone(), null).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static boolean isNumber(JsonNode n) {
        return n.isNumber() && Double.isFinite(n.asDouble());
    }

    /** GIOŚ parameter code (API and archive files) → schema pollutant: PM10, PM2.5, NO2, O3, SO2, CO, C6H6. */
    public static Optional<Pollutant> pollutantOf(String paramCode) {
        if (paramCode == null) {
            return Optional.empty();
        }
        String c = paramCode.toUpperCase(Locale.ROOT).replace(".", "").replace(",", "").replace(" ", "");
        return switch (c) {
            case "PM10" -> Optional.of(Pollutant.PM10);
            case "PM25" -> Optional.of(Pollutant.PM25);
            case "NO2" -> Optional.of(Pollutant.NO2);
            case "O3" -> Optional.of(Pollutant.O3);
            case "SO2" -> Optional.of(Pollutant.SO2);
            case "CO" -> Optional.of(Pollutant.CO);
            case "C6H6" -> Optional.of(Pollutant.C6H6);
            default -> Optional.empty();
        };
    }

    private String codeFromReference(ApiStation s) {
        if (s.name() != null) {
            String name = fold(s.name());
            for (BundledData.Station r : reference) {
                if (fold(r.name()).equals(name)) {
                    return r.code();
                }
            }
        }
        if (s.latitude() != null && s.longitude() != null) {
            for (BundledData.Station r : reference) {
                if (metres(s.latitude(), s.longitude(), r.latitude(), r.longitude()) <= SAME_PLACE_METRES) {
                    return r.code();
                }
            }
        }
        return null;
    }

    /** Equirectangular distance: exact enough at 200 m. */
    private static double metres(double lat1, double lon1, double lat2, double lon2) {
        double x = Math.toRadians(lon2 - lon1) * Math.cos(Math.toRadians((lat1 + lat2) / 2));
        double y = Math.toRadians(lat2 - lat1);
        return Math.sqrt(x * x + y * y) * 6_371_000;
    }

    /** Case- and accent-insensitive form of a name ("Kraków" = "KRAKOW"). */
    static String fold(String s) {
        String d = Normalizer.normalize(s.trim(), Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        return d.replace('ł', 'l').replace('Ł', 'L').toLowerCase(Locale.ROOT);
    }

    private static byte[] sensorJson(ApiSensor s) {
        return ("{\"id\":" + quote(s.id()) + ",\"paramCode\":" + quote(s.paramCode()) + ",\"paramName\":" + quote(s.paramName()) + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String quote(String s) {
        return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
