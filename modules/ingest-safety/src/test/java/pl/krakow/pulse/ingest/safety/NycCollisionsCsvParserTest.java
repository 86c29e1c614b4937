package pl.krakow.pulse.ingest.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.safety.Incident;
import pl.krakow.pulse.ingest.ReasonCode;

class NycCollisionsCsvParserTest {

    private static final SafetyFormats.NycCollisions FORMAT = new SafetyFormats.NycCollisions();

    @Test
    void realFileCountsBySeverityInjuredAndKilledMatchTheFile() {
        List<String> lines = SafetyTestData.lines(SafetyTestData.NYC);
        int rows = 0;
        int injured = 0;
        int killed = 0;
        int withoutPoint = 0;
        Map<String, Integer> bySeverity = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = SafetyTestData.fields(line);
            rows++;
            int in = Integer.parseInt(f.get(10));
            int k = Integer.parseInt(f.get(11));
            injured += in;
            killed += k;
            bySeverity.merge(k > 0 ? "3" : in > 0 ? "unknown" : "0", 1, Integer::sum);
            if (f.get(4).isEmpty() || (Double.parseDouble(f.get(4)) == 0 && Double.parseDouble(f.get(5)) == 0)) {
                withoutPoint++;
            }
        }

        ParseResults r = ParseResults.parse(FORMAT, SafetyTestData.open(SafetyTestData.NYC), "nyc.csv");

        assertThat(r.rejected()).isEmpty();
        assertThat(r.incidents()).hasSize(rows);
        assertThat(r.incidents().stream().mapToInt(Incident::getInjured).sum()).isEqualTo(injured);
        assertThat(r.incidents().stream().mapToInt(Incident::getKilled).sum()).isEqualTo(killed);
        Map<String, Integer> got = new TreeMap<>();
        r.incidents().forEach(i -> got.merge(i.getSeverity() == null ? "unknown" : i.getSeverity().toString(), 1, Integer::sum));
        assertThat(got).isEqualTo(bySeverity);
        assertThat(r.incidents()).filteredOn(i -> i.getLocation() == null).hasSize(withoutPoint);
        // NYC is not Kraków: everything is New York's, with or without a point
        assertThat(r.incidents()).allSatisfy(i -> assertThat(i.getScope()).isEqualTo("city:new-york"));
        System.out.printf("NYC: %d crashes, by severity %s, injured %d, killed %d, without point %d%n", rows, got, injured, killed, withoutPoint);
    }

    @Test
    void crashTimeIsNewYorkLocalTime() {
        ParseResults r = ParseResults.parse(FORMAT, SafetyTestData.open(SafetyTestData.NYC), "nyc.csv");
        Incident first = r.incidents().get(0);
        assertThat(first.getSourceRecordId()).isEqualTo("4594563");
        // 01/01/2023 14:38 EST = 19:38 UTC
        assertThat(first.getEventTime()).isEqualTo(Instant.parse("2023-01-01T19:38:00Z"));
        assertThat(first.getAddress()).isEqualTo("BROOKLYN QUEENS EXPRESSWAY RAMP");
    }

    @Test
    void rowWithUnreadableCrashTimeIsMalformedAndTheNextRowIsRead() {
        List<String> lines = SafetyTestData.lines(SafetyTestData.NYC);
        String bad = lines.get(1).replaceFirst("14:38", "2.38pm");
        ParseResults r = ParseResults.parse(FORMAT, lines.get(0) + "\n" + bad + "\n" + lines.get(2) + "\n");
        assertThat(r.rejected()).singleElement().satisfies(x -> {
            assertThat(x.reason()).isEqualTo(ReasonCode.MALFORMED);
            assertThat(x.sourceId()).isEqualTo("test:2");
            assertThat(x.rawText()).isEqualTo(bad);
        });
        assertThat(r.incidents()).hasSize(1);
    }

    @Test
    void rowWithTextInjuredCountIsNotANumber() {
        List<String> lines = SafetyTestData.lines(SafetyTestData.NYC);
        List<String> f = SafetyTestData.fields(lines.get(2));
        String bad = lines.get(2).replace("," + f.get(10) + "," + f.get(11) + ",", ",one,0,");
        ParseResults r = ParseResults.parse(FORMAT, lines.get(0) + "\n" + bad + "\n");
        assertThat(r.rejected()).singleElement().satisfies(x -> assertThat(x.reason()).isEqualTo(ReasonCode.NOT_A_NUMBER));
    }

    @Test
    void rowWithMissingColumnsIsMalformedAndForeignHeaderRejectsEveryRow() {
        List<String> lines = SafetyTestData.lines(SafetyTestData.NYC);
        ParseResults r = ParseResults.parse(FORMAT, lines.get(0) + "\n01/01/2023,8:04,,\n");
        assertThat(r.rejected()).singleElement().satisfies(x -> assertThat(x.reason()).isEqualTo(ReasonCode.MALFORMED));
        ParseResults foreign = ParseResults.parse(FORMAT, "a,b\n" + lines.get(1) + "\n");
        assertThat(foreign.incidents()).isEmpty();
        assertThat(foreign.rejected()).hasSize(2).allSatisfy(x -> assertThat(x.reason()).isEqualTo(ReasonCode.MALFORMED));
    }
}
