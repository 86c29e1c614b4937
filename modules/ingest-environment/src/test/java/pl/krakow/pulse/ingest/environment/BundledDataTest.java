package pl.krakow.pulse.ingest.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundledDataTest {

    @Test
    void stationCodesComeFromTheKodStacjiColumn() {
        assertThat(BundledData.stations()).hasSize(14);
        assertThat(BundledData.stationCodes()).hasSize(14)
                .contains("MpKrakAlKras", "MpKrakBujaka", "MpKrakBulwar", "MpKrakZloRog", "MpKrakOsPias", "MpKrakWadow",
                        "MpKrakDietla", "MpKrakSwoszo", "MpKrakowWSSERPod6113");
        BundledData.Station kras = BundledData.stations().get(0);
        assertThat(kras.code()).isEqualTo("MpKrakAlKras");
        assertThat(kras.name()).isEqualTo("Kraków, Aleja Krasińskiego"); // quoted field with a comma
        assertThat(kras.latitude()).isEqualTo(50.057678);
        assertThat(kras.longitude()).isEqualTo(19.926189);
        assertThat(BundledData.stations()).allSatisfy(s -> {
            assertThat(s.latitude()).isBetween(49.9, 50.2);
            assertThat(s.longitude()).isBetween(19.7, 20.3);
        });
    }

    @Test
    void everyMappedColumnNamesAKnownStation() {
        assertThat(GiosStationColumns.bundled().codeBySuffix()).hasSize(7);
        assertThat(BundledData.stationCodes()).containsAll(GiosStationColumns.bundled().codeBySuffix().values());
    }

    @Test
    void airQualityCsvOpensFromTheClassPathAndExtracts(@TempDir Path dir) throws IOException {
        byte[] bytes;
        try (InputStream in = BundledData.airQualityCsv().open()) {
            bytes = in.readAllBytes();
        }
        assertThat(BundledData.airQualityCsv().name()).isEqualTo("krakow_pm_hourly_2017Q1.csv");
        assertThat(bytes).hasSize(170_930);
        Path extracted = BundledData.extractAirQualityCsv(dir.resolve("sub"));
        assertThat(extracted.getFileName().toString()).isEqualTo("krakow_pm_hourly_2017Q1.csv");
        assertThat(Files.readAllBytes(extracted)).isEqualTo(bytes);
    }

    @Test
    void bundledCopyIsUnchangedFromTheSharedBundle() throws IOException {
        Path shared = Path.of("../../../shared/data/air-quality-krakow");
        assumeTrue(Files.isDirectory(shared), "shared data bundle not present");
        assertThat(GiosTestData.bundledCsv()).isEqualTo(Files.readAllBytes(shared.resolve("krakow_pm_hourly_2017Q1.csv")));
        assertThat(BundledData.provenance()).startsWith("> Copied unchanged from the shared data bundle")
                .endsWith(Files.readString(shared.resolve("PROVENANCE.md")));
    }
}
