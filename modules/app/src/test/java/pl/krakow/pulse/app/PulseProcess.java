package pl.krakow.pulse.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code pulse run} as a child JVM, as an operator starts it: the app's main class on the test JVM's class path, its
 * standard output and error in files next to nothing else, its addresses read from the lines it prints once every
 * service has started ({@link PulseRuntime#printWhereEverythingListens}). What a crash test needs that an in-process
 * runtime cannot give: {@link #kill()} sends SIGKILL, so nothing of the application's shutdown runs.
 *
 * <p>Times are measured from {@link #launch} on the test's monotonic clock ({@link #sinceLaunch()}).
 */
final class PulseProcess implements AutoCloseable {

    /** As the {@code pulse} launcher starts it (heap, collector), so the child behaves like a user's process. */
    private static final List<String> JVM_OPTIONS = List.of("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC",
            "-XX:+ExitOnOutOfMemoryError", "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=pl.krakow.pulse.events");
    /** The child's log configuration, a test resource: Kraków Pulse's INFO lines say where a slow start spends its time. */
    private static final String LOG_CONFIGURATION = resource("logback-pulse-process.xml");
    /** Exit status of a process ended by SIGKILL (128 + 9), as Java reports it on Linux. */
    static final int SIGKILL_EXIT = 137;

    private static final Pattern BOOTSTRAP = Pattern.compile("Kafka bootstrap servers : (\\S+)");
    private static final Pattern REGISTRY = Pattern.compile("Schema registry {9}: (\\S+)");
    private static final Pattern HTTP_API = Pattern.compile("HTTP API {16}: (http://\\S+)/api/v1/goals");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final long launchedAt;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** The last answer {@link #awaitAllRunning} or {@link #replayDone} got, for failure messages. */
    volatile Ready lastReady;
    private String bootstrapServers;
    private String registryUrl;
    private String httpUrl;

    private PulseProcess(Process process, Path stdout, Path stderr, long launchedAt) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.launchedAt = launchedAt;
    }

    /**
     * Starts {@code pulse run --data-dir dataDir} with these {@code --set} overrides; output goes to
     * {@code logDir/name.out} and {@code logDir/name.err}.
     */
    static PulseProcess launch(Path dataDir, Map<String, String> settings, Path logDir, String name) throws IOException {
        Files.createDirectories(logDir);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.add("-Dlogback.configurationFile=" + LOG_CONFIGURATION);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(PulseCommand.class.getName());
        command.add("run");
        command.add("--data-dir");
        command.add(dataDir.toString());
        settings.forEach((key, value) -> {
            command.add("--set");
            command.add(key + "=" + value);
        });
        Path out = logDir.resolve(name + ".out");
        Path err = logDir.resolve(name + ".err");
        long launchedAt = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new PulseProcess(process, out, err, launchedAt);
    }

    /** Time since {@link #launch}. */
    Duration sinceLaunch() {
        return Duration.ofNanos(System.nanoTime() - launchedAt);
    }

    /**
     * Waits until the process printed where everything listens (every service started; Streams applications may
     * still be rebalancing) and returns the time since launch; fails if it exits or the timeout passes first.
     */
    Duration awaitStarted(Duration timeout) throws InterruptedException {
        long deadline = launchedAt + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String out = read(stdout);
            Matcher api = HTTP_API.matcher(out);
            if (api.find()) {
                httpUrl = api.group(1);
                bootstrapServers = group(BOOTSTRAP, out);
                registryUrl = group(REGISTRY, out);
                return sinceLaunch();
            }
            if (!process.isAlive()) {
                throw new AssertionError("pulse run exited with " + process.exitValue() + " before it started:\n" + tail());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("pulse run did not start within " + timeout + ":\n" + tail());
    }

    /** {@code GET /ready}: status code and body, or null when the server does not answer. */
    Ready ready() throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(httpUrl + "/ready")).timeout(Duration.ofSeconds(5))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            return new Ready(r.statusCode(), JSON.readTree(r.body()));
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
            throw new AssertionError("pulse run did not die within 30 s of SIGKILL");
        }
        return process.exitValue();
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

    /** The last lines of its output and error, for a failure message. */
    String tail() {
        return lastLines(read(stdout), 20) + "\n--- stderr ---\n" + lastLines(read(stderr), 60);
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
            return Path.of(PulseProcess.class.getClassLoader().getResource(name).toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String group(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            throw new AssertionError("pulse run printed no line matching " + pattern + ":\n" + text);
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
}
