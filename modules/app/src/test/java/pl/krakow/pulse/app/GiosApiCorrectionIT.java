package pl.krakow.pulse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.ingest.environment.gios.FakeGiosServer;
import pl.krakow.pulse.ingest.environment.gios.GiosApiFixture;
import pl.krakow.pulse.ingest.environment.gios.GiosApiFormat;
import pl.krakow.pulse.platform.catalog.IndicatorKeys;
import pl.krakow.pulse.publish.PublishConfig;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.ingest.environment.EnvironmentIngestConfig;

/**
 * {@code pulse run} with the GIOŚ API poller pointed at a loopback server serving responses RECONSTRUCTED in the
 * v1 shape from the bundled real 2017 values (not recorded API responses): the PM10 daily mean of a station-day
 * equals the plain-Java mean of the CSV's hours, and a corrected hour re-served later changes it to the corrected
 * mean (one correction event, the day revised, still PROVISIONAL).
 */
class GiosApiCorrectionIT {

    static final long FROM = Instant.parse("2017-03-25T00:00:00Z").getEpochSecond();
    static final long TO = Instant.parse("2017-03-28T00:00:00Z").getEpochSecond();
    /** The last full local day of the window: still open (its end + 3 h grace lies after the last served hour). */
    static final LocalDate DAY = LocalDate.of(2017, 3, 27);
    static final String STATION = "MpKrakAlKras";

    @TempDir
    Path dataDir;

    @Test
    void correctionReServedByTheApiRevisesTheDailyMean() throws Exception {
        GiosApiFixture fixture = new GiosApiFixture(FROM, TO);
        try (FakeGiosServer server = new FakeGiosServer(fixture)) {
            Map<String, String> overrides = new HashMap<>(Map.of(
                    PlatformConfig.DATA_DIR.name(), dataDir.toString(),
                    RunConfig.EMBEDDED_KAFKA_PORT.name(), "0",
                    RunConfig.EMBEDDED_REGISTRY_PORT.name(), "0",
                    PublishConfig.HTTP_HOST.name(), "127.0.0.1",
                    PublishConfig.HTTP_PORT.name(), "0",
                    RunConfig.REPLAY_ON_START.name(), "false",
                    EnvironmentIngestConfig.GIOS_API_URL.name(), server.baseUrl(GiosApiFormat.V1).toString(),
                    EnvironmentIngestConfig.GIOS_API_INTERVAL.name(), "PT1S"));
            overrides.put(EnvironmentIngestConfig.PUSH_MQTT_ENABLED.name(), "false");
            try (PulseRuntime runtime = PulseRuntime.start(ConfigCatalog.load(null, Map.of(), overrides), false)) {
                // Independent expectation: the day's hours (hour end − 1 h in the local day) of the CSV series.
                TreeMap<Long, Double> dayValues = new TreeMap<>();
                fixture.series.get(STATION + "/PM10").forEach((epoch, v) -> {
                    if (v != null && Instant.ofEpochSecond(epoch - 3600).atZone(GiosApiFixture.WARSAW).toLocalDate().equals(DAY)) {
                        dayValues.put(epoch, v);
                    }
                });
                assertThat(dayValues).hasSizeGreaterThanOrEqualTo(18);
                double mean = dayValues.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
                String key = IndicatorKeys.key("iv3.pm10.daily_mean", IndicatorKeys.stationScope(STATION),
                        DAY.atStartOfDay(GiosApiFixture.WARSAW).toInstant(), GiosApiFixture.WARSAW);

                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    IndicatorValue v = PulseTestRuntime.readTable(runtime).get(key);
                    return v != null && v.getObservedCount() == dayValues.size() && Math.abs(v.getValue() - mean) < 1e-9;
                });

                long corrected = dayValues.lastKey();
                double newValue = dayValues.get(corrected) + 240.0;
                fixture.overrides.put(STATION + "/PM10@" + corrected, newValue);
                dayValues.put(corrected, newValue);
                double correctedMean = dayValues.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
                assertThat(correctedMean - mean).isCloseTo(240.0 / dayValues.size(), within(1e-9));

                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    IndicatorValue v = PulseTestRuntime.readTable(runtime).get(key);
                    assertThat(v.getValue()).isCloseTo(correctedMean, within(1e-9));
                    assertThat(v.getObservedCount()).isEqualTo(dayValues.size());
                    assertThat(v.getStatus()).isEqualTo(IndicatorStatus.PROVISIONAL);
                });
                assertThat(runtime.metrics().registry().get("pulse.ingest.gios.api.values").tag("outcome", "corrected")
                        .counter().count()).isEqualTo(1.0);
            }
        }
    }
}
