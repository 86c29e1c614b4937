package pl.krakow.pulse.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.runtime.RuntimeConfig;

/**
 * One {@code pulse} sub-command — {@code run}, or a component ({@code ingest}, {@code indicators}, {@code alerting},
 * {@code publish}) — as a child JVM, as an operator starts it: the app's main class on the test JVM's class path, its
 * own {@code --data-dir}, its standard output and error in files, its address read from the line it prints once it
 * has started (a component: {@code pulse <component> started in N.N s: management http://host:port}; {@code pulse
 * run}: where everything listens, {@link PulseRuntime#printWhereEverythingListens}). What a fault test needs that an
 * in-process runtime cannot give: {@link #kill()} sends SIGKILL, so nothing of the application's shutdown runs, and
 * {@link #terminate()} sends SIGTERM and measures the clean stop.
 *
 * <p>A component with a management server of its own ({@link #MANAGEMENT_PORT_COMPONENTS}) gets a free loopback port
 * for it unless the settings name one. Times are measured from {@link #launch} on the test's monotonic clock
 * ({@link #sinceLaunch()}).
 */
final class ComponentProcess implements AutoCloseable {

    /** As the {@code pulse} launcher starts it (heap, collector), so the child behaves like a user's process. */
    private static final List<String> JVM_OPTIONS = List.of("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC",
            "-XX:+ExitOnOutOfMemoryError", "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=pl.krakow.pulse.events");
    /** The child's log configuration, a test resource: Kraków Pulse's INFO lines say where a slow start spends its time. */
    private static final String LOG_CONFIGURATION = resource("logback-pulse-process.xml");
    /** Exit status of a process ended by SIGKILL (128 + 9), as Java reports it on Linux. */
    static final int SIGKILL_EXIT = 137;
    /** How long {@link #terminate()} waits after SIGTERM before it gives up (and kills): far beyond the 10 s contract. */
    private static final Duration STOP_GIVE_UP = Duration.ofSeconds(30);

    /** The components that serve /health, /ready and /metrics on {@code management.http.port}; publish uses its API port. */
    static final Set<String> MANAGEMENT_PORT_COMPONENTS = Set.of("ingest", "indicators", "alerting");

    private static final Pattern COMPONENT_STARTED = Pattern.compile("pulse (.+?) started in [0-9.]+ s: management (http://\\S+)");
    private static final Pattern BOOTSTRAP = Pattern.compile("Kafka bootstrap servers : (\\S+)");
    private static final Pattern REGISTRY = Pattern.compile("Schema registry {9}: (\\S+)");
    private static final Pattern HTTP_API = Pattern.compile("HTTP API {16}: (http://\\S+)/api/v1/goals");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Path dataDir;
    private final Map<String, String> settings;
    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final long launchedAt;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** The last answer {@link #awaitAllRunning} or {@link #replayDone} got, for failure messages. */
    volatile Ready lastReady;
    private String bootstrapServers;
    private String registryUrl;
    private String baseUrl;

    private ComponentProcess(String name, Path dataDir, Map<String, String> settings, Process process, Path stdout, Path stderr,
                             long launchedAt) {
        this.name = name;
        this.dataDir = dataDir;
        this.settings = settings;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.launchedAt = launchedAt;
    }

    /** Starts {@code pulse run --data-dir dataDir} with these {@code --set} overrides; see {@link #launch}. */
    static ComponentProcess run(Path dataDir, Map<String, String> settings, Path logDir, String name) throws IOException {
        return launch(List.of("run"), dataDir, settings, logDir, name);
    }

    /**
     * Starts {@code pulse <command...> --data-dir dataDir} with these {@code --set} overrides (and a free
     * {@code management.http.port} for a component that has one and was given none); output goes to
     * {@code logDir/name.out} and {@code logDir/name.err}.
     */
    static ComponentProcess launch(List<String> command, Path dataDir, Map<String, String> settings, Path logDir, String name)
            throws IOException {
        Files.createDirectories(logDir);
        Map<String, String> all = new LinkedHashMap<>(settings);
        if (MANAGEMENT_PORT_COMPONENTS.contains(command.get(0)) && !all.containsKey(RuntimeConfig.MANAGEMENT_HTTP_PORT.name())) {
            all.put(RuntimeConfig.MANAGEMENT_HTTP_HOST.name(), "127.0.0.1");
            all.put(RuntimeConfig.MANAGEMENT_HTTP_PORT.name(), Integer.toString(freePort()));
        }
        List<String> line = new ArrayList<>();
        line.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        line.addAll(JVM_OPTIONS);
        line.add("-Dlogback.configurationFile=" + LOG_CONFIGURATION);
        line.add("-cp");
        line.add(System.getProperty("java.class.path"));
        line.add(PulseCommand.class.getName());
        line.addAll(command);
        line.add("--data-dir");
        line.add(dataDir.toString());
        all.forEach((key, value) -> {
            line.add("--set");
            line.add(key + "=" + value);
        });
        Path out = logDir.resolve(name + ".out");
        Path err = logDir.resolve(name + ".err");
        long launchedAt = System.nanoTime();
        Process process = new ProcessBuilder(line).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new ComponentProcess(name, dataDir, Map.copyOf(all), process, out, err, launchedAt);
    }

    /** A loopback port nobody listened on a moment ago. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The name it was launched under (its log files' name). */
    String name() {
        return name;
    }

    Path dataDir() {
        return dataDir;
    }

    /** The {@code --set}s it was started with (a restart on the same data directory passes them again). */
    Map<String, String> settings() {
        return settings;
    }

    /** Time since {@link #launch}. */
    Duration sinceLaunch() {
        return Duration.ofNanos(System.nanoTime() - launchedAt);
    }

    /**
     * Waits until the process printed that it has started (every service started; Streams applications may still be
     * rebalancing) and returns the time since launch; fails if it exits or the timeout passes first.
     */
    Duration awaitStarted(Duration timeout) throws InterruptedException {
        long deadline = launchedAt + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String out = read(stdout);
            Matcher component = COMPONENT_STARTED.matcher(out);
            if (component.find()) {
                baseUrl = component.group(2).replaceAll("/+$", "");
                bootstrapServers = settings.get(PlatformConfig.BOOTSTRAP_SERVERS.name());
                registryUrl = settings.get(PlatformConfig.SCHEMA_REGISTRY_URL.name());
                return sinceLaunch();
            }
            Matcher api = HTTP_API.matcher(out);
            if (api.find()) {
                baseUrl = api.group(1);
                bootstrapServers = group(BOOTSTRAP, out);
                registryUrl = group(REGISTRY, out);
                return sinceLaunch();
            }
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before it started:\n" + tail());
            }
            Thread.sleep(50);
        }
        throw new AssertionError(name + " did not start within " + timeout + ":\n" + tail());
    }

    /** {@code GET /ready}: status code and body, or null when the server does not answer. */
    Ready ready() throws InterruptedException {
        HttpResponse<String> r = get("/ready");
        if (r == null) {
            return null;
        }
        try {
            return new Ready(r.statusCode(), JSON.readTree(r.body()));
        } catch (IOException e) {
            throw new AssertionError(name + ": /ready answered " + r.statusCode() + " with no JSON: " + r.body(), e);
        }
    }

    /** Polls /ready until it answers 200; returns the time since launch, or null if not within {@code timeout} since launch. */
    Duration awaitReady(Duration timeout) throws InterruptedException {
        long deadline = launchedAt + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            Ready r = ready();
            lastReady = r;
            if (r != null && r.status() == 200) {
                return sinceLaunch();
            }
            Thread.sleep(100);
        }
        return null;
    }

    /** {@code GET /metrics}: the Prometheus text; fails unless it answers 200. */
    String metrics() throws InterruptedException {
        HttpResponse<String> r = get("/metrics");
        if (r == null || r.statusCode() != 200) {
            throw new AssertionError(name + ": /metrics answered " + (r == null ? "nothing" : r.statusCode() + " " + r.body()));
        }
        return r.body();
    }

    /** {@code GET path} on its HTTP server (management, or publish's API): the answer, or null when nothing answers. */
    HttpResponse<String> get(String path) throws InterruptedException {
        if (baseUrl == null) {
            throw new IllegalStateException(name + " has not printed its address yet: call awaitStarted first");
        }
        try {
            return http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        }
    }

    /** /ready answers 200 and names every Streams application ({@code indicators-*}) RUNNING. */
    static boolean allRunning(Ready ready) {
        if (ready == null || ready.status() != 200) {
            return false;
        }
        boolean any = false;
        for (var check : (Iterable<Map.Entry<String, JsonNode>>) ready.body().path("checks")::fields) {
            if (check.getKey().startsWith("indicators-")) {
                any = true;
                if (!check.getValue().asText().equals("RUNNING")) {
                    return false;
                }
            }
        }
        return any;
    }

    /**
     * Polls /ready until {@link #allRunning}; returns the time since launch, or null if the process did not get
     * there within {@code timeout} since launch (the caller reports the last answer, {@link #lastReady}).
     */
    Duration awaitAllRunning(Duration timeout) throws InterruptedException {
        long deadline = launchedAt + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            Ready r = ready();
            lastReady = r;
            if (allRunning(r)) {
                return sinceLaunch();
            }
            Thread.sleep(100);
        }
        return null;
    }

    /** Whether /ready says the bundled replay is done (each start replays the whole file again). */
    boolean replayDone() {
        try {
            Ready r = ready();
            lastReady = r;
            return r != null && r.check("bundled-replay").startsWith("done");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGKILL ({@link Process#destroyForcibly()} on Linux), waits for the exit; returns the exit status. */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " did not die within 30 s of SIGKILL");
        }
        return process.exitValue();
    }

    /**
     * SIGTERM ({@link Process#destroy()} on Linux) and waits for the exit: its status and how long the stop took. A
     * process still alive {@value #STOP_GIVE_UP} later is killed and the test fails.
     */
    Exit terminate() throws InterruptedException {
        long began = System.nanoTime();
        process.destroy();
        if (!process.waitFor(STOP_GIVE_UP.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
            throw new AssertionError(name + " did not stop within " + STOP_GIVE_UP + " of SIGTERM (killed):\n" + tail());
        }
        return new Exit(process.exitValue(), Duration.ofNanos(System.nanoTime() - began));
    }

    /** Waits for it to exit by itself (e.g. a start-up that gives up): its status and the time since launch. */
    Exit awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " still runs " + timeout + " after launch:\n" + tail());
        }
        return new Exit(process.exitValue(), sinceLaunch());
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    String registryUrl() {
        return registryUrl;
    }

    /**
     * Its Streams static-membership id: {@code KafkaClients} keeps it in the file {@code pulse-instance-id} of the state
     * directory below the data directory, and every {@code group.instance.id} of this process contains it.
     */
    String instanceId() {
        try (Stream<Path> files = Files.walk(dataDir)) {
            Path file = files.filter(p -> p.getFileName().toString().equals("pulse-instance-id")).findFirst()
                    .orElseThrow(() -> new AssertionError(name + " has no pulse-instance-id below " + dataDir));
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last lines of its output and error, for a failure message. */
    String tail() {
        return "--- " + name + " stdout ---\n" + lastLines(read(stdout), 20) + "\n--- " + name + " stderr ---\n"
                + lastLines(read(stderr), 60);
    }

    /** Its standard output so far (the started line, a start-up failure's message). */
    String output() {
        return read(stdout);
    }

    /** Its standard error so far (the log: Streams state changes, warnings). */
    String log() {
        return read(stderr);
    }

    /** The lines of its log that match {@code regex} (e.g. Streams state changes), for the test's report. */
    String logLines(String regex) {
        Pattern pattern = Pattern.compile(regex);
        return String.join("\n", read(stderr).lines().filter(l -> pattern.matcher(l).find()).toList());
    }

    /** Ends it like {@code kill -9} if it still runs: a test that failed half-way leaves no process behind. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    private static String resource(String name) {
        try {
            return Path.of(ComponentProcess.class.getClassLoader().getResource(name).toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private String group(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            throw new AssertionError(name + " printed no line matching " + pattern + ":\n" + text);
        }
        return m.group(1);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (UncheckedIOException | IOException e) {
            return ""; // being written: read again on the next poll
        }
    }

    private static String lastLines(String text, int n) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    /** One answer of {@code GET /ready}. */
    record Ready(int status, JsonNode body) {
        String check(String service) {
            return body.path("checks").path(service).asText("");
        }
    }

    /** How a process ended: its exit status and how long it took (since SIGTERM, or since launch). */
    record Exit(int status, Duration took) {
    }
}
