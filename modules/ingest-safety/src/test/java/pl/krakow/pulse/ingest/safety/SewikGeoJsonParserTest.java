package pl.krakow.pulse.ingest.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.safety.Incident;
import pl.krakow.pulse.events.safety.IncidentCategory;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReasonCode;

class SewikGeoJsonParserTest {

    private static final SafetyFormats.Sewik FORMAT = new SafetyFormats.Sewik();
    // One feature per line in the file; read its numbers with a regex, apart from the parser's JSON reading.
    private static final Pattern FEATURE = Pattern.compile("\"ID\":(\\d+).*\"sev\":(\\d).*\"sli\":(\\d+),\"ser\":(\\d+),\"fat\":(\\d+)");

    @Test
    void realFileCountsBySeverityInjuredAndKilledMatchTheFile() {
        Map<Integer, Integer> expectedBySeverity = new TreeMap<>();
        int expectedInjured = 0;
        int expectedKilled = 0;
        int features = 0;
        for (String line : SafetyTestData.lines(SafetyTestData.SEWIK)) {
            Matcher m = FEATURE.matcher(line);
            if (m.find()) {
                features++;
                expectedBySeverity.merge(Integer.parseInt(m.group(2)), 1, Integer::sum);
                expectedInjured += Integer.parseInt(m.group(3)) + Integer.parseInt(m.group(4));
                expectedKilled += Integer.parseInt(m.group(5));
            }
        }

        ParseResults r = ParseResults.parse(FORMAT, SafetyTestData.open(SafetyTestData.SEWIK), "sewik.geojson");

        assertThat(r.rejected()).isEmpty();
        assertThat(r.incidents()).hasSize(features);
        Map<Integer, Integer> bySeverity = new TreeMap<>();
        r.incidents().forEach(i -> bySeverity.merge(i.getSeverity(), 1, Integer::sum));
        assertThat(bySeverity).isEqualTo(expectedBySeverity);
        assertThat(r.incidents().stream().mapToInt(Incident::getInjured).sum()).isEqualTo(expectedInjured);
        assertThat(r.incidents().stream().mapToInt(Incident::getKilled).sum()).isEqualTo(expectedKilled);
        System.out.printf("SEWIK: %d features, by severity %s, injured %d, killed %d%n", features, bySeverity, expectedInjured, expectedKilled);
    }

    @Test
    void localTimeWithoutOffsetIsWarsawTimeAndRecordsOfAnotherVoivodeshipLandInItsRegion() {
        ParseResults r = ParseResults.parse(FORMAT, SafetyTestData.open(SafetyTestData.SEWIK), "sewik.geojson");
        Incident first = r.incidents().get(0);
        assertThat(first.getSourceRecordId()).isEqualTo("125860475");
        // "2024-01-01T00:48:58" in Warsaw (CET, UTC+1)
        assertThat(first.getEventTime()).isEqualTo(Instant.parse("2023-12-31T23:48:58Z"));
        assertThat(first.getCategory()).isEqualTo(IncidentCategory.ROAD_COLLISION);
        assertThat(first.getLocation().getLongitude()).isEqualTo(21.71075);
        assertThat(first.getEventId()).isEqualTo("sewik-geojson:125860475");
        // świętokrzyskie (WOJ 26) is outside Kraków: every record counts in its own voivodeship
        assertThat(r.incidents()).allSatisfy(i -> assertThat(i.getScope()).isEqualTo("region:swietokrzyskie"));
        assertThat(r.incidents()).filteredOn(i -> i.getInjured() + i.getKilled() > 0)
                .allSatisfy(i -> assertThat(i.getCategory()).isEqualTo(IncidentCategory.ROAD_ACCIDENT));
    }

    @Test
    void malopolskieRecordAtAKrakowPointLandsInThatDistrict() {
        ParseResults r = ParseResults.parse(FORMAT, collection(feature(1, "2024-01-02T10:00:00", "1", "0", "0", "[19.9372, 50.0614]", "12")));
        assertThat(r.incidents()).singleElement().satisfies(i -> assertThat(i.getScope()).isEqualTo("district:I"));
    }

    @Test
    void malopolskieRecordOutsideKrakowLandsInRegionMalopolskie() {
        // Tarnów, 70 km east of Kraków
        ParseResults r = ParseResults.parse(FORMAT, collection(feature(1, "2024-01-02T10:00:00", "1", "0", "0", "[20.9886, 50.0125]", "12")));
        assertThat(r.incidents()).singleElement().satisfies(i -> assertThat(i.getScope()).isEqualTo("region:malopolskie"));
    }

    @Test
    void recordOfAnotherVoivodeshipIsNeverKrakowEvenAtAKrakowPoint() {
        // WOJ 26 (świętokrzyskie) with a point in Stare Miasto: the point is the wrong part, the record is not Kraków's
        ParseResults r = ParseResults.parse(FORMAT, collection(feature(1, "2024-01-02T10:00:00", "1", "0", "0", "[19.9372, 50.0614]", "26")));
        assertThat(r.incidents()).singleElement().satisfies(i -> assertThat(i.getScope()).isEqualTo("region:swietokrzyskie"));
    }

    @Test
    void recordWithoutVoivodeshipIsPlacedByItsPointAlone() {
        ParseResults r = ParseResults.parse(FORMAT, collection(
                feature(1, "2024-01-02T10:00:00", "1", "0", "0", "[19.9372, 50.0614]", null),
                feature(2, "2024-01-02T11:00:00", "1", "0", "0", "[20.9886, 50.0125]", null)));
        assertThat(r.incidents()).extracting(Incident::getScope).containsExactly("district:I", "region:unknown");
    }

    @Test
    void voivodeshipCodeThatIsNoVoivodeshipIsOutOfRangeAndTextIsNotANumber() {
        ParseResults r = ParseResults.parse(FORMAT, collection(
                feature(1, "2024-01-02T10:00:00", "1", "0", "0", "[20.6, 50.8]", "99"),
                feature(2, "2024-01-02T11:00:00", "1", "0", "0", "[20.6, 50.8]", "\"26\"")));
        assertThat(r.incidents()).isEmpty();
        assertThat(r.rejected()).extracting(ParseOutcome.Rejected::reason)
                .containsExactly(ReasonCode.OUT_OF_RANGE, ReasonCode.NOT_A_NUMBER);
        assertThat(r.rejected().get(0).message()).contains("WOJ 99");
    }

    @Test
    void featureWithTextSeverityIsRejectedAsNotANumberAndTheNextOneIsRead() {
        ParseResults r = ParseResults.parse(FORMAT, collection(
                feature(1, "2024-01-02T10:00:00", "\"x\"", "0", "0", "[20.6, 50.8]"),
                feature(2, "2024-01-02T11:00:00", "0", "0", "0", "[20.6, 50.8]")));
        assertThat(r.rejected()).singleElement().satisfies(x -> {
            assertThat(x.reason()).isEqualTo(ReasonCode.NOT_A_NUMBER);
            assertThat(x.message()).contains("sev");
            assertThat(x.rawText()).contains("\"ID\":1");
            assertThat(x.sourceId()).isEqualTo("test#0");
        });
        assertThat(r.incidents()).extracting(Incident::getSourceRecordId).containsExactly("2");
    }

    @Test
    void featureWithNegativeInjuredCountIsOutOfRange() {
        ParseResults r = ParseResults.parse(FORMAT, collection(feature(1, "2024-01-02T10:00:00", "1", "-2", "0", "[20.6, 50.8]")));
        assertThat(r.rejected()).singleElement().satisfies(x -> assertThat(x.reason()).isEqualTo(ReasonCode.OUT_OF_RANGE));
    }

    @Test
    void featureWithUnreadableDateIsMalformed() {
        ParseResults r = ParseResults.parse(FORMAT, collection(feature(1, "02.01.2024 10:00", "1", "0", "0", "[20.6, 50.8]")));
        assertThat(r.rejected()).singleElement().satisfies(x -> {
            assertThat(x.reason()).isEqualTo(ReasonCode.MALFORMED);
            assertThat(x.message()).contains("dt");
        });
    }

    @Test
    void truncatedDocumentKeepsTheFeaturesBeforeTheCut() {
        String whole = collection(feature(1, "2024-01-02T10:00:00", "0", "0", "0", "[20.6, 50.8]"),
                feature(2, "2024-01-02T11:00:00", "0", "0", "0", "[20.6, 50.8]"));
        ParseResults r = ParseResults.parse(FORMAT, whole.substring(0, whole.indexOf("\"ID\":2") + 10));
        assertThat(r.incidents()).extracting(Incident::getSourceRecordId).containsExactly("1");
        assertThat(r.rejected()).singleElement().satisfies(x -> assertThat(x.reason()).isEqualTo(ReasonCode.TRUNCATED));
    }

    @Test
    void notAFeatureCollectionIsOneMalformedAndEmptyInputIsEmpty() {
        assertThat(ParseResults.parse(FORMAT, "{\"type\":\"Feature\"}").rejected())
                .singleElement().satisfies(x -> assertThat(x.reason()).isEqualTo(ReasonCode.MALFORMED));
        assertThat(ParseResults.parse(FORMAT, "").rejected())
                .singleElement().satisfies(x -> assertThat(x.reason()).isEqualTo(ReasonCode.EMPTY_INPUT));
        assertThat(ParseResults.parse(FORMAT, "{\"type\":\"FeatureCollection\",\"features\":[]}").rejected())
                .singleElement().satisfies(x -> assertThat(x.reason()).isEqualTo(ReasonCode.EMPTY_INPUT));
    }

    /** A feature of voivodeship 26 (świętokrzyskie), as in the real file. */
    static String feature(long id, String dt, String sev, String sli, String fat, String coordinates) {
        return feature(id, dt, sev, sli, fat, coordinates, "26");
    }

    /** @param woj the JSON of the WOJ property, null to leave it out */
    static String feature(long id, String dt, String sev, String sli, String fat, String coordinates, String woj) {
        return "{\"type\":\"Feature\",\"properties\":{\"ID\":" + id + ",\"yr\":2024,\"dt\":\"" + dt + "\""
                + (woj == null ? "" : ",\"WOJ\":" + woj) + ",\"sev\":" + sev
                + ",\"dmg\":1,\"sli\":" + sli + ",\"ser\":0,\"fat\":" + fat + "},\"geometry\":{\"type\":\"Point\",\"coordinates\":"
                + coordinates + "}}";
    }

    static String collection(String... features) {
        return "{\"type\":\"FeatureCollection\",\"name\":\"t\",\"features\":[\n" + String.join(",\n", List.of(features)) + "\n]}";
    }
}
