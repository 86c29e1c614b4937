package pl.krakow.pulse.ingest.environment.gios;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.ingest.EventSink;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReasonCode;
import pl.krakow.pulse.ingest.environment.BundledData;
import pl.krakow.pulse.testsupport.time.MutableClock;

/**
 * The GIOŚ API poller against a loopback server serving responses reconstructed from the bundled real 2017 values
 * (see {@link GiosApiFixture}). Expected values come from a plain split of the bundled CSV in this test.
 */
class GiosApiPollerTest {

    /** 2017-03-25 00:00Z .. 2017-03-28 00:00Z: 72 hour ends, across the spring DST change of 26 March. */
    static final long FROM = Instant.parse("2017-03-25T00:00:00Z").getEpochSecond();
    static final long TO = Instant.parse("2017-03-28T00:00:00Z").getEpochSecond();
    static final Instant NOW = Instant.parse("2017-03-28T06:00:00Z");

    final MutableClock clock = new MutableClock(NOW);
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final Recording sink = new Recording();
    FakeGiosServer server;
    GiosApiPoller poller;

    @AfterEach
    void stop() {
        if (poller != null) {
            poller.close();
        }
        if (server != null) {
            server.close();
        }
    }

    GiosApiPoller poller(GiosApiFormat format) throws IOException {
        return poller(format, 500);
    }

    GiosApiPoller poller(GiosApiFormat format, int pageSize) throws IOException {
        server = new FakeGiosServer(new GiosApiFixture(FROM, TO));
        // pageSize < list length makes the v1 lists span several pages (15 stations in pages of 4 = 4 pages).
        GiosApiPoller.Settings settings = GiosApiPoller.Settings.of(server.baseUrl(format), format, "Kraków")
                .withPageSize(pageSize).withBackoff(Duration.ofSeconds(30), Duration.ofMinutes(5));
        poller = new GiosApiPoller(settings, GiosApiPoller.jdkFetcher(Duration.ofSeconds(5)), sink,
                IngestContext.defaults(clock).withMeters(meters), BundledData.stations());
        return poller;
    }

    /** Independent expectation: "code/POLLUTANT@epoch" → value of every non-empty cell of the window. */
    static Map<String, Double> csvValuesInWindow() throws IOException {
        String[] lines;
        try (InputStream in = BundledData.openAirQualityCsv()) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\r?\n");
        }
        String[] header = lines[0].split(",");
        Map<String, Double> out = new TreeMap<>();
        for (int l = 1; l < lines.length; l++) {
            String[] c = lines[l].split(",", -1);
            long epoch = Long.parseLong(c[1]);
            for (int i = 2; i < header.length; i++) {
                if (epoch >= FROM && epoch < TO && !c[i].isEmpty()) {
                    out.put(GiosApiFixture.COLUMNS.get(header[i]) + "@" + epoch, Double.parseDouble(c[i]));
                }
            }
        }
        return out;
    }

    static Map<String, Double> published(List<ParseOutcome.Accepted<?>> accepted) {
        Map<String, Double> out = new TreeMap<>();
        for (ParseOutcome.Accepted<?> a : accepted) {
            AirQualityMeasurement m = (AirQualityMeasurement) a.value();
            out.put(m.getStationCode() + "/" + m.getPollutant() + "@" + m.getEventTime().getEpochSecond(), m.getConcentrationUgM3());
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(GiosApiFormat.class)
    void discoversTheStationsOfKrakowAndTheirPollutantSensors(GiosApiFormat format) throws Exception {
        poller(format, 4).pollOnce();
        assertThat(poller.stationCodes()).containsExactlyInAnyOrderElementsOf(BundledData.stationCodes())
                .doesNotContain("DsDzialoszyn");
        Map<String, String> expectedSeries = csvValuesInWindow().keySet().stream().map(k -> k.substring(0, k.indexOf('@')))
                .distinct().collect(Collectors.toMap(k -> k, server.fixture::sensorId));
        assertThat(poller.sensors()).isEqualTo(expectedSeries);
        assertThat(server.requests).noneMatch(p -> p.equals("station/sensors/14"));
        // The NO sensor of Aleja Krasińskiego has no schema pollutant: rejected once, never polled.
        assertThat(sink.rejected).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(ReasonCode.MALFORMED);
            assertThat(r.message()).contains("'NO'");
        });
        assertThat(server.requests).noneMatch(p -> p.endsWith("/" + (450 * 100 + 9)) && p.startsWith("data/"));
        if (format == GiosApiFormat.V1) {
            assertThat(server.requestsFor("station/findAll")).isEqualTo(4); // 15 stations in pages of 4
        }
    }

    @ParameterizedTest
    @EnumSource(GiosApiFormat.class)
    void bothFormatsPublishExactlyTheCsvValuesOfTheServedWindow(GiosApiFormat format) throws Exception {
        GiosApiPoller.PollReport first = poller(format, 16).pollOnce(); // v1: 72 values = 5 pages per sensor
        Map<String, Double> expected = csvValuesInWindow();
        assertThat(expected).hasSizeGreaterThan(300);
        assertThat(published(sink.accepted)).isEqualTo(expected);
        assertThat(first.newValues()).isEqualTo(expected.size());
        int nulls = (int) server.fixture.series.values().stream().flatMap(m -> m.values().stream())
                .filter(java.util.Objects::isNull).count();
        assertThat(first.pending()).isEqualTo(nulls);
        ParseOutcome.Accepted<?> any = sink.accepted.get(0);
        AirQualityMeasurement m = (AirQualityMeasurement) any.value();
        assertThat(m.getEventId()).isEqualTo("gios-api:" + m.getStationCode() + ":" + m.getPollutant() + ":"
                + m.getEventTime().getEpochSecond());
        assertThat(m.getAveragingPeriodSeconds()).isEqualTo(3600);
        assertThat(any.key()).isEqualTo(m.getStationCode());

        // A second poll re-serves the same window: nothing new, every value counted unchanged.
        GiosApiPoller.PollReport second = poller.pollOnce();
        assertThat(second.newValues()).isZero();
        assertThat(second.corrected()).isZero();
        assertThat(second.unchanged()).isEqualTo(expected.size());
        assertThat(sink.accepted).hasSize(expected.size());
        assertThat(meters.get(GiosApiPoller.VALUES_METRIC).tag("outcome", "new").counter().count()).isEqualTo(expected.size());
    }

    @Test
    void eventTimesAreTheHourEndsOfTheWarsawWallClockDatesAcrossDst() throws Exception {
        poller(GiosApiFormat.V1);
        // 2017-03-26 03:00 CEST is 01:00Z; 2017-03-26 01:00 CET is 00:00Z; the 02:00 label does not exist that night.
        assertThat(poller.hourEnd("2017-03-26 03:00:00")).isEqualTo(Instant.parse("2017-03-26T01:00:00Z"));
        assertThat(poller.hourEnd("2017-03-26 01:00:00")).isEqualTo(Instant.parse("2017-03-26T00:00:00Z"));
        assertThat(poller.hourEnd("2017-01-01 01:00")).isEqualTo(Instant.ofEpochSecond(1483228800L));
        assertThat(poller.hourEnd("yesterday")).isNull();
    }

    @ParameterizedTest
    @EnumSource(GiosApiFormat.class)
    void correctionReServedLaterIsPublishedOnceWithTheSameEventId(GiosApiFormat format) throws Exception {
        poller(format).pollOnce();
        String series = "MpKrakAlKras/PM10";
        long hour = server.fixture.series.get(series).lastKey();
        double original = server.fixture.series.get(series).get(hour);
        AirQualityMeasurement before = find(series, hour);
        server.fixture.overrides.put(series + "@" + hour, original + 40.0);
        clock.advance(Duration.ofMinutes(15));
        sink.accepted.clear();

        GiosApiPoller.PollReport report = poller.pollOnce();
        assertThat(report.corrected()).isEqualTo(1);
        assertThat(report.newValues()).isZero();
        assertThat(sink.accepted).singleElement().satisfies(a -> {
            AirQualityMeasurement m = (AirQualityMeasurement) a.value();
            assertThat(m.getEventId()).isEqualTo(before.getEventId());
            assertThat(m.getConcentrationUgM3()).isEqualTo(original + 40.0);
            assertThat(m.getIngestedAt()).isAfter(before.getIngestedAt());
        });
        // Served again unchanged: no further event.
        sink.accepted.clear();
        assertThat(poller.pollOnce().corrected()).isZero();
        assertThat(sink.accepted).isEmpty();
    }

    @Test
    void serverErrorsBackOffThenRecoverWithoutStoppingTheOtherSensors() throws Exception {
        poller(GiosApiFormat.LEGACY);
        String series = "MpKrakBujaka/PM25";
        String path = "data/getData/" + server.fixture.sensorId(series);
        server.failures.put(path, 2);
        Map<String, Double> expected = csvValuesInWindow();
        Map<String, Double> withoutFailing = new TreeMap<>(expected);
        withoutFailing.keySet().removeIf(k -> k.startsWith(series + "@"));

        GiosApiPoller.PollReport first = poller.pollOnce();
        assertThat(first.failedRequests()).isEqualTo(1);
        assertThat(published(sink.accepted)).isEqualTo(withoutFailing);

        clock.advance(Duration.ofSeconds(10)); // within the first 30 s rest: not asked
        poller.pollOnce();
        assertThat(server.requestsFor(path)).isEqualTo(1);

        clock.advance(Duration.ofSeconds(25)); // 35 s after the failure: asked, fails again, rests 60 s
        assertThat(poller.pollOnce().failedRequests()).isEqualTo(1);
        assertThat(server.requestsFor(path)).isEqualTo(2);
        clock.advance(Duration.ofSeconds(45));
        poller.pollOnce();
        assertThat(server.requestsFor(path)).isEqualTo(2);

        clock.advance(Duration.ofSeconds(20)); // 65 s after the second failure: recovers
        GiosApiPoller.PollReport recovered = poller.pollOnce();
        assertThat(recovered.failedRequests()).isZero();
        assertThat(server.requestsFor(path)).isEqualTo(3);
        assertThat(published(sink.accepted)).isEqualTo(expected);
        assertThat(meters.get(GiosApiPoller.REQUESTS_METRIC).tag("outcome", "http_error").counter().count()).isEqualTo(2);
        assertThat(sink.rejected).noneMatch(r -> r.reason() != ReasonCode.MALFORMED || !r.message().contains("'NO'"));
    }

    @Test
    void malformedBodyGoesToTheDlqAndTheOtherSensorsArePublished() throws Exception {
        poller(GiosApiFormat.V1);
        String series = "MpKrakDietla/PM10";
        String path = "data/getData/" + server.fixture.sensorId(series);
        byte[] broken = "{\"Lista danych pomiarowych\": [{\"Data\": \"2017-03-27 10:00:00\", \"Wartość\": 3".getBytes(StandardCharsets.UTF_8);
        server.bodies.put(path, broken);
        Map<String, Double> expected = csvValuesInWindow();
        expected.keySet().removeIf(k -> k.startsWith(series + "@"));

        poller.pollOnce();
        assertThat(published(sink.accepted)).isEqualTo(expected);
        List<ParseOutcome.Rejected> malformed = sink.rejected.stream().filter(r -> r.sourceId().contains(path)).toList();
        assertThat(malformed).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(ReasonCode.MALFORMED);
            assertThat(r.rawPayload()).isEqualTo(broken);
            assertThat(r.message()).contains("not JSON");
            assertThat(r.contentType()).isEqualTo("application/json");
        });
        assertThat(meters.get(GiosApiPoller.REQUESTS_METRIC).tag("outcome", "malformed").counter().count()).isEqualTo(1);
    }

    @Test
    void absurdAndNonNumericValuesAreRejectedOnceEachAndTheRestPublished() throws Exception {
        poller(GiosApiFormat.V1);
        String series = "MpKrakOsPias/PM10";
        List<Long> hours = new ArrayList<>(server.fixture.series.get(series).keySet());
        server.fixture.overrides.put(series + "@" + hours.get(5), 5000.0);
        server.fixture.overrides.put(series + "@" + hours.get(6), "dużo");
        Map<String, Double> expected = csvValuesInWindow();
        expected.remove(series + "@" + hours.get(5));
        expected.remove(series + "@" + hours.get(6));

        poller.pollOnce();
        poller.pollOnce();
        assertThat(published(sink.accepted)).isEqualTo(expected);
        List<ParseOutcome.Rejected> bad = sink.rejected.stream().filter(r -> !r.message().contains("'NO'")).toList();
        assertThat(bad).extracting(ParseOutcome.Rejected::reason)
                .containsExactlyInAnyOrder(ReasonCode.OUT_OF_RANGE, ReasonCode.NOT_A_NUMBER);
        assertThat(bad).allSatisfy(r -> assertThat(r.rawText()).contains(GiosApiFixture.date(hours.get(5)).substring(0, 10)));
    }

    @Test
    void unknownCityDiscoversNothingAndPublishesNothing() throws Exception {
        server = new FakeGiosServer(new GiosApiFixture(FROM, TO));
        poller = new GiosApiPoller(GiosApiPoller.Settings.of(server.baseUrl(GiosApiFormat.V1), GiosApiFormat.V1, "Gdańsk"),
                GiosApiPoller.jdkFetcher(Duration.ofSeconds(5)), sink, IngestContext.defaults(clock).withMeters(meters),
                BundledData.stations());
        poller.pollOnce();
        assertThat(poller.stationCodes()).isEmpty();
        assertThat(sink.accepted).isEmpty();
    }

    private AirQualityMeasurement find(String series, long epoch) {
        return sink.accepted.stream().map(a -> (AirQualityMeasurement) a.value())
                .filter(m -> (m.getStationCode() + "/" + m.getPollutant()).equals(series) && m.getEventTime().getEpochSecond() == epoch)
                .findFirst().orElseThrow();
    }

    static final class Recording implements EventSink {
        final List<ParseOutcome.Accepted<?>> accepted = new ArrayList<>();
        final List<ParseOutcome.Rejected> rejected = new ArrayList<>();

        @Override
        public void accept(ParseOutcome.Accepted<?> event) {
            accepted.add(event);
        }

        @Override
        public void reject(ParseOutcome.Rejected rejection) {
            rejected.add(rejection);
        }

        @Override
        public void flush() {
        }
    }
}
