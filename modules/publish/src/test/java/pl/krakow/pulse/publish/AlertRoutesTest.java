package pl.krakow.pulse.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static pl.krakow.pulse.publish.AlertEpisodesTest.REPLAYED_AT;
import static pl.krakow.pulse.publish.AlertEpisodesTest.day;
import static pl.krakow.pulse.publish.AlertEpisodesTest.dayEpisode;
import static pl.krakow.pulse.publish.AlertEpisodesTest.episode;
import static pl.krakow.pulse.publish.PublishTestData.KRASINSKIEGO;
import static pl.krakow.pulse.publish.PublishTestData.PM10_DAILY;
import static pl.krakow.pulse.publish.PublishTestData.WARSAW;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import pl.krakow.pulse.events.alerts.Alert;
import pl.krakow.pulse.events.alerts.AlertState;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.metrics.PulseMetrics;

/**
 * {@code GET /api/v1/alerts} over alerts as a replay of the bundled 2017 data leaves them: windows in 2017,
 * {@code firstSeen}/{@code lastUpdated} on the day the replay ran. Real Javalin on a free port, every answer checked
 * against the OpenAPI document.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertRoutesTest {

    private static final String WHO = "pm10-daily-who";
    private static final String BUJAKA = "station:MpKrakBujaka";

    private final PulseMetrics metrics = new PulseMetrics("alert-routes-test");
    private final IndicatorReadModel indicators = IndicatorReadModel.inMemory(metrics);
    private final AlertReadModel alerts = AlertReadModel.inMemory(metrics);
    private final OpenApiContract contract = OpenApiContract.bundled();
    private ApiServer server;
    private ApiClient api;

    @BeforeAll
    void start() {
        // Family pm10-daily-who at Krasińskiego: an episode raised on 2017-01-10 and cleared on 2017-01-14, then the
        // next one, raised on 2017-03-30 and still open when the data end. Under one key the second supersedes the first.
        String whoKey = PM10_DAILY + "|" + KRASINSKIEGO + "|" + WHO;
        alerts.apply(whoKey, dayEpisode("who-1", WHO, AlertState.RAISED, "2017-01-10"));
        alerts.apply(whoKey, dayEpisode("who-1", WHO, AlertState.CLEARED, "2017-01-14"));
        alerts.apply(whoKey, dayEpisode("who-2", WHO, AlertState.RAISED, "2017-03-30"));
        // Bujaka, WHO rule: an episode left RAISED under a family key the rules no longer use ...
        alerts.apply(PM10_DAILY + "|" + BUJAKA + "|pm10-daily-eu-who",
                Alert.newBuilder(dayEpisode("bujaka-old", WHO, AlertState.RAISED, "2017-02-01")).setScope(BUJAKA).build());
        // ... while the same rule, under its own family now, has a newer, cleared episode.
        alerts.apply(PM10_DAILY + "|" + BUJAKA + "|" + WHO,
                Alert.newBuilder(dayEpisode("bujaka-new", WHO, AlertState.CLEARED, "2017-02-20")).setScope(BUJAKA).build());
        // A year-to-date annual mean above the WHO level since January: its RAISED record carries the 2017 window.
        alerts.apply("iv3.pm10.annual_mean|" + KRASINSKIEGO + "|pm10-annual-who",
                Alert.newBuilder(episode("annual", "pm10-annual-who", AlertState.RAISED, day("2017-01-01"), day("2018-01-01"),
                        REPLAYED_AT)).setIndicatorId("iv3.pm10.annual_mean").build());
        server = new ApiServer("127.0.0.1", 0, indicators, alerts, DistrictMap.bundled(), IndicatorCatalog.bundled(), WARSAW,
                400, metrics, () -> ReadinessReport.up(Map.of()));
        server.start();
        api = new ApiClient("http://127.0.0.1:" + server.port());
    }

    @AfterAll
    void stop() {
        server.close();
        alerts.close();
        indicators.close();
        metrics.close();
    }

    private JsonNode checked(String pathAndQuery) {
        ApiClient.Response r = api.get(pathAndQuery);
        assertThat(r.status()).as(pathAndQuery + " -> " + r.body()).isEqualTo(200);
        assertThat(contract.violations(pathAndQuery.split("\\?")[0], r.status(), r.contentType(), r.body()))
                .as(pathAndQuery).isEmpty();
        return r.json();
    }

    private static List<String> ids(JsonNode answer) {
        return answer.path("alerts").findValuesAsText("alertId");
    }

    @Test
    void theReadmeExampleListsThe2017EpisodesAlthoughTheyWereRecordedYearsLater() {
        JsonNode q1 = checked("/api/v1/alerts?state=all&from=2017-01-01&to=2017-03-31");
        assertThat(q1.path("from").asText()).isEqualTo("2017-01-01");
        assertThat(q1.path("to").asText()).isEqualTo("2017-03-31");
        assertThat(ids(q1)).containsExactly("who-2", "bujaka-new", "bujaka-old", "annual");
        JsonNode who2 = q1.path("alerts").get(0);
        assertThat(who2.path("windowStart").asText()).isEqualTo("2017-03-30T00:00+02:00");
        assertThat(who2.path("firstSeen").asText()).as("firstSeen stays the wall clock").isEqualTo("2026-12-03T07:32:35+01:00");
        assertThat(who2.path("lastUpdated").asText()).isEqualTo("2026-12-03T07:32:35+01:00");
        // The day the replay ran is not what these alerts are about.
        assertThat(checked("/api/v1/alerts?state=all&from=2026-12-01&to=2026-12-31").path("count").asInt()).isZero();
    }

    @Test
    void theRangeSelectsByIndicatorWindow() {
        assertThat(ids(checked("/api/v1/alerts?state=all&from=2017-03-30&to=2017-03-30"))).containsExactly("who-2", "annual");
        assertThat(ids(checked("/api/v1/alerts?state=all&from=2017-02-01&to=2017-02-19")))
                .as("a year window overlaps every range in its year").containsExactly("bujaka-old", "annual");
        assertThat(ids(checked("/api/v1/alerts?state=all&from=2016-12-01&to=2016-12-31"))).isEmpty();
        JsonNode fromOnly = checked("/api/v1/alerts?state=all&from=2017-03-01");
        assertThat(fromOnly.path("to").asText()).isEqualTo("2017-03-31");
        assertThat(ids(fromOnly)).containsExactly("who-2", "annual");
    }

    @Test
    void allWithoutDatesListsEveryEpisodeHeldLatestWindowFirst() {
        JsonNode all = checked("/api/v1/alerts?state=all");
        assertThat(all.path("from").isNull()).isTrue();
        assertThat(all.path("to").isNull()).isTrue();
        assertThat(ids(all)).containsExactly("who-2", "bujaka-new", "bujaka-old", "annual");
    }

    @Test
    void anEpisodeSupersededUnderItsFamilyKeyIsNoLongerHeld() {
        assertThat(alerts.episodes()).extracting(Alert::getAlertId).doesNotContain("who-1");
    }

    @Test
    void activeAreTheOpenEpisodesThatAreTheLatestOfTheirSeries() {
        JsonNode active = checked("/api/v1/alerts");
        // who-2 and annual are about 2017 and still active: nothing newer has been judged for their series.
        // bujaka-old is RAISED but its series (station, rule) has a newer episode, bujaka-new, which is cleared.
        assertThat(ids(active)).containsExactly("who-2", "annual");
        JsonNode all = checked("/api/v1/alerts?state=all");
        for (JsonNode a : all.path("alerts")) {
            boolean expected = List.of("who-2", "annual").contains(a.path("alertId").asText());
            assertThat(a.path("active").asBoolean()).as(a.path("alertId").asText()).isEqualTo(expected);
        }
        assertThat(metrics.scrape()).contains("pulse_publish_alerts{application=\"alert-routes-test\",state=\"active\"} 2.0")
                .contains("pulse_publish_alerts{application=\"alert-routes-test\",state=\"all\"} 4.0");
    }
}
