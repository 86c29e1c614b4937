package pl.krakow.pulse.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static pl.krakow.pulse.publish.PublishTestData.BUJAKA;
import static pl.krakow.pulse.publish.PublishTestData.KRASINSKIEGO;
import static pl.krakow.pulse.publish.PublishTestData.ON_TIME;
import static pl.krakow.pulse.publish.PublishTestData.T0;
import static pl.krakow.pulse.publish.PublishTestData.WARSAW;
import static pl.krakow.pulse.publish.PublishTestData.other;
import static pl.krakow.pulse.publish.PublishTestData.pm10Winter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.catalog.Scopes;
import pl.krakow.pulse.platform.metrics.PulseMetrics;

/** Open-data files: rows, range filter, metadata, and the periodic export. */
class OpenDataExportTest {

    private static final Instant GENERATED = Instant.parse("2017-02-10T08:00:00Z");
    private final IndicatorCatalog catalog = IndicatorCatalog.bundled();
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<IndicatorValue> values = List.of(
            pm10Winter(KRASINSKIEGO, LocalDate.of(2017, 1, 31), 80),
            pm10Winter(KRASINSKIEGO, LocalDate.of(2017, 2, 1), 55.5),
            pm10Winter(BUJAKA, LocalDate.of(2017, 2, 2), 42),
            pm10Winter(KRASINSKIEGO, LocalDate.of(2017, 3, 1), 10),
            other(ON_TIME, "IV.4", Scopes.KRAKOW_CITY, T0, 91.5, "%"),
            other(ON_TIME, "IV.4", Scopes.city("poznan"), T0, 60.0, "%"));

    @Test
    void csvHasTheGoalsRowsInTheRangeSortedAndASidecarWithMetadata() throws Exception {
        List<Path> files = OpenDataExport.write(dir, "IV.3", values, LocalDate.of(2017, 2, 1), LocalDate.of(2017, 2, 28),
                OpenDataExport.Format.CSV, catalog, WARSAW, GENERATED, (id, scope) -> scope.equals(BUJAKA));
        assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly(
                "krakow-pulse-iv3-2017-02-01_2017-02-28.csv", "krakow-pulse-iv3-2017-02-01_2017-02-28.csv.meta.json");
        List<String> lines = Files.readAllLines(files.get(0));
        assertThat(lines.get(0)).isEqualTo(String.join(",", CsvFormat.columns(ApiJson.Value.class)));
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).contains("station:MpKrakAlKras", "55.5", "2017-02-01T00:00+01:00");
        assertThat(lines.get(2)).contains("station:MpKrakBujaka", "42.0", ",true,", "2017-02-02T00:00+01:00");

        JsonNode meta = json.readTree(files.get(1).toFile());
        assertThat(meta.path("goal").asText()).isEqualTo("IV.3");
        assertThat(meta.path("licence").asText()).startsWith("CC BY 4.0");
        assertThat(meta.path("sources").get(0).path("licence").asText()).contains("GIOŚ / WIOŚ Kraków");
        assertThat(meta.path("generatedAt").asText()).isEqualTo("2017-02-10T09:00+01:00");
        assertThat(meta.path("from").asText()).isEqualTo("2017-02-01");
        assertThat(meta.path("rows").asInt()).isEqualTo(2);
        assertThat(meta.path("containsSimulated").asBoolean()).isTrue();
        assertThat(meta.path("indicators").get(0).path("unit").asText()).isEqualTo("µg/m³");
        assertThat(meta.path("timeZone").asText()).isEqualTo("Europe/Warsaw");
        try (var listing = Files.list(dir)) {
            assertThat(listing.filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
        }
    }

    @Test
    void jsonIsAnEnvelopeOfMetadataAndValues() throws Exception {
        Path file = OpenDataExport.write(dir, "IV.4", values, null, null, OpenDataExport.Format.JSON, catalog, WARSAW,
                GENERATED, (id, scope) -> false).get(0);
        assertThat(file.getFileName().toString()).isEqualTo("krakow-pulse-iv4-start_latest.json");
        JsonNode envelope = json.readTree(file.toFile());
        assertThat(envelope.path("metadata").path("rows").asInt()).isEqualTo(2);
        assertThat(envelope.path("metadata").path("indicators").get(0).path("unit").asText()).isEqualTo("%");
        assertThat(envelope.path("values").get(0).path("value").asDouble()).isEqualTo(91.5);
    }

    @Test
    void anotherCitysValuesAreLabelledInTheRowsAndTheMetadata() throws Exception {
        List<Path> files = OpenDataExport.write(dir, "IV.4", values, null, null, OpenDataExport.Format.CSV, catalog, WARSAW,
                GENERATED, (id, scope) -> false);
        List<String> lines = Files.readAllLines(files.get(0));
        assertThat(lines.get(0)).endsWith(",simulated,place,placeName");
        assertThat(lines.get(1)).contains("city:krakow").endsWith(",false,city:krakow,Kraków");
        assertThat(lines.get(2)).contains("city:poznan").endsWith(",false,city:poznan,Poznań");
        JsonNode meta = json.readTree(files.get(1).toFile());
        assertThat(meta.path("places").toString()).isEqualTo("[{\"place\":\"city:krakow\",\"name\":\"Kraków\",\"krakow\":true,"
                + "\"rows\":1},{\"place\":\"city:poznan\",\"name\":\"Poznań\",\"krakow\":false,\"rows\":1}]");
        assertThat(meta.path("sources").toString()).contains("ZTM Poznań", "Oslo Bysykkel", "not Kraków");
    }

    @Test
    void anUnknownGoalOrFormatIsAClearError() {
        assertThatThrownBy(() -> OpenDataExport.write(dir, "IV.9", values, null, null, OpenDataExport.Format.CSV, catalog,
                WARSAW, GENERATED, (id, scope) -> false)).hasMessage("unknown goal 'IV.9'; known goals: IV.3, IV.4, IV.5");
        assertThatThrownBy(() -> OpenDataExport.Format.parse("xls")).hasMessage("format must be csv or json, not 'xls'");
    }

    @Test
    void periodicExportWritesEveryGoalInBothFormatsFromTheReadModel() throws Exception {
        try (PulseMetrics metrics = new PulseMetrics("export-test");
             IndicatorReadModel model = IndicatorReadModel.inMemory(metrics)) {
            values.forEach(model::apply);
            try (PeriodicExport export = new PeriodicExport(dir, Duration.ofMillis(200), model, catalog, WARSAW,
                    Clock.fixed(GENERATED, WARSAW))) {
                export.start();
                await().atMost(Duration.ofSeconds(10)).until(() -> export.runs() >= 2);
            }
        }
        for (String goal : List.of("iv3", "iv4", "iv5")) {
            assertThat(dir.resolve("krakow-pulse-" + goal + "-start_latest.csv")).exists();
            assertThat(dir.resolve("krakow-pulse-" + goal + "-start_latest.csv.meta.json")).exists();
            assertThat(dir.resolve("krakow-pulse-" + goal + "-start_latest.json")).exists();
        }
        assertThat(Files.readAllLines(dir.resolve("krakow-pulse-iv3-start_latest.csv"))).hasSize(5);
    }
}
