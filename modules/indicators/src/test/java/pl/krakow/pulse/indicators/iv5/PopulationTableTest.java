package pl.krakow.pulse.indicators.iv5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PopulationTableTest {

    @TempDir
    Path dir;

    @Test
    void krakowDefaultHasTheGusCityTotalsAndNoDistricts() {
        PopulationTable t = PopulationTable.krakowDefault();
        assertThat(t.residents("city:krakow", 2021).orElseThrow().residents()).isEqualTo(800_653);
        assertThat(t.residents("city:krakow", 2022).orElseThrow().residents()).isEqualTo(800_653); // latest earlier figure
        assertThat(t.residents("city:krakow", 2025).orElseThrow().residents()).isEqualTo(806_200);
        assertThat(t.residents("city:krakow", 2019).orElseThrow().residents()).isEqualTo(800_653); // before the first: the first
        assertThat(t.residents("district:I", 2024)).isEmpty();
        assertThat(t.residents("region:malopolskie", 2024)).isEmpty();
        assertThat(t.residents("city:wroclaw", 2018)).isEmpty(); // another city: counted, never rated with Kraków's figure
    }

    @Test
    void configuredFileAddsDistrictsAndReplacesTheScopesItNames() throws Exception {
        Path f = Files.writeString(dir.resolve("p.csv"), "scope,year,residents,source\ndistrict:XVIII,2023,51000,test\ncity,2024,810000,test\n");
        PopulationTable t = PopulationTable.krakowWith(f);
        assertThat(t.residents("district:XVIII", 2024).orElseThrow().residents()).isEqualTo(51_000);
        assertThat(t.residents("city:krakow", 2021).orElseThrow().residents()).isEqualTo(810_000);
    }

    @Test
    void bareCityOfAnOlderTableIsKrakowAndOtherCitiesMayBeNamed() throws Exception {
        Path f = Files.writeString(dir.resolve("p.csv"), "scope,year,residents,source\ncity:krakow,2024,811000,test\n"
                + "city:wroclaw,2018,638000,test figure\n");
        PopulationTable t = PopulationTable.krakowWith(f);
        assertThat(t.residents("city:krakow", 2024).orElseThrow().residents()).isEqualTo(811_000);
        assertThat(t.residents("city:wroclaw", 2018).orElseThrow().residents()).isEqualTo(638_000);
        Path unnamed = Files.writeString(dir.resolve("q.csv"), "scope,year,residents,source\nregion:malopolskie,2024,3400000,test\n");
        assertThatThrownBy(() -> PopulationTable.krakowWith(unnamed)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("city:<id>");
    }

    @Test
    void malformedRowNamesItsLine() throws Exception {
        Path f = Files.writeString(dir.resolve("p.csv"), "scope,year,residents,source\ndistrict:I,2023,many,test\n");
        assertThatThrownBy(() -> PopulationTable.krakowWith(f)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("p.csv:2");
    }
}
