package pl.krakow.pulse.ingest.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static pl.krakow.pulse.ingest.environment.GiosTestData.COLUMN_TO_SERIES;
import static pl.krakow.pulse.ingest.environment.GiosTestData.FIXED_CLOCK;
import static pl.krakow.pulse.ingest.environment.GiosTestData.HEADER;
import static pl.krakow.pulse.ingest.environment.GiosTestData.NOW;
import static pl.krakow.pulse.ingest.environment.GiosTestData.ROW_T0;
import static pl.krakow.pulse.ingest.environment.GiosTestData.ROW_T0_PLUS_1H;
import static pl.krakow.pulse.ingest.environment.GiosTestData.ROW_T0_PLUS_2H;
import static pl.krakow.pulse.ingest.environment.GiosTestData.T0;
import static pl.krakow.pulse.ingest.environment.GiosTestData.T0_PLUS_2H;
import static pl.krakow.pulse.ingest.environment.GiosTestData.VALUES_PER_ROW;
import static pl.krakow.pulse.ingest.environment.GiosTestData.bundledCsv;
import static pl.krakow.pulse.ingest.environment.GiosTestData.csv;
import static pl.krakow.pulse.ingest.environment.GiosTestData.nonEmptyCellsPerColumn;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReasonCode;
import pl.krakow.pulse.platform.topics.Topics;

class GiosWideCsvParserTest {

    private static final String FILE = "krakow_pm_hourly_2017Q1.csv";

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private IngestContext context = IngestContext.defaults(FIXED_CLOCK).withMeters(meters);
    private FeedParser parser = new GiosWideCsvFormat().newParser(context);

    private List<ParseOutcome> parse(String content) {
        return parse(content.getBytes(StandardCharsets.UTF_8));
    }

    private List<ParseOutcome> parse(byte[] content) {
        try (Stream<ParseOutcome> outcomes = parser.parse(content, "test.csv")) {
            return outcomes.toList();
        }
    }

    private static List<AirQualityMeasurement> accepted(List<ParseOutcome> outcomes) {
        return outcomes.stream().filter(o -> o instanceof ParseOutcome.Accepted<?>)
                .map(o -> (AirQualityMeasurement) ((ParseOutcome.Accepted<?>) o).value()).toList();
    }

    private static List<ParseOutcome.Rejected> rejected(List<ParseOutcome> outcomes) {
        return outcomes.stream().filter(o -> o instanceof ParseOutcome.Rejected).map(o -> (ParseOutcome.Rejected) o).toList();
    }

    private static String epochRow(Instant t, String pm10Piastow) {
        return "1," + t.getEpochSecond() + ",," + pm10Piastow + ",,,,,,,";
    }

    // --- the real file ----------------------------------------------------------------------------

    @Test
    void everyNonEmptyCellOfTheBundledFileIsAcceptedOnce() {
        byte[] bytes = bundledCsv();
        String content = new String(bytes, StandardCharsets.UTF_8);
        Map<String, Integer> perColumn = nonEmptyCellsPerColumn(content);
        Map<String, Long> expected = new TreeMap<>();
        perColumn.forEach((column, n) -> expected.merge(COLUMN_TO_SERIES.get(column), (long) n, Long::sum));

        List<ParseOutcome> outcomes = parse(bytes);

        assertThat(rejected(outcomes)).isEmpty();
        Map<String, Long> actual = accepted(outcomes).stream().collect(Collectors.groupingBy(
                m -> m.getStationCode() + "/" + m.getPollutant(), TreeMap::new, Collectors.counting()));
        expected.values().removeIf(n -> n == 0); // Swoszowice: no value, so no series
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void bundledFileHasTheCountsItsProvenanceStates() {
        // PROVENANCE.md: 2,160 rows; missing hours per column. Checked on the file with plain splitting.
        String content = new String(bundledCsv(), StandardCharsets.UTF_8);
        assertThat(content.split("\n")).hasSize(1 + 2160);
        assertThat(nonEmptyCellsPerColumn(content))
                .containsEntry("pm10_swoszowice", 0)
                .containsEntry("pm10_wadow", 2160 - 111)
                .containsEntry("pm10_zloty_rog", 2160 - 57)
                .containsEntry("pm10_piastow", 2160 - 56)
                .containsEntry("pm25_kurdwanow", 2160 - 42)
                .containsEntry("pm10_kurdwanow", 2160 - 33)
                .containsEntry("pm10_dietla", 2160 - 25)
                .containsEntry("pm10_krasinskiego", 2160 - 1)
                .containsEntry("pm25_krasinskiego", 2160);
    }

    @Test
    void valuesOfTheBundledFileAreReadExactly() {
        String content = new String(bundledCsv(), StandardCharsets.UTF_8);
        String[] lines = content.split("\n");
        String[] header = lines[0].split(",", -1);
        Map<String, Double> expectedSums = new TreeMap<>();
        for (int l = 1; l < lines.length; l++) {
            String[] cells = lines[l].split(",", -1);
            for (int i = 2; i < cells.length; i++) {
                if (!cells[i].isEmpty()) {
                    expectedSums.merge(COLUMN_TO_SERIES.get(header[i]), Double.parseDouble(cells[i]), Double::sum);
                }
            }
        }
        Map<String, Double> sums = new TreeMap<>();
        // same summation order as above: file order, column order
        for (AirQualityMeasurement m : accepted(parse(content))) {
            sums.merge(m.getStationCode() + "/" + m.getPollutant(), m.getConcentrationUgM3(), Double::sum);
        }
        assertThat(sums).isEqualTo(expectedSums);
    }

    @Test
    void missingHoursAreSkippedAndCounted() {
        parse(bundledCsv());
        assertThat(meters.get(GiosWideCsvParser.MISSING_VALUES_METRIC).tag("station", "MpKrakSwoszo").counter().count())
                .isEqualTo(2160);
        assertThat(meters.get(GiosWideCsvParser.MISSING_VALUES_METRIC).tag("station", "MpKrakWadow").counter().count())
                .isEqualTo(111);
        assertThat(meters.get(GiosWideCsvParser.MISSING_VALUES_METRIC).tag("station", "MpKrakBujaka")
                .tag("pollutant", "PM25").counter().count()).isEqualTo(42);
    }

    @Test
    void rowBecomesOneMeasurementPerValueWithStableIdAndEndOfHourTime() {
        List<ParseOutcome> outcomes = parse(csv(HEADER, ROW_T0));
        assertThat(outcomes).hasSize(VALUES_PER_ROW);
        ParseOutcome.Accepted<?> first = (ParseOutcome.Accepted<?>) outcomes.get(0);
        assertThat(first.topic()).isEqualTo(Topics.AIR_QUALITY);
        assertThat(first.key()).isEqualTo("MpKrakOsPias");
        assertThat(first.eventTime()).isEqualTo(T0);
        assertThat(first.eventId()).isEqualTo("gios-wide-csv:MpKrakOsPias:PM10:1483228800");
        AirQualityMeasurement m = (AirQualityMeasurement) first.value();
        assertThat(m.getEventId()).isEqualTo(first.eventId());
        assertThat(m.getEventTime()).isEqualTo(T0);
        assertThat(m.getFeed()).isEqualTo("gios-wide-csv");
        assertThat(m.getSourceId()).isEqualTo("test.csv:2");
        assertThat(m.getStationCode()).isEqualTo("MpKrakOsPias");
        assertThat(m.getPollutant()).isEqualTo(Pollutant.PM10);
        assertThat(m.getConcentrationUgM3()).isEqualTo(141.186);
        assertThat(m.getAveragingPeriodSeconds()).isEqualTo(3600);
        assertThat(m.getValidated()).isFalse();
        assertThat(m.getIngestedAt()).isEqualTo(NOW);
        assertThat(accepted(outcomes)).extracting(AirQualityMeasurement::getStationCode, AirQualityMeasurement::getPollutant)
                .containsExactly(tuple("MpKrakOsPias", Pollutant.PM10), tuple("MpKrakAlKras", Pollutant.PM10),
                        tuple("MpKrakBujaka", Pollutant.PM10), tuple("MpKrakDietla", Pollutant.PM10),
                        tuple("MpKrakAlKras", Pollutant.PM25), tuple("MpKrakBujaka", Pollutant.PM25));
    }

    // --- bad input, each with good rows around it ---------------------------------------------------

    @Test
    void malformedRowIsRejected() {
        String bad = "8790,1483243200,1.0,2.0";
        List<ParseOutcome> outcomes = parse(csv(HEADER, ROW_T0, bad, ROW_T0_PLUS_2H));
        assertThat(rejected(outcomes)).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(ReasonCode.MALFORMED);
            assertThat(r.rawText()).isEqualTo(bad);
            assertThat(r.sourceId()).isEqualTo("test.csv:3");
            assertThat(r.message()).contains("4 fields", "11");
            assertThat(r.feed()).isEqualTo("gios-wide-csv");
            assertThat(r.contentType()).isEqualTo("text/csv");
            assertThat(r.intendedTopic()).isEqualTo(Topics.AIR_QUALITY);
            assertThat(r.rejectedAt()).isEqualTo(NOW);
        });
        assertThat(accepted(outcomes)).hasSize(2 * VALUES_PER_ROW)
                .extracting(AirQualityMeasurement::getEventTime).containsOnly(T0, T0_PLUS_2H);
    }

    /**
     * The shared RFC 4180 rule ({@code Csv}): before it, this parser split on every comma and only stripped one pair
     * of outer quotes, so a quoted cell holding a comma became two cells, and a stray quote was kept as text.
     */
    @Test
    void quotedCellsFollowRfc4180AndAStrayQuoteIsMalformed() {
        String quoted = ROW_T0_PLUS_1H.replace("111.482", "\" 111.482\"").replace(",1483232400,", ",\"1483232400\",");
        String stray = ROW_T0_PLUS_2H.replace("1483236000", "1483236\"000");
        List<ParseOutcome> outcomes = parse(csv(HEADER, ROW_T0, quoted, stray));
        assertThat(accepted(outcomes)).hasSize(2 * VALUES_PER_ROW).extracting(AirQualityMeasurement::getEventTime)
                .containsOnly(T0, T0.plusSeconds(3600));
        assertThat(rejected(outcomes)).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(ReasonCode.MALFORMED);
            assertThat(r.rawText()).isEqualTo(stray);
            assertThat(r.message()).isEqualTo("stray quote in unquoted field 2");
        });
        String commaInQuotes = "\"1,0\"," + ROW_T0_PLUS_2H.substring(ROW_T0_PLUS_2H.indexOf(',') + 1);
        assertThat(accepted(parse(csv(HEADER, commaInQuotes)))).hasSize(VALUES_PER_ROW);   // was MALFORMED, 12 fields
    }

    @Test
    void unreadableEpochIsMalformed() {
        String bad = ROW_T0_PLUS_1H.replace("1483232400", "2017-01-01 02:00");
        List<ParseOutcome> outcomes = parse(csv(HEADER, ROW_T0, bad, ROW_T0_PLUS_2H));
        assertThat(rejected(outcomes)).extracting(ParseOutcome.Rejected::reason, ParseOutcome.Rejected::rawText)
                .containsExactly(tuple(ReasonCode.MALFORMED, bad));
        assertThat(accepted(outcomes)).hasSize(2 * VALUES_PER_ROW);
    }

    @Test
    void nonNumericValueIsRejected() {
        String bad = ROW_T0_PLUS_1H.replace("111.482", "n/a");
        List<ParseOutcome> outcomes = parse(csv(HEADER, ROW_T0, bad, ROW_T0_PLUS_2H));
        assertThat(rejected(outcomes)).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(ReasonCode.NOT_A_NUMBER);
            assertThat(r.rawText()).isEqualTo(bad);
            assertThat(r.message()).contains("pm10_piastow", "n/a");
        });
        // the other five values of the same row and both neighbours are kept
        assertThat(accepted(outcomes)).hasSize(3 * VALUES_PER_ROW - 1);
    }

    @Test
    void numbersJavaWouldParseButNoInstrumentWritesAreRejected() {
        for (String notANumber : List.of("12.5d", "0x1p3", "1,5", "Infinity", "--3", ".", "1e")) {
            parser = new GiosWideCsvFormat().newParser(context);
            String row = notANumber.contains(",") ? epochRow(T0, "\"" + notANumber + "\"") : epochRow(T0, notANumber);
            assertThat(rejected(parse(csv(HEADER, row)))).as(notANumber)
                    .extracting(ParseOutcome.Rejected::reason).containsAnyOf(ReasonCode.NOT_A_NUMBER, ReasonCode.MALFORMED);
        }
        assertThat(accepted(parse(csv(HEADER, epochRow(T0_PLUS_2H, "1.5e2"))))).extracting(AirQualityMeasurement::getConcentrationUgM3)
                .containsExactly(150.0);
    }

    @Test
    void negativeValueIsRejected() {
        String bad = ROW_T0_PLUS_1H.replace("111.482", "-3.2");
        List<ParseOutcome> outcomes = parse(csv(HEADER, ROW_T0, bad, ROW_T0_PLUS_2H));
        assertThat(rejected(outcomes)).extracting(ParseOutcome.Rejected::reason, ParseOutcome.Rejected::rawText)
                .containsExactly(tuple(ReasonCode.OUT_OF_RANGE, bad));
        assertThat(accepted(outcomes)).hasSize(3 * VALUES_PER_ROW - 1);
    }

    @Test
    void absurdPm10IsRejected() {
        String bad = ROW_T0_PLUS_1H.replace("111.482", "2000.5");
        String atTheLimit = ROW_T0_PLUS_2H.replace("116.691", "2000");
        List<ParseOutcome> outcomes = parse(csv(HEADER, ROW_T0, bad, atTheLimit));
        assertThat(rejected(outcomes)).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(ReasonCode.OUT_OF_RANGE);
            assertThat(r.message()).contains("PM10", "2000.5", "0–2000");
            assertThat(r.rawText()).isEqualTo(bad);
        });
        assertThat(accepted(outcomes)).hasSize(3 * VALUES_PER_ROW - 1)
                .extracting(AirQualityMeasurement::getConcentrationUgM3).contains(2000.0);
    }

    @Test
    void nanIsRejected() {
        String nan = ROW_T0_PLUS_1H.replace("111.482", "NaN");
        String overflow = ROW_T0_PLUS_2H.replace("116.691", "1e999");
        List<ParseOutcome> outcomes = parse(csv(HEADER, ROW_T0, nan, overflow));
        assertThat(rejected(outcomes)).extracting(ParseOutcome.Rejected::reason, ParseOutcome.Rejected::rawText)
                .containsExactly(tuple(ReasonCode.NOT_A_NUMBER, nan), tuple(ReasonCode.NOT_A_NUMBER, overflow));
        assertThat(accepted(outcomes)).hasSize(3 * VALUES_PER_ROW - 2);
    }

    @Test
    void timestampInFutureIsRejected() {
        Instant hourAhead = NOW.plus(Duration.ofHours(1));
        Instant withinSkew = NOW.plus(Duration.ofMinutes(5)); // ingest.max.future default: 5 min
        String bad = epochRow(hourAhead, "10");
        List<ParseOutcome> outcomes = parse(csv(HEADER, epochRow(NOW, "5"), bad, epochRow(withinSkew, "6")));
        assertThat(rejected(outcomes)).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(ReasonCode.IN_FUTURE);
            assertThat(r.rawText()).isEqualTo(bad);
            assertThat(r.sourceId()).isEqualTo("test.csv:3");
        });
        assertThat(accepted(outcomes)).extracting(AirQualityMeasurement::getEventTime).containsExactly(NOW, withinSkew);
    }

    @Test
    void timestampBeforeHorizonIsRejected() {
        context = context.withMaxAge(Duration.ofDays(365));
        parser = new GiosWideCsvFormat().newParser(context);
        Instant yesterday = NOW.minus(Duration.ofDays(1));
        List<ParseOutcome> outcomes = parse(csv(HEADER, epochRow(yesterday, "5"), ROW_T0, epochRow(NOW, "6")));
        assertThat(rejected(outcomes)).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(ReasonCode.TOO_OLD);
            assertThat(r.rawText()).isEqualTo(ROW_T0);
        });
        assertThat(accepted(outcomes)).extracting(AirQualityMeasurement::getEventTime).containsExactly(yesterday, NOW);
    }

    @Test
    void unknownStationIsRejected() {
        String header = HEADER + ",pm10_nowa_huta,temperature_dietla";
        String withValues = ROW_T0 + ",55.5,-3";
        String withEmpty = ROW_T0_PLUS_1H + ",,";
        List<ParseOutcome> outcomes = parse(csv(header, withValues, withEmpty));
        assertThat(rejected(outcomes)).extracting(ParseOutcome.Rejected::reason, ParseOutcome.Rejected::rawText)
                .containsExactly(tuple(ReasonCode.UNKNOWN_STATION, withValues), tuple(ReasonCode.UNKNOWN_STATION, withValues));
        assertThat(rejected(outcomes).get(0).message()).contains("pm10_nowa_huta", "station");
        assertThat(rejected(outcomes).get(1).message()).contains("temperature_dietla", "pollutant");
        assertThat(accepted(outcomes)).hasSize(2 * VALUES_PER_ROW);
    }

    @Test
    void stationMissingFromTheKnownListIsRejected() {
        EventValidator withoutPiastow = EventValidator.of(context, BundledData.stationCodes().stream()
                .filter(c -> !c.equals("MpKrakOsPias")).collect(Collectors.toSet()));
        parser = new GiosWideCsvParser(withoutPiastow, FIXED_CLOCK, meters);
        List<ParseOutcome> outcomes = parse(csv(HEADER, ROW_T0));
        assertThat(rejected(outcomes)).extracting(ParseOutcome.Rejected::reason).containsExactly(ReasonCode.UNKNOWN_STATION);
        assertThat(rejected(outcomes).get(0).message()).contains("MpKrakOsPias");
        assertThat(accepted(outcomes)).hasSize(VALUES_PER_ROW - 1);
    }

    @Test
    void duplicateRecordIsRejected() {
        List<ParseOutcome> outcomes = parse(csv(HEADER, ROW_T0, ROW_T0_PLUS_1H, ROW_T0));
        assertThat(rejected(outcomes)).hasSize(VALUES_PER_ROW)
                .allSatisfy(r -> {
                    assertThat(r.reason()).isEqualTo(ReasonCode.DUPLICATE);
                    assertThat(r.sourceId()).isEqualTo("test.csv:4");
                    assertThat(r.rawText()).isEqualTo(ROW_T0);
                });
        assertThat(accepted(outcomes)).hasSize(2 * VALUES_PER_ROW);

        // the session spans inputs: a second file with an hour already seen
        List<ParseOutcome> second = parse(csv(HEADER, ROW_T0_PLUS_1H, ROW_T0_PLUS_2H));
        assertThat(rejected(second)).hasSize(VALUES_PER_ROW).extracting(ParseOutcome.Rejected::reason)
                .containsOnly(ReasonCode.DUPLICATE);
        assertThat(accepted(second)).hasSize(VALUES_PER_ROW);
    }

    @Test
    void emptyFileIsRejected() {
        assertThat(parse(new byte[0])).singleElement().satisfies(o -> {
            ParseOutcome.Rejected r = (ParseOutcome.Rejected) o;
            assertThat(r.reason()).isEqualTo(ReasonCode.EMPTY_INPUT);
            assertThat(r.sourceId()).isEqualTo("test.csv");
            assertThat(r.rawPayload()).isEmpty();
        });
        assertThat(parse(csv(HEADER))).singleElement().satisfies(o -> {
            ParseOutcome.Rejected r = (ParseOutcome.Rejected) o;
            assertThat(r.reason()).isEqualTo(ReasonCode.EMPTY_INPUT);
            assertThat(r.message()).contains("only a header");
            assertThat(r.rawText()).isEqualTo(HEADER);
        });
        assertThat(parse(HEADER + "\n\n  \n")).extracting(o -> ((ParseOutcome.Rejected) o).reason())
                .containsExactly(ReasonCode.EMPTY_INPUT);
        assertThat(parse("\n\n")).extracting(o -> ((ParseOutcome.Rejected) o).reason())
                .containsExactly(ReasonCode.EMPTY_INPUT);
    }

    @Test
    void truncatedFileIsRejected() {
        String cut = ROW_T0_PLUS_2H.substring(0, 30); // "8788,1483236000,,116.691,221.9"
        List<ParseOutcome> outcomes = parse(csv(HEADER, ROW_T0, ROW_T0_PLUS_1H) + cut);
        assertThat(rejected(outcomes)).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(ReasonCode.TRUNCATED);
            assertThat(r.rawText()).isEqualTo(cut);
            assertThat(r.sourceId()).isEqualTo("test.csv:4");
        });
        assertThat(accepted(outcomes)).hasSize(2 * VALUES_PER_ROW);
    }

    @Test
    void completeLastLineWithoutLineBreakIsAccepted() {
        assertThat(accepted(parse(HEADER + "\n" + ROW_T0))).hasSize(VALUES_PER_ROW);
    }

    @Test
    void fileWithoutEpochColumnIsRejectedRowByRow() {
        String header = HEADER.replace("epoch", "time");
        List<ParseOutcome> outcomes = parse(csv(header, ROW_T0, ROW_T0_PLUS_1H));
        assertThat(rejected(outcomes)).extracting(ParseOutcome.Rejected::reason, ParseOutcome.Rejected::sourceId)
                .containsExactly(tuple(ReasonCode.MALFORMED, "test.csv:1"), tuple(ReasonCode.MALFORMED, "test.csv:2"),
                        tuple(ReasonCode.MALFORMED, "test.csv:3"));
        assertThat(accepted(outcomes)).isEmpty();
    }

    @Test
    void windowsLineBreaksAndFloatEpochsAreRead() {
        String floatEpoch = ROW_T0_PLUS_1H.replace("1483232400", "1483232400.0");
        List<ParseOutcome> outcomes = parse(HEADER + "\r\n" + ROW_T0 + "\r\n" + floatEpoch + "\r\n");
        assertThat(rejected(outcomes)).isEmpty();
        assertThat(accepted(outcomes)).hasSize(2 * VALUES_PER_ROW);
        assertThat(accepted(outcomes).get(VALUES_PER_ROW).getEventTime()).isEqualTo(T0.plusSeconds(3600));
    }

    @Test
    void columnsMayComeInAnyOrder() {
        String header = "epoch,pm25_kurdwanow,pm10_dietla";
        List<ParseOutcome> outcomes = parse(csv(header, "1483228800,10.5,20.25"));
        assertThat(accepted(outcomes)).extracting(AirQualityMeasurement::getStationCode, AirQualityMeasurement::getPollutant,
                        AirQualityMeasurement::getConcentrationUgM3)
                .containsExactly(tuple("MpKrakBujaka", Pollutant.PM25, 10.5), tuple("MpKrakDietla", Pollutant.PM10, 20.25));
        assertThat(Set.copyOf(BundledData.stationCodes())).contains("MpKrakBujaka", "MpKrakDietla");
    }
}
