package pl.krakow.pulse.ingest.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.environment.WeatherObservation;
import pl.krakow.pulse.ingest.EventSink;
import pl.krakow.pulse.ingest.FeedFormats;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.ingest.FileReplayer;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReasonCode;
import pl.krakow.pulse.ingest.ReplayReport;
import pl.krakow.pulse.ingest.ReplaySpeed;
import pl.krakow.pulse.platform.topics.Topics;

class ImgwSynopCsvParserTest {

    private static final Charset CP1250 = Charset.forName("windows-1250");
    private static final String FILE = "s_t_01_2019_krakow_balice.csv";
    /** The first hour of the bundled file. */
    private static final Instant T0 = Instant.parse("2019-01-01T00:00:00Z");
    private static final Instant T0_PLUS_1H = T0.plusSeconds(3600);
    private static final Instant T0_PLUS_2H = T0.plusSeconds(7200);

    private final IngestContext context = IngestContext.defaults(GiosTestData.FIXED_CLOCK);

    // --- independent reading of the file (no production code) -----------------------------------

    private static final Pattern FIELD = Pattern.compile("\"((?:[^\"]|\"\")*)\"|([^,\"]*)");

    /** Fields of one CSV line, with a regular expression instead of the parser's splitter. */
    private static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        Matcher m = FIELD.matcher(line);
        int pos = 0;
        while (true) {
            assertThat(m.find(pos) && m.start() == pos).as("field at %d of %s", pos, line).isTrue();
            out.add(m.group(1) != null ? m.group(1).replace("\"\"", "\"") : m.group(2));
            pos = m.end();
            if (pos >= line.length()) {
                return out;
            }
            assertThat(line.charAt(pos)).isEqualTo(',');
            pos++;
            if (pos == line.length()) {
                out.add("");
                return out;
            }
        }
    }

    private static byte[] bundledBytes() {
        try (InputStream in = BundledData.weatherCsv().open()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> bundledLines() {
        return Arrays.asList(new String(bundledBytes(), CP1250).split("\r\n"));
    }

    private static String join(List<String> fields) {
        StringBuilder sb = new StringBuilder();
        for (String f : fields) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append('"').append(f.replace("\"", "\"\"")).append('"');
        }
        return sb.toString();
    }

    /** Line {@code n} (0-based) of the bundled file with 1-based column {@code column} set to {@code value}. */
    private static String withField(int n, int column, String value) {
        List<String> f = new ArrayList<>(fields(bundledLines().get(n)));
        f.set(column - 1, value);
        return join(f);
    }

    private List<ParseOutcome> parse(String... lines) {
        return parse((String.join("\r\n", lines) + "\r\n").getBytes(CP1250));
    }

    /** Parses in a fresh session (a parser remembers accepted ids: see {@link #duplicateRowIsRejected}). */
    private List<ParseOutcome> parse(byte[] bytes) {
        FeedParser parser = new ImgwSynopCsvFormat().newParser(context);
        try (Stream<ParseOutcome> s = parser.parse(bytes, "test.csv")) {
            return s.toList();
        }
    }

    private static List<WeatherObservation> accepted(List<ParseOutcome> outcomes) {
        return outcomes.stream().filter(o -> o instanceof ParseOutcome.Accepted<?>)
                .map(o -> (WeatherObservation) ((ParseOutcome.Accepted<?>) o).value()).toList();
    }

    private static List<ParseOutcome.Rejected> rejected(List<ParseOutcome> outcomes) {
        return outcomes.stream().filter(o -> o instanceof ParseOutcome.Rejected).map(o -> (ParseOutcome.Rejected) o).toList();
    }

    /** The bad line is rejected with {@code reason}, its raw bytes kept, and the good lines around it accepted. */
    private void assertOnlyMiddleRejected(String badLine, ReasonCode reason) {
        List<String> lines = bundledLines();
        List<ParseOutcome> outcomes = parse(lines.get(0), badLine, lines.get(2));
        assertThat(accepted(outcomes)).extracting(WeatherObservation::getEventTime).containsExactly(T0, T0_PLUS_2H);
        assertThat(rejected(outcomes)).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(reason);
            assertThat(r.sourceId()).isEqualTo("test.csv:2");
            assertThat(r.rawPayload()).isEqualTo(badLine.getBytes(CP1250));
            assertThat(r.contentType()).isEqualTo(ImgwSynopCsvParser.CONTENT_TYPE);
            assertThat(r.intendedTopic()).isEqualTo(Topics.WEATHER);
            assertThat(r.feed()).isEqualTo("imgw-synop-csv");
        });
    }

    // --- the real file ----------------------------------------------------------------------------

    @Test
    void bundledFileYields744ObservationsAllInJanuary2019() {
        List<ParseOutcome> outcomes = parse(bundledBytes());

        assertThat(rejected(outcomes)).isEmpty();
        List<WeatherObservation> obs = accepted(outcomes);
        assertThat(obs).hasSize(744).allSatisfy(o -> {
            ZonedDateTime t = o.getEventTime().atZone(ZoneOffset.UTC);
            assertThat(t.getYear()).isEqualTo(2019);
            assertThat(t.getMonthValue()).isEqualTo(1);
            assertThat(o.getStationId()).isEqualTo("350190566");
            assertThat(o.getFeed()).isEqualTo("imgw-synop-csv");
        });
        assertThat(obs).extracting(WeatherObservation::getEventTime).doesNotHaveDuplicates()
                .first().isEqualTo(T0);
        assertThat(obs.get(743).getEventTime()).isEqualTo(Instant.parse("2019-01-31T23:00:00Z"));
    }

    @Test
    void monthlyMeansEqualAPlainComputationOverTheFile() {
        // Expected values: the file decoded as Windows-1250 and split with a regular expression;
        // columns (1-based) from PROVENANCE.md: 30 temperature, 38 humidity, 42 station pressure,
        // 26 wind speed, 49/50 precipitation and its flag.
        double tempSum = 0, rhSum = 0, pSum = 0, windSum = 0, precipSum = 0;
        int precipCount = 0;
        List<String> lines = bundledLines();
        for (String line : lines) {
            List<String> f = fields(line);
            assertThat(f).hasSize(107);
            tempSum += Double.parseDouble(f.get(29));
            rhSum += Double.parseDouble(f.get(37));
            pSum += Double.parseDouble(f.get(41));
            windSum += Double.parseDouble(f.get(25));
            if (!f.get(49).equals("8")) {
                precipSum += Double.parseDouble(f.get(48));
                precipCount++;
            }
        }
        List<WeatherObservation> obs = accepted(parse(bundledBytes()));

        assertThat(obs.stream().mapToDouble(WeatherObservation::getAirTemperatureC).average().orElseThrow())
                .isCloseTo(tempSum / lines.size(), within(1e-9))
                .isCloseTo(-1.7699, within(1e-4)); // January 2019 at Balice: a little below zero
        assertThat(obs.stream().mapToDouble(WeatherObservation::getRelativeHumidityPct).average().orElseThrow())
                .isCloseTo(rhSum / lines.size(), within(1e-9));
        assertThat(obs.stream().mapToDouble(WeatherObservation::getPressureHpa).average().orElseThrow())
                .isCloseTo(pSum / lines.size(), within(1e-9));
        assertThat(obs.stream().mapToDouble(WeatherObservation::getWindSpeedMs).average().orElseThrow())
                .isCloseTo(windSum / lines.size(), within(1e-9));
        // Precipitation: only the main synop terms (00, 06, 12, 18 UTC) report the 6-h total.
        List<WeatherObservation> withPrecip = obs.stream().filter(o -> o.getPrecipitationMm() != null).toList();
        assertThat(withPrecip).hasSize(precipCount).hasSize(124)
                .allSatisfy(o -> assertThat(o.getEventTime().atZone(ZoneOffset.UTC).getHour() % 6).isZero());
        assertThat(withPrecip.stream().mapToDouble(WeatherObservation::getPrecipitationMm).sum())
                .isCloseTo(precipSum, within(1e-9));
    }

    @Test
    void firstRowMapsEveryField() {
        List<ParseOutcome> outcomes = parse(bundledLines().get(0), bundledLines().get(1));
        ParseOutcome.Accepted<?> a = (ParseOutcome.Accepted<?>) outcomes.get(0);
        WeatherObservation o = (WeatherObservation) a.value();

        // "350190566","KRAKÓW-BALICE","2019","01","01","00", ... 240 (dir), 3 (speed), .1 (temp),
        // 93 (RH), 999.6 (station pressure), .0 with flag 9 (no precipitation)
        assertThat(a.key()).isEqualTo("350190566");
        assertThat(a.topic()).isEqualTo(Topics.WEATHER);
        assertThat(a.eventId()).isEqualTo("imgw-synop-csv:350190566:" + T0.getEpochSecond()).isEqualTo(o.getEventId());
        assertThat(o.getSourceId()).isEqualTo("test.csv:1");
        assertThat(o.getEventTime()).isEqualTo(T0);
        assertThat(o.getAirTemperatureC()).isEqualTo(0.1);
        assertThat(o.getRelativeHumidityPct()).isEqualTo(93.0);
        assertThat(o.getWindSpeedMs()).isEqualTo(3.0);
        assertThat(o.getWindDirectionDeg()).isEqualTo(240.0);
        assertThat(o.getPressureHpa()).isEqualTo(999.6);
        assertThat(o.getPrecipitationMm()).isEqualTo(0.0);
        assertThat(o.getIngestedAt()).isEqualTo(GiosTestData.NOW);
        // 01 UTC is not a precipitation term: flag 8 = not measured
        assertThat(((WeatherObservation) ((ParseOutcome.Accepted<?>) outcomes.get(1)).value()).getPrecipitationMm()).isNull();
    }

    @Test
    void stationNameIsDecodedFromWindows1250() throws Exception {
        ImgwSynopRow row = ImgwSynopRow.decode(ImgwSynopRow.splitCsv(bundledLines().get(0)));
        assertThat(row.stationName()).isEqualTo("KRAKÓW-BALICE");
        assertThat(row.stationId()).isEqualTo("350190566");
    }

    @Test
    void valueFlaggedNotMeasuredIsNull() {
        List<String> f = new ArrayList<>(fields(bundledLines().get(1)));
        f.set(29, "");
        f.set(30, "8");
        f.set(37, "");
        f.set(38, "8");
        List<WeatherObservation> obs = accepted(parse(join(f)));
        assertThat(obs).singleElement().satisfies(o -> {
            assertThat(o.getAirTemperatureC()).isNull();
            assertThat(o.getRelativeHumidityPct()).isNull();
            assertThat(o.getPressureHpa()).isEqualTo(999.4);
        });
    }

    @Test
    void eventIdsAreStableAcrossSessions() {
        List<String> ids1 = accepted(parse(bundledBytes())).stream().map(WeatherObservation::getEventId).toList();
        List<String> ids2 = accepted(new ImgwSynopCsvFormat().newParser(context).parse(bundledBytes(), "other.csv").toList())
                .stream().map(WeatherObservation::getEventId).toList();
        assertThat(ids1).isEqualTo(ids2).doesNotHaveDuplicates();
    }

    // --- bad input --------------------------------------------------------------------------------

    @Test
    void malformedRowIsRejected() {
        assertOnlyMiddleRejected("\"350190566\",\"KRAKÓW-BALICE,\"2019\"", ReasonCode.MALFORMED);
    }

    @Test
    void wrongFieldCountIsRejected() {
        String line = bundledLines().get(1);
        assertOnlyMiddleRejected(line + ",\"extra\"", ReasonCode.MALFORMED);
        assertOnlyMiddleRejected(line.substring(0, line.lastIndexOf(',')), ReasonCode.MALFORMED);
    }

    @Test
    void nonNumericTemperatureIsRejected() {
        assertOnlyMiddleRejected(withField(1, 30, "abc"), ReasonCode.NOT_A_NUMBER);
        assertOnlyMiddleRejected(withField(1, 30, "NaN"), ReasonCode.NOT_A_NUMBER);
    }

    @Test
    void temperatureOutOfPhysicalRangeIsRejected() {
        assertOnlyMiddleRejected(withField(1, 30, "60.1"), ReasonCode.OUT_OF_RANGE);
        assertOnlyMiddleRejected(withField(1, 30, "-75"), ReasonCode.OUT_OF_RANGE);
    }

    @Test
    void humidityAbove100IsRejected() {
        assertOnlyMiddleRejected(withField(1, 38, "101"), ReasonCode.OUT_OF_RANGE);
    }

    @Test
    void negativeWindSpeedIsRejected() {
        assertOnlyMiddleRejected(withField(1, 26, "-1"), ReasonCode.OUT_OF_RANGE);
    }

    @Test
    void impossibleDateIsRejected() {
        assertOnlyMiddleRejected(withField(1, 5, "32"), ReasonCode.MALFORMED);
        assertOnlyMiddleRejected(withField(1, 6, "xx"), ReasonCode.MALFORMED);
    }

    @Test
    void unknownStatusFlagIsRejected() {
        assertOnlyMiddleRejected(withField(1, 31, "7"), ReasonCode.MALFORMED);
    }

    @Test
    void nonNumericStationCodeIsRejected() {
        assertOnlyMiddleRejected(withField(1, 1, "BALICE"), ReasonCode.MALFORMED);
    }

    @Test
    void duplicateRowIsRejected() {
        List<String> lines = bundledLines();
        List<ParseOutcome> outcomes = parse(lines.get(0), lines.get(1), lines.get(0));
        assertThat(accepted(outcomes)).hasSize(2);
        assertThat(rejected(outcomes)).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(ReasonCode.DUPLICATE);
            assertThat(r.sourceId()).isEqualTo("test.csv:3");
        });
    }

    @Test
    void timestampInFutureIsRejected() {
        assertOnlyMiddleRejected(withField(1, 3, "2027"), ReasonCode.IN_FUTURE);
    }

    @Test
    void emptyFileIsRejected() {
        assertThat(parse(new byte[0])).singleElement().satisfies(o ->
                assertThat(((ParseOutcome.Rejected) o).reason()).isEqualTo(ReasonCode.EMPTY_INPUT));
        assertThat(parse("\r\n  \r\n".getBytes(CP1250))).singleElement().satisfies(o ->
                assertThat(((ParseOutcome.Rejected) o).reason()).isEqualTo(ReasonCode.EMPTY_INPUT));
    }

    @Test
    void truncatedFileIsRejected() {
        List<String> lines = bundledLines();
        String cut = lines.get(1).substring(0, 200);
        List<ParseOutcome> outcomes = parse((lines.get(0) + "\r\n" + cut).getBytes(CP1250));
        assertThat(accepted(outcomes)).extracting(WeatherObservation::getEventTime).containsExactly(T0);
        assertThat(rejected(outcomes)).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(ReasonCode.TRUNCATED);
            assertThat(r.rawPayload()).isEqualTo(cut.getBytes(CP1250));
        });
        // a complete last row without its line break is fine
        assertThat(accepted(parse((lines.get(0) + "\r\n" + lines.get(1)).getBytes(CP1250))))
                .extracting(WeatherObservation::getEventTime).containsExactly(T0, T0_PLUS_1H);
    }

    // --- registration, replay, bundled copy -------------------------------------------------------

    @Test
    void isFoundByServiceLoader() {
        FeedFormats formats = FeedFormats.discover();
        assertThat(formats.get("imgw-synop-csv")).isInstanceOf(ImgwSynopCsvFormat.class);
        assertThat(formats.get("imgw-synop-csv").topic()).isEqualTo(Topics.WEATHER);
        assertThat(formats.names()).contains("gios-wide-csv", "imgw-synop-csv");
    }

    @Test
    void bundledReplayPublishesEveryHourInOrder() {
        List<ParseOutcome.Accepted<?>> got = new ArrayList<>();
        EventSink sink = new EventSink() {
            @Override
            public void accept(ParseOutcome.Accepted<?> event) {
                got.add(event);
            }

            @Override
            public void reject(ParseOutcome.Rejected rejection) {
                throw new AssertionError(rejection.toString());
            }

            @Override
            public void flush() {
            }
        };
        ReplayReport report = new FileReplayer(sink, context)
                .replay(new ImgwSynopCsvFormat(), List.of(BundledData.weatherCsv()), ReplaySpeed.MAX, null);

        assertThat(report.accepted()).isEqualTo(744);
        assertThat(report.rejected()).isZero();
        assertThat(report.firstEventTime()).isEqualTo(T0);
        assertThat(report.lastEventTime()).isEqualTo(Instant.parse("2019-01-31T23:00:00Z"));
        assertThat(got).extracting(ParseOutcome.Accepted::eventTime).isSorted();
        assertThat(got.get(0).sourceId()).isEqualTo(FILE + ":1");
    }

    @Test
    void bundledCopyIsUnchangedFromTheSharedBundle() throws IOException {
        Path shared = Path.of("../../../shared/data/weather-imgw-krakow");
        assumeTrue(Files.isDirectory(shared), "shared data bundle not present");
        assertThat(bundledBytes()).isEqualTo(Files.readAllBytes(shared.resolve(FILE)));
        assertThat(BundledData.provenance(BundledData.WEATHER_PROVENANCE))
                .startsWith("> Copied unchanged from the shared data bundle")
                .endsWith(Files.readString(shared.resolve("PROVENANCE.md")));
    }
}
