package pl.krakow.pulse.platform.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import pl.krakow.pulse.platform.topics.Topics;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The effective configuration of a Kraków Pulse process, and the catalog of every key it knows.
 *
 * <p>Precedence, lowest first: the key's default, the config file ({@code --config FILE}, else
 * {@code $PULSE_CONFIG}, else {@code ./pulse.properties} when present), {@code PULSE_*} environment
 * variables, then command-line overrides. Any key starting with {@code kafka.} is passed, without
 * that prefix, to every Kafka client (producer, consumer, admin, streams), so TLS/SASL settings work
 * unchanged: {@code kafka.security.protocol=SSL} or {@code PULSE_KAFKA_SECURITY_PROTOCOL=SSL}.
 * Unknown non-{@code kafka.} keys are an error, so a typo never silently falls back to a default.
 */
public final class PulseConfig {

    public static final String KAFKA_PREFIX = "kafka.";

    /**
     * Variables read by the launcher and logging rather than by this class: the config file path,
     * the JVM options and the root log level.
     */
    public static final java.util.Set<String> LAUNCHER_VARIABLES = java.util.Set.of("PULSE_CONFIG", "PULSE_JAVA_OPTS", "PULSE_LOG_LEVEL");

    /** Whether an environment variable is one Kraków Pulse reads (a key, kafka.* pass-through, or a launcher variable). */
    public static boolean isKnownEnvironmentVariable(String var) {
        if (LAUNCHER_VARIABLES.contains(var) || var.startsWith("PULSE_KAFKA_")) {
            return true;
        }
        return ALL.stream().anyMatch(k -> k.environmentVariable().equals(var));
    }

    // --- the catalog -------------------------------------------------------------------------------

    public static final ConfigKey<String> BOOTSTRAP_SERVERS = ConfigKey.string("bootstrap.servers", "kafka", "",
            "Kafka bootstrap servers (host:port,...). Empty = start the embedded single-node KRaft broker.");
    public static final ConfigKey<String> SCHEMA_REGISTRY_URL = ConfigKey.string("schema.registry.url", "kafka", "",
            "URL of a Confluent-compatible schema registry (Confluent SR, Karapace, Redpanda, Apicurio ccompat). "
                    + "Empty = start the embedded registry (persisted in the _schemas topic).");
    public static final ConfigKey<Integer> TOPIC_REPLICATION_FACTOR = ConfigKey.integer("topics.replication.factor", "kafka", 1,
            "Replication factor used when Kraków Pulse creates its topics at start-up (use 3 on a production cluster).")
            .withValidator(ConfigKey.atLeast(1));
    public static final ConfigKey<Integer> TOPIC_PARTITIONS = ConfigKey.integer("topics.partitions", "kafka",
            Topics.DEFAULT_PARTITIONS,
            "Partitions of the event, indicator-table, alert, late and dead-letter topics Kraków Pulse creates (reference "
                    + "topics have one; existing topics keep theirs). Each partition is a Streams task with its own stores and "
                    + "its share of every exactly-once commit: match it to the stream threads the deployment runs.")
            .withValidator(ConfigKey.atLeast(1));
    public static final ConfigKey<Boolean> TOPICS_CREATE = ConfigKey.bool("topics.create", "kafka", true,
            "Create missing topics at start-up (idempotent). Turn off where topics are managed elsewhere.");

    public static final ConfigKey<String> DATA_DIR = ConfigKey.string("data.dir", "embedded", "pulse-data",
            "Directory for the embedded broker's log, Kafka Streams state and exports; a restart on the same directory resumes.");
    public static final ConfigKey<Integer> EMBEDDED_KAFKA_PORT = ConfigKey.integer("embedded.kafka.port", "embedded", 9092,
            "Port of the embedded broker's client listener (0 = any free port).").withValidator(ConfigKey.port());
    public static final ConfigKey<Integer> EMBEDDED_REGISTRY_PORT = ConfigKey.integer("embedded.schema.registry.port", "embedded", 8081,
            "Port of the embedded schema registry (0 = any free port).").withValidator(ConfigKey.port());

    public static final ConfigKey<String> HTTP_HOST = ConfigKey.string("http.host", "http", "127.0.0.1",
            "Address the HTTP server (API, /metrics, /health) binds to; 0.0.0.0 in containers.");
    public static final ConfigKey<Integer> HTTP_PORT = ConfigKey.integer("http.port", "http", 8080,
            "Port of the HTTP server (0 = any free port).").withValidator(ConfigKey.port());
    public static final ConfigKey<Integer> API_MAX_RANGE_DAYS = ConfigKey.integer("api.max.range.days", "http", 400,
            "Longest from..to range one history request may ask for, in days.").withValidator(ConfigKey.atLeast(1));

    public static final ConfigKey<String> EXPORT_DIRECTORY = ConfigKey.string("export.directory", "http", "",
            "Directory the periodic open-data export writes one CSV (+ .meta.json) and one JSON file per goal to. "
                    + "Empty = no periodic export.");
    public static final ConfigKey<Duration> EXPORT_INTERVAL = ConfigKey.duration("export.interval", "http",
            Duration.ofHours(1), "How often the periodic open-data export rewrites its files (when export.directory is set).")
            .withValidator(d -> d.isNegative() || d.isZero() ? "must be a positive duration, e.g. PT1H" : null);

    public static final ConfigKey<String> APPLICATION_ID_PREFIX = ConfigKey.string("application.id.prefix", "streams", "pulse",
            "Prefix of every Kafka Streams application.id and client.id (e.g. pulse-indicators-iv3).");
    public static final ConfigKey<String> PROCESSING_GUARANTEE = ConfigKey.string("streams.processing.guarantee", "streams", "exactly_once_v2",
            "Kafka Streams processing.guarantee: exactly_once_v2 or at_least_once.")
            .withValidator(v -> v.equals("exactly_once_v2") || v.equals("at_least_once") ? null : "must be exactly_once_v2 or at_least_once");
    public static final ConfigKey<Integer> STREAMS_THREADS = ConfigKey.integer("streams.num.threads", "streams", 1,
            "Stream threads per topology application.").withValidator(ConfigKey.atLeast(1));
    public static final ConfigKey<Long> STREAMS_COMMIT_INTERVAL_MS = ConfigKey.longKey("streams.commit.interval.ms", "streams", 50L,
            "Kafka Streams commit interval; with exactly-once it bounds how soon an indicator update becomes visible. "
                    + "50 ms (Streams' exactly-once default is 100) met the 300 ms p99 target at 5,000 events/s with the "
                    + "same end-to-end throughput in the benchmark.");
    public static final ConfigKey<Long> STREAMS_ROCKSDB_MEMORY_BYTES = ConfigKey.longKey("streams.rocksdb.memory.bytes", "streams",
            64L * 1024 * 1024, "Off-heap budget shared by all RocksDB state stores of the process (block cache incl. memtables).")
            .withValidator(v -> v < 1024L * 1024 ? "must be at least 1 MiB" : null);
    public static final ConfigKey<String> TIME_ZONE = ConfigKey.string("indicators.time.zone", "indicators", "Europe/Warsaw",
            "IANA time zone in which calendar windows (day, month, year) are aligned.")
            .withValidator(v -> {
                try {
                    java.time.ZoneId.of(v);
                    return null;
                } catch (RuntimeException e) {
                    return "not an IANA time zone id";
                }
            });

    public static final ConfigKey<Duration> INDICATORS_IDLE_TIMEOUT = ConfigKey.duration("indicators.idle.timeout", "indicators",
            Duration.ofHours(1), "When an input partition's stream time has not moved for this long (wall clock), its windows "
                    + "past their grace are finalised anyway and later stages leave it out of their watermark (city values, "
                    + "IV.4, IV.5), so a silent station or partition does not hold windows open forever. pulse run replaying "
                    + "the bundled data at full speed uses PT1M unless this is set.");
    public static final ConfigKey<Duration> INDICATORS_PUNCTUATION_INTERVAL = ConfigKey.duration("indicators.punctuation.interval",
            "indicators", Duration.ofSeconds(30), "How often the wall-clock punctuator checks for stalled stream time.");
    public static final ConfigKey<Duration> INDICATORS_EMIT_INTERVAL = ConfigKey.duration("indicators.emit.interval", "indicators",
            Duration.ofMillis(50), "Coalesces a window's updates into at most one PROVISIONAL value per interval. Under "
                    + "exactly-once nothing is visible before the next commit anyway, so the default equals "
                    + "streams.commit.interval.ms; PT0S emits a value for every accepted event (much lower throughput).");

    public static final ConfigKey<String> PUSH_HTTP_TOKENS = ConfigKey.string("ingest.push.http.tokens", "ingest", "",
            "Bearer tokens of the sensor HTTP push endpoint (POST /ingest/v1/sensors), as client:token,client:token. "
                    + "Empty = the endpoint is not started.").asSecret()
            .withValidator(v -> v.isBlank() || java.util.Arrays.stream(v.split(",")).allMatch(t -> t.indexOf(':') > 0
                    && t.indexOf(':') < t.length() - 1) ? null : "must be client:token pairs separated by commas");
    public static final ConfigKey<String> PUSH_HTTP_HOST = ConfigKey.string("ingest.push.http.host", "ingest", "127.0.0.1",
            "Address the sensor HTTP push endpoint binds to.");
    public static final ConfigKey<Integer> PUSH_HTTP_PORT = ConfigKey.integer("ingest.push.http.port", "ingest", 8085,
            "Port of the sensor HTTP push endpoint (0 = any free port).").withValidator(ConfigKey.port());
    public static final ConfigKey<Boolean> PUSH_MQTT_ENABLED = ConfigKey.bool("ingest.push.mqtt.enabled", "ingest", true,
            "Subscribe to sensor readings over MQTT (topic per sensor, see ingest.push.mqtt.topic).");
    public static final ConfigKey<String> PUSH_MQTT_URL = ConfigKey.string("ingest.push.mqtt.url", "ingest", "",
            "MQTT broker to subscribe to, e.g. tcp://mqtt:1883. Empty = start the embedded in-process broker.");
    public static final ConfigKey<Integer> EMBEDDED_MQTT_PORT = ConfigKey.integer("embedded.mqtt.port", "embedded", 1883,
            "Port of the embedded MQTT broker (0 = any free port).").withValidator(ConfigKey.port());
    public static final ConfigKey<String> PUSH_MQTT_TOPIC = ConfigKey.string("ingest.push.mqtt.topic", "ingest",
            "pulse/sensors/+/readings", "MQTT topic filter; the '+' level is the sensor id.");
    public static final ConfigKey<String> PUSH_MQTT_USERNAME = ConfigKey.string("ingest.push.mqtt.username", "ingest", "",
            "MQTT user name (empty = anonymous); the embedded broker then requires it.");
    public static final ConfigKey<String> PUSH_MQTT_PASSWORD = ConfigKey.string("ingest.push.mqtt.password", "ingest", "",
            "MQTT password for ingest.push.mqtt.username.").asSecret();

    public static final ConfigKey<Boolean> SAFETY_SIMULATOR_ENABLED = ConfigKey.bool("safety.simulator.enabled", "safety", true,
            "pulse run feeds SIMULATED Kraków road incidents (feed=simulated; calibrated to Kraków 2020: 8 045 road events, "
                    + "596 injured, 10 killed) into safety.incidents.v1, since no real Kraków incident feed is bundled.");
    public static final ConfigKey<Duration> SAFETY_SIMULATOR_BACKFILL = ConfigKey.duration("safety.simulator.backfill", "safety",
            Duration.ofDays(400), "How far back the simulator fills at start-up (then it runs live at the calibrated rate); "
                    + "400 days fill the rolling 12-month and year-to-date windows.");
    public static final ConfigKey<String> SAFETY_POPULATION_FILE = ConfigKey.string("safety.population.file", "safety", "",
            "CSV scope,year,residents,source with residents per district (district:I..XVIII) and/or city and year for the IV.5 "
                    + "rates per 100 000. Empty = Kraków city totals only (GUS: 800 653 at the 2021 census, ~806 200 end of 2023): "
                    + "district rates are then not computed.");
    public static final ConfigKey<String> SAFETY_PUSH_HTTP_TOKENS = ConfigKey.string("safety.push.http.tokens", "safety", "",
            "Bearer tokens of the incident push endpoint for city systems (POST /ingest/v1/incidents), as client:token,client:token. "
                    + "Empty = the endpoint is not started. Binds to ingest.push.http.host.").asSecret()
            .withValidator(v -> v.isBlank() || java.util.Arrays.stream(v.split(",")).allMatch(t -> t.indexOf(':') > 0
                    && t.indexOf(':') < t.length() - 1) ? null : "must be client:token pairs separated by commas");
    public static final ConfigKey<Integer> SAFETY_PUSH_HTTP_PORT = ConfigKey.integer("safety.push.http.port", "safety", 8086,
            "Port of the incident push endpoint (0 = any free port).").withValidator(ConfigKey.port());
    public static final ConfigKey<String> GIOS_API_URL = ConfigKey.string("ingest.gios.api.url", "ingest", "",
            "GIOŚ pjp-api base URL up to and including 'rest', e.g. https://api.gios.gov.pl/pjp-api/v1/rest "
                    + "(or .../pjp-api/rest for the legacy format). Empty = the poller is off (no network by default).");
    public static final ConfigKey<String> GIOS_API_FORMAT = ConfigKey.string("ingest.gios.api.format", "ingest", "v1",
            "JSON dialect of ingest.gios.api.url: v1 (current JSON-LD with Polish keys, paginated) or legacy.")
            .withValidator(v -> v.equalsIgnoreCase("v1") || v.equalsIgnoreCase("legacy") ? null : "must be v1 or legacy");
    public static final ConfigKey<String> GIOS_API_CITY = ConfigKey.string("ingest.gios.api.city", "ingest", "Kraków",
            "The GIOŚ API poller polls every station whose city name equals this (case- and accent-insensitive).");
    public static final ConfigKey<Duration> GIOS_API_INTERVAL = ConfigKey.duration("ingest.gios.api.interval", "ingest",
            Duration.ofMinutes(15), "Time between two polls of the GIOŚ API (GIOŚ publishes hourly values).");

    public static final ConfigKey<Duration> INGEST_MAX_AGE = ConfigKey.duration("ingest.max.age", "ingest", Duration.ofDays(7300),
            "Horizon: events older than this (ISO-8601 duration) are rejected as TOO_OLD. Long by default so historical backfills work.");
    public static final ConfigKey<Duration> INGEST_MAX_FUTURE = ConfigKey.duration("ingest.max.future", "ingest", Duration.ofMinutes(5),
            "Events stamped further in the future than this are rejected as IN_FUTURE (clock skew allowance).");
    public static final ConfigKey<Boolean> REPLAY_ON_START = ConfigKey.bool("replay.bundled.on.start", "ingest", true,
            "pulse run replays the bundled real data at start-up: Kraków air quality, Kraków GTFS-Realtime positions, Poznań "
                    + "TripUpdates and Oslo GBFS (same as omitting --no-replay).");
    public static final ConfigKey<String> REPLAY_SPEED = ConfigKey.string("replay.speed", "ingest", "max",
            "Replay speed: max (as fast as possible) or a factor N (N× real time).")
            .withValidator(v -> {
                if (v.equals("max")) {
                    return null;
                }
                try {
                    return Double.parseDouble(v) > 0 ? null : "must be > 0";
                } catch (NumberFormatException e) {
                    return "must be max or a positive number";
                }
            });

    public static final ConfigKey<String> MOBILITY_AREA_BBOX = ConfigKey.string("mobility.area.bbox", "mobility",
            "49.8,19.45,50.35,20.5", "Plausible area of vehicle positions as minLat,minLon,maxLat,maxLon (WGS84); "
                    + "positions outside are rejected as OUT_OF_RANGE. Default: Kraków and its agglomeration lines.")
            .withValidator(v -> {
                String[] p = v.split(",");
                if (p.length != 4) {
                    return "must be minLat,minLon,maxLat,maxLon";
                }
                try {
                    double minLat = Double.parseDouble(p[0].trim()), minLon = Double.parseDouble(p[1].trim());
                    double maxLat = Double.parseDouble(p[2].trim()), maxLon = Double.parseDouble(p[3].trim());
                    return minLat < maxLat && minLon < maxLon ? null : "min must be below max";
                } catch (NumberFormatException e) {
                    return "must be four numbers";
                }
            });
    public static final ConfigKey<String> MOBILITY_UNKNOWN_TRIP = ConfigKey.string("mobility.gtfsrt.unknown.trip", "mobility",
            "keep", "A GTFS-Realtime trip_id unknown to the static GTFS feed, or whose service does not run on the record's "
                    + "service date (ids are reused across timetable versions): keep (publish without route, counted in "
                    + "pulse.ingest.unknown.trips) or reject (dead-letter as UNKNOWN_TRIP, also counted).")
            .withValidator(v -> v.equals("keep") || v.equals("reject") ? null : "must be keep or reject");
    public static final ConfigKey<String> MOBILITY_GTFSRT_URLS = ConfigKey.string("mobility.gtfsrt.urls", "mobility", "",
            "GTFS-Realtime URLs to poll, as feedId=url,feedId=url (VehiclePositions or TripUpdates). A feed whose id names a "
                    + "loaded static GTFS feed (krakow-T, krakow-A, krakow-M) resolves trips through it. The id's first part names "
                    + "the city of its values (krakow-…, poznan-…); any other id is a system of its own (system:<id>), never Kraków. "
                    + "Empty = no polling.");
    public static final ConfigKey<String> MOBILITY_GBFS_URLS = ConfigKey.string("mobility.gbfs.urls", "mobility", "",
            "GBFS systems to poll, as systemId=stationInformationUrl|stationStatusUrl, comma separated; values are scoped "
                    + "system:<systemId>, and a system id starting with krakow- counts as Kraków's. Empty = no polling.");
    public static final ConfigKey<Duration> MOBILITY_POLL_INTERVAL = ConfigKey.duration("mobility.poll.interval", "mobility",
            Duration.ofSeconds(15), "Interval between two polls of one mobility URL (GTFS-Realtime, GBFS).");
    public static final ConfigKey<Duration> MOBILITY_POLL_MAX_BACKOFF = ConfigKey.duration("mobility.poll.max.backoff",
            "mobility", Duration.ofMinutes(5), "Longest wait after repeated failures of one polled URL (the wait doubles "
                    + "from mobility.poll.interval per failure); other URLs keep their pace.");
    public static final ConfigKey<Boolean> ALERTING_ENABLED = ConfigKey.bool("alerting.enabled", "alerting", true,
            "Run the alerting application (threshold and missing-data alerts on alerts.v1) and its notifiers.");
    public static final ConfigKey<String> ALERTING_RULES_FILE = ConfigKey.string("alerting.rules.file", "alerting", "",
            "YAML file of alert-rule overrides and families applied after the bundled ones (thresholds, margins, minimum "
                    + "durations, rules off, per indicator and scope; format in modules/alerting/README.md). Empty = bundled rules only.");
    public static final ConfigKey<Integer> ALERTING_CLEAR_MARGIN_PERCENT = ConfigKey.integer("alerting.clear.margin.percent", "alerting", 10,
            "Default hysteresis: a raised level clears only when the value is this many percent of the threshold on the safe side of it.")
            .withValidator(v -> v >= 0 && v <= 100 ? null : "must be 0..100");
    public static final ConfigKey<Duration> ALERTING_MIN_DURATION = ConfigKey.duration("alerting.min.duration", "alerting", Duration.ZERO,
            "Default minimum duration of a breach (event time) before it is raised; rule families may override it.");
    public static final ConfigKey<Boolean> ALERTING_PROVISIONAL = ConfigKey.bool("alerting.provisional", "alerting", true,
            "Raise early, flagged provisional, on valid PROVISIONAL indicator values; FINAL values confirm or retract.");
    public static final ConfigKey<Duration> ALERTING_REORDER_WAIT = ConfigKey.duration("alerting.reorder.wait", "alerting",
            Duration.ofSeconds(30), "How long (wall clock) a FINAL value that does not follow the last judged window waits for "
                    + "the windows before it, which travel through other partitions (and until the input is quiet, at most 10x). "
                    + "Longer = robust under load, later alerts after a gap.");
    public static final ConfigKey<String> ALERTING_MISSING_DATA = ConfigKey.string("alerting.missing.data", "alerting",
            "environment.air-quality.v1/station=PT3H", "Sources watched for silence: <topic>/<grain>=<ISO duration>, comma-separated; "
                    + "grain = scope prefix for one alert per record key (station) or feed for the whole topic. Empty = off.")
            .withValidator(v -> v.isBlank() || java.util.Arrays.stream(v.split(",")).allMatch(e -> e.trim().matches("[^/=]+/[^/=]+=P\\S+"))
                    ? null : "must be <topic>/<grain>=<ISO-8601 duration>, comma-separated");
    public static final ConfigKey<Duration> ALERTING_MISSING_DATA_CHECK_INTERVAL = ConfigKey.duration("alerting.missing.data.check.interval",
            "alerting", Duration.ofSeconds(30), "How often (wall clock) silent sources are looked for.");
    public static final ConfigKey<Boolean> ALERTING_LOG_NOTIFIER = ConfigKey.bool("alerting.notifier.log.enabled", "alerting", true,
            "Log one line per alert state change (logger pl.krakow.pulse.alerts).");
    public static final ConfigKey<String> ALERTING_WEBHOOK_URLS = ConfigKey.string("alerting.webhook.urls", "alerting", "",
            "Webhook URLs receiving every alert as a JSON POST with an Idempotency-Key header, comma-separated (secret: a URL may "
                    + "carry a token). Empty = none.").asSecret()
            .withValidator(v -> v.isBlank() || java.util.Arrays.stream(v.split(",")).allMatch(u -> u.trim().matches("https?://\\S+"))
                    ? null : "must be http(s) URLs separated by commas");
    public static final ConfigKey<Integer> ALERTING_WEBHOOK_MAX_ATTEMPTS = ConfigKey.integer("alerting.webhook.max.attempts", "alerting", 6,
            "Attempts per alert and webhook before it is dead-lettered to ingest.rejected.v1.").withValidator(ConfigKey.atLeast(1));
    public static final ConfigKey<Duration> ALERTING_WEBHOOK_INITIAL_BACKOFF = ConfigKey.duration("alerting.webhook.initial.backoff",
            "alerting", Duration.ofMillis(500), "Wait before the first retry; doubles with every further retry.");
    public static final ConfigKey<Duration> ALERTING_WEBHOOK_MAX_BACKOFF = ConfigKey.duration("alerting.webhook.max.backoff",
            "alerting", Duration.ofSeconds(30), "Longest wait between two attempts.");
    public static final ConfigKey<Duration> ALERTING_WEBHOOK_TIMEOUT = ConfigKey.duration("alerting.webhook.timeout", "alerting",
            Duration.ofSeconds(10), "Connect and response timeout of one webhook attempt.");

    private static final List<ConfigKey<?>> ALL = List.of(
            BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL, TOPIC_REPLICATION_FACTOR, TOPIC_PARTITIONS, TOPICS_CREATE,
            DATA_DIR, EMBEDDED_KAFKA_PORT, EMBEDDED_REGISTRY_PORT,
            HTTP_HOST, HTTP_PORT, API_MAX_RANGE_DAYS, EXPORT_DIRECTORY, EXPORT_INTERVAL,
            APPLICATION_ID_PREFIX, PROCESSING_GUARANTEE, STREAMS_THREADS, STREAMS_COMMIT_INTERVAL_MS, STREAMS_ROCKSDB_MEMORY_BYTES, TIME_ZONE,
            INDICATORS_IDLE_TIMEOUT, INDICATORS_PUNCTUATION_INTERVAL, INDICATORS_EMIT_INTERVAL,
            INGEST_MAX_AGE, INGEST_MAX_FUTURE, REPLAY_ON_START, REPLAY_SPEED,
            PUSH_HTTP_TOKENS, PUSH_HTTP_HOST, PUSH_HTTP_PORT, PUSH_MQTT_ENABLED, PUSH_MQTT_URL, EMBEDDED_MQTT_PORT,
            PUSH_MQTT_TOPIC, PUSH_MQTT_USERNAME, PUSH_MQTT_PASSWORD,
            MOBILITY_AREA_BBOX, MOBILITY_UNKNOWN_TRIP, MOBILITY_GTFSRT_URLS, MOBILITY_GBFS_URLS, MOBILITY_POLL_INTERVAL,
            MOBILITY_POLL_MAX_BACKOFF,
            SAFETY_SIMULATOR_ENABLED, SAFETY_SIMULATOR_BACKFILL, SAFETY_POPULATION_FILE, SAFETY_PUSH_HTTP_TOKENS,
            SAFETY_PUSH_HTTP_PORT,
            GIOS_API_URL, GIOS_API_FORMAT, GIOS_API_CITY, GIOS_API_INTERVAL,
            ALERTING_ENABLED, ALERTING_RULES_FILE, ALERTING_CLEAR_MARGIN_PERCENT, ALERTING_MIN_DURATION, ALERTING_PROVISIONAL,
            ALERTING_REORDER_WAIT, ALERTING_MISSING_DATA, ALERTING_MISSING_DATA_CHECK_INTERVAL, ALERTING_LOG_NOTIFIER,
            ALERTING_WEBHOOK_URLS, ALERTING_WEBHOOK_MAX_ATTEMPTS, ALERTING_WEBHOOK_INITIAL_BACKOFF, ALERTING_WEBHOOK_MAX_BACKOFF,
            ALERTING_WEBHOOK_TIMEOUT);

    /** Every key Kraków Pulse knows, in documentation order. */
    public static List<ConfigKey<?>> keys() {
        return ALL;
    }

    /** Where an effective value came from. */
    public enum Origin {
        DEFAULT, FILE, ENVIRONMENT, COMMAND_LINE;

        public String describe(Path file) {
            return switch (this) {
                case DEFAULT -> "default";
                case FILE -> "file " + file;
                case ENVIRONMENT -> "environment";
                case COMMAND_LINE -> "command line";
            };
        }
    }

    /** An effective raw value and its origin. */
    public record Setting(String raw, Origin origin) {
    }

    private final Map<String, Setting> settings;
    private final Map<String, Object> values;
    private final Path file;

    private PulseConfig(Map<String, Setting> settings, Map<String, Object> values, Path file) {
        this.settings = settings;
        this.values = values;
        this.file = file;
    }

    /** Only defaults; for tests, overridden with {@link #with}. */
    public static PulseConfig defaults() {
        return load(null, Map.of(), Map.of());
    }

    /**
     * Resolves the configuration.
     *
     * @param explicitFile the {@code --config} file, or null to use {@code $PULSE_CONFIG} or {@code ./pulse.properties}
     * @param environment  the process environment (only {@code PULSE_*} variables are read)
     * @param overrides    command-line overrides by key name
     * @throws IllegalArgumentException on an unknown key or a value that does not parse or validate
     */
    public static PulseConfig load(Path explicitFile, Map<String, String> environment, Map<String, String> overrides) {
        Map<String, Setting> settings = new LinkedHashMap<>();
        Path file = explicitFile;
        if (file == null && environment.get("PULSE_CONFIG") != null && !environment.get("PULSE_CONFIG").isBlank()) {
            file = Path.of(environment.get("PULSE_CONFIG"));
        }
        if (file == null && Files.isRegularFile(Path.of("pulse.properties"))) {
            file = Path.of("pulse.properties");
        }
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("config file not found: " + file);
            }
            Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(reader);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage(), e);
            }
            for (String name : new TreeMap<>(Map.copyOf(props)).keySet().stream().map(Object::toString).toList()) {
                settings.put(name, new Setting(props.getProperty(name), Origin.FILE));
            }
        }
        Map<String, String> envToKey = new LinkedHashMap<>();
        for (ConfigKey<?> key : ALL) {
            envToKey.put(key.environmentVariable(), key.name());
        }
        for (Map.Entry<String, String> e : new TreeMap<>(environment).entrySet()) {
            String var = e.getKey();
            if (!var.startsWith("PULSE_") || LAUNCHER_VARIABLES.contains(var)) {
                continue;
            }
            String name = envToKey.get(var);
            if (name == null && var.startsWith("PULSE_KAFKA_")) {
                name = KAFKA_PREFIX + var.substring("PULSE_KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
            }
            if (name == null) {
                throw new IllegalArgumentException("unknown environment variable " + var
                        + ": not a Kraków Pulse setting (run 'pulse config' to list them)");
            }
            settings.put(name, new Setting(e.getValue(), Origin.ENVIRONMENT));
        }
        overrides.forEach((name, raw) -> settings.put(name, new Setting(raw, Origin.COMMAND_LINE)));

        Map<String, Object> values = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        Map<String, ConfigKey<?>> byName = new LinkedHashMap<>();
        ALL.forEach(k -> byName.put(k.name(), k));
        for (Map.Entry<String, Setting> e : settings.entrySet()) {
            if (e.getKey().startsWith(KAFKA_PREFIX)) {
                continue;
            }
            if (!byName.containsKey(e.getKey())) {
                errors.add("unknown config key '" + e.getKey() + "' (" + e.getValue().origin().describe(file)
                        + "); run 'pulse config' to list the keys");
            }
        }
        for (ConfigKey<?> key : ALL) {
            Setting s = settings.get(key.name());
            try {
                values.put(key.name(), s == null ? key.defaultValue() : key.parse(s.raw()));
            } catch (IllegalArgumentException ex) {
                errors.add(ex.getMessage() + " (" + s.origin().describe(file) + ")");
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return new PulseConfig(Collections.unmodifiableMap(settings), values, file);
    }

    /** A copy with some keys overridden as if given on the command line (tests, embedded wiring). */
    public PulseConfig with(Map<String, String> overrides) {
        Map<String, Setting> merged = new LinkedHashMap<>(settings);
        overrides.forEach((k, v) -> merged.put(k, new Setting(v, Origin.COMMAND_LINE)));
        Map<String, String> fileLess = new LinkedHashMap<>();
        merged.forEach((k, v) -> fileLess.put(k, v.raw()));
        PulseConfig reloaded = load(null, Map.of(), fileLess);
        Map<String, Setting> origins = new LinkedHashMap<>(merged);
        return new PulseConfig(Collections.unmodifiableMap(origins), reloaded.values, file);
    }

    @SuppressWarnings("unchecked")
    public <T> T get(ConfigKey<T> key) {
        return (T) values.get(key.name());
    }

    /** Where the effective value of {@code key} came from. */
    public String originOf(ConfigKey<?> key) {
        Setting s = settings.get(key.name());
        return s == null ? Origin.DEFAULT.describe(file) : s.origin().describe(file);
    }

    /** The {@code kafka.*} pass-through settings without the prefix, e.g. {@code security.protocol}. */
    public Map<String, Object> kafkaPassThrough() {
        Map<String, Object> out = new TreeMap<>();
        settings.forEach((k, v) -> {
            if (k.startsWith(KAFKA_PREFIX)) {
                out.put(k.substring(KAFKA_PREFIX.length()), v.raw());
            }
        });
        return out;
    }

    /** The pass-through settings with their origins, for {@code pulse config}. */
    public Map<String, Setting> kafkaPassThroughSettings() {
        Map<String, Setting> out = new TreeMap<>();
        settings.forEach((k, v) -> {
            if (k.startsWith(KAFKA_PREFIX)) {
                out.put(k, v);
            }
        });
        return out;
    }

    public Path file() {
        return file;
    }

    public boolean embeddedKafka() {
        return get(BOOTSTRAP_SERVERS).isBlank();
    }

    public boolean embeddedRegistry() {
        return get(SCHEMA_REGISTRY_URL).isBlank();
    }
}
