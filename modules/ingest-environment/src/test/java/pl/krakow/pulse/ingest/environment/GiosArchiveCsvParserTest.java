package pl.krakow.pulse.ingest.environment;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.FeedFormats;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReasonCode;

/**
 * {@code gios-archive-csv}. No real GIOŚ archive file is bundled: the archive tables here are SIMULATED layouts,
 * generated in the test by re-shaping the REAL values of the bundled 2017 Q1 wide CSV into the GIOŚ yearly-archive
 * layout (header rows, one column per station, Warsaw wall-clock hour ends, decimal comma) — every value must equal
 * the wide-CSV parse of the same cell.
 */
class GiosArchiveCsvParserTest {

    static final ZoneId WARSAW = ZoneId.of("Europe/Warsaw");
    static final DateTimeFormatter LABEL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    static GiosArchiveCsvParser parser() {
        IngestContext ctx = IngestContext.defaults(GiosTestData.FIXED_CLOCK);
        return new GiosArchiveCsvParser(EventValidator.of(ctx, BundledData.stationCodes()), ctx.clock());
    }

    static List<ParseOutcome> parse(String text) {
        try (var s = parser().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "archive.csv")) {
            return s.toList();
        }
    }

    static Map<String, Double> values(List<ParseOutcome> outcomes) {
        Map<String, Double> out = new TreeMap<>();
        for (ParseOutcome o : outcomes) {
            if (o instanceof ParseOutcome.Accepted<?> a) {
                AirQualityMeasurement m = (AirQualityMeasurement) a.value();
                out.put(m.getStationCode() + "/" + m.getPollutant() + "@" + m.getEventTime().getEpochSecond(), m.getConcentrationUgM3());
            }
        }
        return out;
    }

    /**
     * The bundled CSV's columns of one pollutant as a GIOŚ archive table: chronological rows, one column per station.
     */
    static String archiveOf(String pollutantPrefix, char separator, boolean decimalComma) {
        String[] lines = new String(GiosTestData.bundledCsv(), StandardCharsets.UTF_8).split("\r?\n");
        String[] header = lines[0].split(",", -1);
        List<Integer> cols = new ArrayList<>();
        for (int i = 2; i < header.length; i++) {
            if (header[i].startsWith(pollutantPrefix + "_")) {
                cols.add(i);
            }
        }
        String sep = String.valueOf(separator);
        String param = pollutantPrefix.equals("pm10") ? "PM10" : "PM2.5";
        StringBuilder sb = new StringBuilder();
        List<String> nr = new ArrayList<>(List.of("Nr"));
        List<String> codes = new ArrayList<>(List.of("Kod stacji"));
        List<String> params = new ArrayList<>(List.of("Wskaźnik"));
        List<String> periods = new ArrayList<>(List.of("Czas uśredniania"));
        List<String> units = new ArrayList<>(List.of("Jednostka"));
        List<String> positions = new ArrayList<>(List.of("Kod stanowiska"));
        for (int c : cols) {
            String code = GiosTestData.COLUMN_TO_SERIES.get(header[c]).split("/")[0];
            nr.add(String.valueOf(nr.size()));
            codes.add(code);
            params.add(param);
            periods.add("1g");
            units.add("ug/m3");
            positions.add(code + "-" + param + "-1g");
        }
        for (List<String> row : List.of(nr, codes, params, periods, units, positions)) {
            sb.append(String.join(sep, row)).append("\r\n");
        }
        TreeMap<Long, String> rows = new TreeMap<>();
        for (int l = 1; l < lines.length; l++) {
            String[] cells = lines[l].split(",", -1);
            long epoch = Long.parseLong(cells[1]);
            List<String> row = new ArrayList<>();
            row.add(LocalDateTime.ofInstant(Instant.ofEpochSecond(epoch), WARSAW).format(LABEL));
            for (int c : cols) {
                String v = cells[c];
                row.add(decimalComma ? (separator == ',' && !v.isEmpty() ? "\"" + v.replace('.', ',') + "\"" : v.replace('.', ',')) : v);
            }
            rows.put(epoch, String.join(sep, row));
        }
        rows.values().forEach(r -> sb.append(r).append("\r\n"));
        return sb.toString();
    }

    static Map<String, Double> wideCsvValues() {
        IngestContext ctx = IngestContext.defaults(GiosTestData.FIXED_CLOCK);
        GiosWideCsvParser wide = new GiosWideCsvParser(EventValidator.of(ctx, BundledData.stationCodes()), ctx.clock(),
                new SimpleMeterRegistry());
        try (var s = wide.parse(new ByteArrayInputStream(GiosTestData.bundledCsv()), "wide.csv")) {
            return values(s.toList());
        }
    }

    @Test
    void everyValueOfTheReshapedRealDataEqualsTheWideCsvParse() {
        List<ParseOutcome> pm10 = parse(archiveOf("pm10", ';', true));            // ; and decimal comma
        List<ParseOutcome> pm25 = parse(archiveOf("pm25", ',', false));           // , and decimal point
        assertThat(pm10).noneMatch(o -> o instanceof ParseOutcome.Rejected);
        assertThat(pm25).noneMatch(o -> o instanceof ParseOutcome.Rejected);
        Map<String, Double> archive = new TreeMap<>(values(pm10));
        archive.putAll(values(pm25));
        Map<String, Double> wide = wideCsvValues();
        assertThat(wide).hasSize(16_955);
        assertThat(archive).isEqualTo(wide);
        AirQualityMeasurement first = (AirQualityMeasurement) ((ParseOutcome.Accepted<?>) pm10.get(0)).value();
        assertThat(first.getValidated()).isTrue();
        assertThat(first.getAveragingPeriodSeconds()).isEqualTo(3600);
        assertThat(first.getEventId()).startsWith("gios-archive-csv:").endsWith(":" + first.getEventTime().getEpochSecond());
        assertThat(first.getSourceId()).isEqualTo("archive.csv:7");
    }

    @Test
    void quotedDecimalCommaWithCommaSeparator() {
        Map<String, Double> archive = values(parse(archiveOf("pm25", ',', true)));
        Map<String, Double> wide = wideCsvValues().entrySet().stream().filter(e -> e.getKey().contains("/PM25@"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(archive).isEqualTo(wide);
    }

    static final String HEAD = "Kod stacji;MpKrakAlKras;MpKrakBujaka\nWskaźnik;PM10;PM10\nCzas uśredniania;1g;1g\nJednostka;ug/m3;ug/m3\n";

    @Test
    void badCellsAreRejectedAloneAndTheRestOfTheRowIsKept() {
        List<ParseOutcome> out = parse(HEAD + "2017-01-01 01:00:00;12,5;abc\n2017-01-01 02:00:00;-3;4000\n2017-01-01 03:00:00;7;8\n");
        assertThat(values(out)).containsOnlyKeys("MpKrakAlKras/PM10@1483228800", "MpKrakAlKras/PM10@1483236000",
                "MpKrakBujaka/PM10@1483236000");
        assertThat(out).filteredOn(o -> o instanceof ParseOutcome.Rejected).extracting(o -> ((ParseOutcome.Rejected) o).reason())
                .containsExactly(ReasonCode.NOT_A_NUMBER, ReasonCode.OUT_OF_RANGE, ReasonCode.OUT_OF_RANGE);
    }

    @Test
    void malformedDateWrongFieldCountAndTruncatedRowsAreRejected() {
        List<ParseOutcome> out = parse(HEAD + "2017-13-01 01:00:00;1;2\n2017-01-01 01:00:00;1\n2017-01-01 02:00:00;1;2\n2017-01-01 03:00:00;1");
        assertThat(out).filteredOn(o -> o instanceof ParseOutcome.Rejected).extracting(o -> ((ParseOutcome.Rejected) o).reason())
                .containsExactly(ReasonCode.MALFORMED, ReasonCode.MALFORMED, ReasonCode.TRUNCATED);
        assertThat(values(out)).hasSize(2);
    }

    /**
     * The shared RFC 4180 rule ({@code Csv}): before it, a quote anywhere in a line toggled quoting, so {@code 1"2;3"}
     * read as one cell {@code 12;3} and an unclosed quote swallowed the rest of the line; both are now MALFORMED rows.
     */
    @Test
    void quotesFollowRfc4180AndEscapedQuotesAreText() {
        List<ParseOutcome> out = parse(HEAD + "\"2017-01-01 01:00:00\";\"12,5\";7\n2017-01-01 02:00:00;1\"2;3\"\n"
                + "2017-01-01 03:00:00;\"4;5\n2017-01-01 04:00:00;\"6\"\"\";8\n");
        assertThat(values(out)).containsOnlyKeys("MpKrakAlKras/PM10@1483228800", "MpKrakBujaka/PM10@1483228800",
                "MpKrakBujaka/PM10@1483239600");
        assertThat(out).filteredOn(o -> o instanceof ParseOutcome.Rejected).extracting(o -> ((ParseOutcome.Rejected) o).message())
                .containsExactly("stray quote in unquoted field 2", "unterminated quoted field 2",
                        "column MpKrakAlKras: '6\"' is not a number");
    }

    @Test
    void unitsAreCheckedAndMilligramsConverted() {
        String text = "Kod stacji;MpKrakAlKras;MpKrakBujaka\nWskaźnik;CO;NO2\nJednostka;mg/m3;ppb\n2017-01-01 01:00:00;0,8;20\n";
        List<ParseOutcome> out = parse(text);
        assertThat(values(out)).containsExactly(Map.entry("MpKrakAlKras/CO@1483228800", 800.0));
        assertThat(out).filteredOn(o -> o instanceof ParseOutcome.Rejected).singleElement()
                .satisfies(o -> assertThat(((ParseOutcome.Rejected) o).reason()).isEqualTo(ReasonCode.WRONG_UNIT));
    }

    @Test
    void unknownStationDuplicateAndMissingHeaderAreRejected() {
        List<ParseOutcome> out = parse("Kod stacji;MpKrakAlKras;XxNowhere\nWskaźnik;PM10;PM10\n2017-01-01 01:00:00;1;2\n2017-01-01 01:00:00;1;\n");
        assertThat(out).filteredOn(o -> o instanceof ParseOutcome.Rejected).extracting(o -> ((ParseOutcome.Rejected) o).reason())
                .containsExactly(ReasonCode.UNKNOWN_STATION, ReasonCode.DUPLICATE);
        assertThat(parse("2017-01-01 01:00:00;1;2\n")).singleElement()
                .satisfies(o -> assertThat(((ParseOutcome.Rejected) o).reason()).isEqualTo(ReasonCode.MALFORMED));
    }

    @Test
    void emptyInputAndHeaderOnlyAreEmptyInput() {
        assertThat(parse("")).singleElement().satisfies(o -> assertThat(((ParseOutcome.Rejected) o).reason()).isEqualTo(ReasonCode.EMPTY_INPUT));
        assertThat(parse(HEAD)).singleElement().satisfies(o -> assertThat(((ParseOutcome.Rejected) o).reason()).isEqualTo(ReasonCode.EMPTY_INPUT));
    }

    @Test
    void foundByTheServiceLoader() {
        assertThat(FeedFormats.discover().get(GiosArchiveCsvParser.FEED)).isInstanceOf(GiosArchiveCsvFormat.class);
    }
}
