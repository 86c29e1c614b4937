package pl.krakow.pulse.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.ingest.environment.BundledData;

class BundledSeriesTest {

    private final BundledSeries series = BundledSeries.bundled();

    @Test
    void readsEveryRowOfTheBundledFileSortedByEpoch() throws IOException {
        List<String> lines = rawLines();
        assertThat(series.rows()).isEqualTo(lines.size() - 1);
        for (int r = 1; r < series.rows(); r++) {
            assertThat(series.epoch(r)).isGreaterThan(series.epoch(r - 1));
        }
        assertThat(series.epoch(0)).isEqualTo(BenchTestInstants.BUNDLED_FIRST_HOUR_END.getEpochSecond() - 3600);
    }

    @Test
    void countsEveryNonEmptyValueOfAKnownColumnAsAnEvent() throws IOException {
        // Independently: every non-empty cell after the row index and epoch; the file's columns all name known stations.
        long expected = 0;
        for (String line : rawLines().subList(1, rawLines().size())) {
            String[] f = line.split(",", -1);
            for (int i = 2; i < f.length; i++) {
                if (!f[i].isBlank()) {
                    expected++;
                }
            }
        }
        assertThat(series.totalEvents()).isEqualTo(expected);
        assertThat(series.columns()).allMatch(BundledSeries.Column::known);
    }

    @Test
    void keepsTheExactCellTextInGeneratedTails() {
        int r = 0;
        StringBuilder expected = new StringBuilder();
        for (int c = 0; c < series.columns().size(); c++) {
            expected.append(',').append(series.cell(r, c));
        }
        expected.append('\n');
        assertThat(new String(series.tail(r), StandardCharsets.US_ASCII)).isEqualTo(expected.toString());
    }

    @Test
    void repeatsTheTableForLaterHours() {
        assertThat(series.rowOf(0)).isZero();
        assertThat(series.rowOf(series.rows())).isZero();
        assertThat(series.rowOf(series.rows() + 5L)).isEqualTo(5);
    }

    private static List<String> rawLines() throws IOException {
        try (InputStream in = BundledData.openAirQualityCsv()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
    }
}
