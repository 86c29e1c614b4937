package pl.krakow.pulse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.chromium.HasCdp;
import org.openqa.selenium.JavascriptExecutor;
import pl.krakow.pulse.testsupport.data.KrakowPm10Days2017Q1;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.catalog.IndicatorKeys;
import pl.krakow.pulse.platform.catalog.Scopes;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * The dashboard in real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, which
 * {@code .ci/run} installs) over {@code pulse run} with the real replayed IV.3 data: three goal panels,
 * 18 districts, the values the API serves, a live update when a new value reaches the topic, Kraków shown by
 * default and the bundled Poznań and Oslo recordings labelled as other cities' demo data.
 * Screenshots go to {@code target/dashboard-*.png}. Skips (with the reason) only where no Chromium is installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserIT {

    @TempDir
    static Path dataDir;

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path SCREENSHOTS = Path.of("target");
    final HttpClient http = HttpClient.newHttpClient();
    PulseRuntime runtime;
    WebDriver browser;

    static Optional<Path> firstExecutable(String env, String... candidates) {
        return Stream.concat(Stream.ofNullable(System.getenv(env)), Stream.of(candidates))
                .map(Path::of).filter(Files::isExecutable).findFirst();
    }

    @BeforeAll
    void start() throws Exception {
        Optional<Path> chromium = firstExecutable("CHROME_BIN", "/usr/bin/chromium", "/usr/bin/chromium-browser",
                "/usr/bin/google-chrome");
        Optional<Path> driver = firstExecutable("CHROMEDRIVER", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        Assumptions.assumeTrue(chromium.isPresent() && driver.isPresent(),
                "headless Chromium is not installed (chromium: " + chromium.isPresent() + ", chromedriver: "
                        + driver.isPresent() + "); install Debian's chromium and chromium-driver packages, as .ci/run does");

        runtime = PulseRuntime.start(PulseTestRuntime.config(dataDir, true), false);
        // The dashboard and the API must be read while the table no longer changes: nothing left to do in the
        // IV.3 pipeline (replay done, IV.3 and alerting consumed their input) and the read model applied the tables.
        PulseTestRuntime.awaitQuiescent(runtime, Duration.ofMinutes(6));
        Map<String, IndicatorValue> table = PulseTestRuntime.readTable(runtime);
        assertThat(table).hasSizeGreaterThan(1000);
        assertThat(PulseTestRuntime.readModelIv3Size(runtime)).as("IV.3 values in the read model").isEqualTo(table.size());

        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.get().toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1300", "--lang=pl-PL");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(driver.get().toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        browser.get(runtime.httpUrl() + "/");
        // 60 s: Chromium starts cold and loads every panel on a 2-core machine shared with the whole pipeline.
        await().atMost(Duration.ofSeconds(60)).until(() -> "true".equals(browser.findElement(By.tagName("body")).getDomAttribute("data-loaded"))
                && "true".equals(browser.findElement(By.tagName("body")).getDomAttribute("data-map")));
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    void screenshot(String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve("dashboard-" + name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    JsonNode api(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(runtime.httpUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void showsTheThreeGoalPanelsTheEighteenDistrictsAndTheApisValues() throws Exception {
        List<WebElement> panels = browser.findElements(By.cssSelector("section.goal"));
        assertThat(panels).extracting(p -> p.getDomAttribute("data-goal")).containsExactly("IV.3", "IV.4", "IV.5");
        assertThat(browser.findElements(By.cssSelector("#map path[data-district]"))).hasSize(18);
        assertThat(browser.findElements(By.cssSelector("#map text"))).hasSize(18);

        // Every IV.3 indicator row with a value shows the API's latest value for the scope it shows.
        Map<String, Double> apiLatest = new HashMap<>();
        Map<String, String> apiStatus = new HashMap<>();
        for (JsonNode i : api("/api/v1/goals/IV.3/indicators").path("indicators")) {
            for (JsonNode v : i.path("values")) {
                apiLatest.put(i.path("id").asText() + "|" + v.path("scope").asText(), v.path("value").isNull() ? null : v.path("value").asDouble());
                apiStatus.put(i.path("id").asText() + "|" + v.path("scope").asText(), v.path("status").asText());
            }
        }
        // Re-read when a live update re-rendered a row's cells under the loop.
        await().atMost(Duration.ofSeconds(10)).ignoreException(org.openqa.selenium.StaleElementReferenceException.class)
                .untilAsserted(() -> {
                    List<WebElement> rows = browser.findElements(By.cssSelector("section.goal[data-goal='IV.3'] tr[data-scope]"));
                    assertThat(rows).hasSizeGreaterThanOrEqualTo(8);
                    for (WebElement row : rows) {
                        String key = row.getDomAttribute("data-indicator") + "|" + row.getDomAttribute("data-scope");
                        assertThat(apiLatest).as(key).containsKey(key);
                        String shown = row.getDomAttribute("data-value");
                        Double expected = apiLatest.get(key);
                        if (expected == null) {
                            assertThat(shown).as(key).isEmpty();
                        } else {
                            assertThat(Double.parseDouble(shown)).as(key).isEqualTo(expected);
                        }
                        assertThat(row.findElement(By.cssSelector("[data-status]")).getDomAttribute("data-status")).as(key)
                                .isEqualTo(apiStatus.get(key));
                    }
                });
        // Sparklines drawn from each shown scope's history.
        assertThat(browser.findElements(By.cssSelector("section.goal[data-goal='IV.3'] svg.spark polyline"))).isNotEmpty();
        // IV.5 runs on the SIMULATED Kraków incident feed in pulse run: its values say so.
        assertThat(browser.findElement(By.cssSelector("section.goal[data-goal='IV.5']")).getText()).contains("DANE SYMULOWANE");
        screenshot("loaded");
    }

    @Test
    void updatesLiveWhenANewValueReachesTheTopicAndMarksSimulatedData() throws Exception {
        // A new city PM10 daily mean one day after the last replayed day, and a simulated district value for IV.4
        // (commercial speed: the bundled mobility snapshots are too far apart to give any, so nothing competes with it).
        Instant day = LocalDate.of(2017, 4, 1).atStartOfDay(KrakowPm10Days2017Q1.WARSAW).toInstant();
        Instant dayEnd = LocalDate.of(2017, 4, 2).atStartOfDay(KrakowPm10Days2017Q1.WARSAW).toInstant();
        IndicatorValue cityPm10 = value("iv3.pm10.daily_mean", "IV.3", Scopes.KRAKOW_CITY, day, dayEnd, 45.75, "µg/m³");
        IndicatorValue bikes = value("iv4.pt.speed", "IV.4", "district:XVIII", day, dayEnd, 42.5, "km/h");
        try (KafkaProducer<String, IndicatorValue> producer = new KafkaProducer<>(runtime.clients().producer("it-dashboard"),
                runtime.serdes().key().serializer(), runtime.serdes().value(Topics.INDICATORS_IV3).serializer())) {
            send(producer, Topics.INDICATORS_IV3, cityPm10, false);
            send(producer, Topics.INDICATORS_IV4, bikes, true);
            producer.flush();
        }
        By pm10Row = By.cssSelector("tr[data-indicator='iv3.pm10.daily_mean']");
        await().atMost(Duration.ofSeconds(20)).ignoreException(org.openqa.selenium.StaleElementReferenceException.class)
                .until(() -> "45.75".equals(browser.findElement(pm10Row).getDomAttribute("data-value")));
        // Live updates (simulated incidents, alerts) re-render rows: read the row again when it went stale.
        await().atMost(Duration.ofSeconds(10)).ignoreException(org.openqa.selenium.StaleElementReferenceException.class)
                .untilAsserted(() -> {
                    WebElement row = browser.findElement(pm10Row);
                    assertThat(row.getDomAttribute("data-scope")).isEqualTo(Scopes.KRAKOW_CITY);
                    assertThat(row.findElement(By.cssSelector("[data-status]")).getDomAttribute("data-status")).isEqualTo("PROVISIONAL");
                    assertThat(row.getText()).contains("45,8 µg/m³"); // Polish decimal comma, one decimal from 10 up
                });

        By bikesRow = By.cssSelector("tr[data-indicator='iv4.pt.speed']");
        await().atMost(Duration.ofSeconds(20)).ignoreException(org.openqa.selenium.StaleElementReferenceException.class)
                .until(() -> "42.5".equals(browser.findElement(bikesRow).getDomAttribute("data-value")));
        await().atMost(Duration.ofSeconds(10)).ignoreException(org.openqa.selenium.StaleElementReferenceException.class)
                .untilAsserted(() -> assertThat(browser.findElement(bikesRow).findElements(By.cssSelector("[data-simulated='true']"))).hasSize(1));
        // The map colours district XVIII by the new value (the only district with one).
        await().atMost(Duration.ofSeconds(10)).ignoreException(org.openqa.selenium.StaleElementReferenceException.class)
                .untilAsserted(() -> new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("map-indicator")))
                        .selectByValue("iv4.pt.speed"));
        // The map is redrawn by batched live updates too: re-read its paths when they went stale.
        await().atMost(Duration.ofSeconds(10)).ignoreException(org.openqa.selenium.StaleElementReferenceException.class)
                .untilAsserted(() -> {
                    WebElement nowaHuta = browser.findElement(By.cssSelector("#map path[data-district='XVIII']"));
                    assertThat(nowaHuta.getDomAttribute("data-value")).isEqualTo("42.5");
                    assertThat(nowaHuta.getDomAttribute("fill")).isNotEqualTo("#cfd6de");
                    assertThat(browser.findElement(By.cssSelector("#map path[data-district='I']")).getDomAttribute("fill"))
                            .isEqualTo("#cfd6de");
                    assertThat(browser.findElement(By.id("legend")).getText()).contains("km/h");
                });

        // And the API agrees with what the page shows.
        assertThat(api("/api/v1/districts/XVIII").path("values").get(0).path("simulated").asBoolean()).isTrue();

        browser.findElement(By.id("lang")).click();
        await().atMost(Duration.ofSeconds(5)).ignoreException(org.openqa.selenium.StaleElementReferenceException.class)
                .until(() -> browser.findElement(By.cssSelector("#map-card h2")).getText().equals("Districts"));
        await().atMost(Duration.ofSeconds(5)).ignoreException(org.openqa.selenium.StaleElementReferenceException.class)
                .untilAsserted(() -> assertThat(browser.findElement(bikesRow).getText()).contains("SIMULATED DATA"));
        screenshot("live-update-en");
        browser.findElement(By.id("lang")).click();
    }

    @Test
    void showsKrakowByDefaultAndLabelsOtherCitiesDemoData() throws Exception {
        runtime.mobility().awaitReplay(Duration.ofMinutes(2));
        By vehiclesRow = By.cssSelector("tr[data-indicator='iv4.pt.vehicles_in_service']");
        By onTimeRow = By.cssSelector("tr[data-indicator='iv4.pt.on_time']");
        By bikesRow = By.cssSelector("tr[data-indicator='iv4.bike.availability']");
        // IV.4 values come from the bundled replays (Kraków positions; Poznań and Oslo stand in where Kraków has no
        // recording), reaching the page live as the punctuator emits them.
        await().atMost(Duration.ofSeconds(90)).ignoreException(org.openqa.selenium.StaleElementReferenceException.class)
                .untilAsserted(() -> {
                    WebElement vehicles = browser.findElement(vehiclesRow);
                    assertThat(vehicles.getDomAttribute("data-scope")).isEqualTo(Scopes.KRAKOW_CITY);
                    assertThat(vehicles.findElements(By.cssSelector("[data-other-place]"))).isEmpty();
                    WebElement onTime = browser.findElement(onTimeRow);
                    assertThat(onTime.getDomAttribute("data-scope")).isEqualTo("city:poznan");
                    assertThat(onTime.findElement(By.cssSelector("[data-other-place]")).getText()).isEqualTo("dane demo: Poznań");
                    WebElement bikes = browser.findElement(bikesRow);
                    assertThat(bikes.getDomAttribute("data-scope")).isEqualTo("system:oslo-bysykkel");
                    assertThat(bikes.findElement(By.cssSelector("[data-other-place]")).getText()).isEqualTo("dane demo: Oslo Bysykkel");
                });
        // Every other city's value on the page carries its label; Kraków's none.
        await().atMost(Duration.ofSeconds(10)).ignoreException(org.openqa.selenium.StaleElementReferenceException.class)
                .untilAsserted(() -> {
                    for (WebElement row : browser.findElements(By.cssSelector("tr[data-place]"))) {
                        String place = row.getDomAttribute("data-place");
                        boolean labelled = !row.findElements(By.cssSelector("[data-other-place]")).isEmpty();
                        assertThat(labelled).as(row.getDomAttribute("data-indicator") + " " + place)
                                .isEqualTo(!place.isEmpty() && !place.equals(Scopes.KRAKOW_CITY));
                    }
                });
        browser.findElement(By.id("lang")).click();
        await().atMost(Duration.ofSeconds(5)).ignoreException(org.openqa.selenium.StaleElementReferenceException.class)
                .untilAsserted(() -> assertThat(browser.findElement(onTimeRow).getText()).contains("Poznań demo data"));
        screenshot("other-cities-en");
        browser.findElement(By.id("lang")).click();

        // A Kraków value, once there is one, takes the row from Poznań's.
        Instant hour = Instant.parse("2026-01-28T14:00:00Z");
        IndicatorValue krakowOnTime = value("iv4.pt.on_time", "IV.4", Scopes.KRAKOW_CITY, hour, hour.plusSeconds(3600), 81.25, "%");
        try (KafkaProducer<String, IndicatorValue> producer = new KafkaProducer<>(runtime.clients().producer("it-dashboard-krakow"),
                runtime.serdes().key().serializer(), runtime.serdes().value(Topics.INDICATORS_IV4).serializer())) {
            send(producer, Topics.INDICATORS_IV4, krakowOnTime, false);
            producer.flush();
        }
        await().atMost(Duration.ofSeconds(20)).ignoreException(org.openqa.selenium.StaleElementReferenceException.class)
                .untilAsserted(() -> {
                    WebElement onTime = browser.findElement(onTimeRow);
                    assertThat(onTime.getDomAttribute("data-scope")).isEqualTo(Scopes.KRAKOW_CITY);
                    assertThat(onTime.getDomAttribute("data-value")).isEqualTo("81.25");
                    assertThat(onTime.findElements(By.cssSelector("[data-other-place]"))).isEmpty();
                });
        // And the API labels what the page labels.
        JsonNode poznan = api("/api/v1/indicators/iv4.pt.on_time?scope=city:poznan&from=2026-01-28&to=2026-01-28").path("values");
        assertThat(poznan).isNotEmpty().allSatisfy(v -> assertThat(v.path("placeName").asText()).isEqualTo("Poznań"));
    }

    /**
     * Runs at document start of every page load (before dashboard.js): records, on the browser's own clock
     * ({@code performance.now()}, 0 = navigation start), the first moment every goal panel shows a value — each
     * {@code section.goal} has a row with a non-empty {@code data-value} (a placeholder row has none) — and the
     * animation frame after it (the fill painted). A MutationObserver fires at the end of the task that rendered, so
     * the polling below does not distort the figure.
     */
    static final String FILL_PROBE = """
            (function () {
              window.__pulseFilled = null; window.__pulsePainted = null; window.__pulsePanels = 0;
              function filled() {
                var panels = document.querySelectorAll('section.goal');
                if (panels.length < %d) { return false; }
                for (var k = 0; k < panels.length; k++) {
                  var rows = panels[k].querySelectorAll('tr[data-value]'), any = false;
                  for (var j = 0; j < rows.length; j++) { if (rows[j].getAttribute('data-value') !== '') { any = true; break; } }
                  if (!any) { return false; }
                }
                return true;
              }
              var observer = new MutationObserver(function () {
                if (window.__pulseFilled === null && filled()) {
                  window.__pulseFilled = performance.now();
                  window.__pulsePanels = document.querySelectorAll('section.goal').length;
                  observer.disconnect();
                  requestAnimationFrame(function () { window.__pulsePainted = performance.now(); });
                }
              });
              observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-value'] });
            })();
            """;

    /**
     * DESIGN target: every goal panel filled within 1 s of opening the dashboard. Measured, not asserted (a loaded
     * 2-core CI machine must not fail it): 5 fresh page loads (browser cache disabled, like a first visit) once every
     * goal has a value in the API; the median goes to stdout and {@code target/dashboard-timing.json}. Asserted only
     * what a regression would break: every panel filled, within 10 s, on every load.
     */
    @Test
    void measuresTheTimeUntilEveryGoalPanelIsFilled() throws Exception {
        List<String> goals = new ArrayList<>();
        api("/api/v1/goals").path("goals").forEach(g -> goals.add(g.path("id").asText()));
        assertThat(goals).contains("IV.3", "IV.4", "IV.5");
        // The data in the API first: IV.4 comes from the mobility replays, IV.5 from the incident simulator.
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            for (String g : goals) {
                boolean any = false;
                for (JsonNode i : api("/api/v1/goals/" + g + "/indicators").path("indicators")) {
                    for (JsonNode v : i.path("values")) {
                        any |= v.path("value").isNumber();
                    }
                }
                if (!any) {
                    return false;
                }
            }
            return true;
        });

        HasCdp cdp = (HasCdp) browser;
        JavascriptExecutor js = (JavascriptExecutor) browser;
        Map<String, Object> probe = cdp.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument",
                Map.of("source", FILL_PROBE.formatted(goals.size())));
        cdp.executeCdpCommand("Network.enable", Map.of());
        cdp.executeCdpCommand("Network.setCacheDisabled", Map.of("cacheDisabled", true));
        List<Double> filled = new ArrayList<>();
        List<Double> painted = new ArrayList<>();
        List<Double> domContentLoaded = new ArrayList<>();
        try {
            for (int load = 0; load < 5; load++) {
                browser.get(runtime.httpUrl() + "/");
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                        .until(() -> js.executeScript("return window.__pulsePainted") != null);
                assertThat(((Number) js.executeScript("return window.__pulsePanels")).intValue()).isEqualTo(goals.size());
                filled.add(ms(js.executeScript("return window.__pulseFilled")));
                painted.add(ms(js.executeScript("return window.__pulsePainted")));
                domContentLoaded.add(ms(js.executeScript("return performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")));
            }
        } finally {
            cdp.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", probe.get("identifier")));
            cdp.executeCdpCommand("Network.setCacheDisabled", Map.of("cacheDisabled", false));
            // The other tests use the page as it is: leave it loaded.
            browser.get(runtime.httpUrl() + "/");
            await().atMost(Duration.ofSeconds(60)).until(() -> "true".equals(browser.findElement(By.tagName("body")).getDomAttribute("data-loaded"))
                    && "true".equals(browser.findElement(By.tagName("body")).getDomAttribute("data-map")));
        }
        double median = median(filled);
        String line = String.format(Locale.ROOT,
                "dashboard: every goal panel filled in %.0f ms after navigation start (median of 5, %.0f–%.0f ms; painted %.0f ms; target 1000 ms: %s)",
                median, filled.stream().mapToDouble(d -> d).min().orElseThrow(), filled.stream().mapToDouble(d -> d).max().orElseThrow(),
                median(painted), median <= 1000 ? "PASS" : "MISS");
        System.out.println(line);
        Map<String, Object> report = new java.util.LinkedHashMap<>();
        report.put("figure", "dashboard: navigation start -> every goal panel shows a value (performance.now(), browser clock)");
        report.put("goals", goals);
        report.put("loads", filled.size());
        report.put("cache", "disabled (first visit)");
        report.put("filled_ms_median", median);
        report.put("filled_ms", filled);
        report.put("painted_ms_median", median(painted));
        report.put("painted_ms", painted);
        report.put("dom_content_loaded_ms", domContentLoaded);
        report.put("target_ms", 1000);
        report.put("verdict", median <= 1000 ? "PASS" : "MISS");
        report.put("load_avg_1m", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        report.put("utc", Instant.now().toString());
        Files.createDirectories(SCREENSHOTS);
        JSON.writerWithDefaultPrettyPrinter().writeValue(SCREENSHOTS.resolve("dashboard-timing.json").toFile(), report);
    }

    /** A {@code performance.now()} reading, to 0.1 ms (the browser coarsens it anyway). */
    static double ms(Object browserValue) {
        return Math.round(((Number) browserValue).doubleValue() * 10) / 10.0;
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static IndicatorValue value(String id, String goal, String scope, Instant start, Instant end, double v, String unit) {
        return IndicatorValue.newBuilder().setIndicatorId(id).setGoal(goal).setScope(scope).setWindowStart(start)
                .setWindowEnd(end).setTimeZone("Europe/Warsaw").setValue(v).setUnit(unit).setObservedCount(1)
                .setExpectedCount(24).setCoverage(1.0 / 24).setValid(false).setStatus(IndicatorStatus.PROVISIONAL)
                .setRevision(0).setComputedAt(Instant.now()).setLastEventIngestedAt(null).build();
    }

    static void send(KafkaProducer<String, IndicatorValue> producer, TopicSpec<IndicatorValue> topic, IndicatorValue v,
                     boolean simulated) throws Exception {
        ProducerRecord<String, IndicatorValue> record = new ProducerRecord<>(topic.name(),
                IndicatorKeys.key(v.getIndicatorId(), v.getScope(), v.getWindowStart(), KrakowPm10Days2017Q1.WARSAW), v);
        if (simulated) {
            record.headers().add("feed", "simulated".getBytes(StandardCharsets.UTF_8));
        }
        producer.send(record).get();
    }
}
