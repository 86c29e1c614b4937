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
import java.util.HashMap;
import java.util.List;
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
