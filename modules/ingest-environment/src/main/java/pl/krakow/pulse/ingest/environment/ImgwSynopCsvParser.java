package pl.krakow.pulse.ingest.environment;

import java.io.InputStream;
import java.nio.charset.Charset;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import pl.krakow.pulse.events.environment.WeatherObservation;
import pl.krakow.pulse.ingest.LineParse;
import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReasonCode;
import pl.krakow.pulse.ingest.TextLines;
import pl.krakow.pulse.ingest.Violation;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * Parses IMGW-PIB hourly synop tables ({@code imgw-synop-csv}), e.g. the bundled
 * {@code s_t_01_2019_krakow_balice.csv}: no header, Windows-1250, comma separated with {@code "}
 * quoting, 107 fields per row, one row per station and synop hour (UTC). Field meanings and the
 * status-flag rules are in {@link ImgwSynopRow}.
 *
 * <p>Each row becomes one {@link WeatherObservation} (key = IMGW station code) with the stable event
 * id {@code imgw-synop-csv:<station>:<epoch seconds>} and source id {@code <file>:<line>}; quantities
 * that were not measured are null. The station name has no field in the schema (it is kept in
 * {@link ImgwSynopRow#stationName()}). Any IMGW station code is accepted: the feed has no station list.
 *
 * <p>Rejections carry the raw line bytes (still Windows-1250, content type
 * {@value #CONTENT_TYPE}), one per row: {@link ReasonCode#MALFORMED} (quoting, field count, station
 * code, date/time, unknown status flag), {@link ReasonCode#TRUNCATED} (last line without line break
 * and too few fields), {@link ReasonCode#NOT_A_NUMBER}, {@link ReasonCode#OUT_OF_RANGE} (e.g. temperature
 * outside −60..+60 °C, humidity outside 0..100 %), {@link ReasonCode#IN_FUTURE} / {@link ReasonCode#TOO_OLD},
 * {@link ReasonCode#DUPLICATE} (same station and hour already accepted in this session); and
 * {@link ReasonCode#EMPTY_INPUT} for an input without rows. Blank lines are skipped.
 *
 * <p>Outcomes come in file order. One instance is one session (see {@link FeedParser}); not thread-safe.
 */
public final class ImgwSynopCsvParser implements FeedParser {

    public static final String FEED = "imgw-synop-csv";
    public static final String CONTENT_TYPE = "text/csv; charset=windows-1250";
    public static final Charset CHARSET = Charset.forName("windows-1250");

    private final EventValidator validator;
    private final Clock clock;

    public ImgwSynopCsvParser(EventValidator validator, Clock clock) {
        this.validator = Objects.requireNonNull(validator, "validator");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Stream<ParseOutcome> parse(InputStream in, String sourceName) {
        return new InputParse(new TextLines(in), sourceName).stream();
    }

    /** Parsing of one input, pulled line by line by the stream. */
    private final class InputParse extends LineParse {
        private boolean sawRow;

        InputParse(TextLines lines, String sourceName) {
            super(lines, sourceName);
        }

        @Override
        protected void onEnd() {
            if (!sawRow) {
                emit(reject(ReasonCode.EMPTY_INPUT, noLinesMessage(), new byte[0], sourceName));
            }
        }

        @Override
        protected void onLine(TextLines.Line line) {
            sawRow = true;
            emit(readRow(line));
        }

        private ParseOutcome readRow(TextLines.Line line) {
            String where = where(line);
            String text = new String(line.bytes(), CHARSET);
            ImgwSynopRow row;
            try {
                List<String> fields = ImgwSynopRow.splitCsv(text);
                if (!line.terminated() && fields.size() < ImgwSynopRow.FIELDS) {
                    return reject(ReasonCode.TRUNCATED, "the input ends inside this row: " + fields.size() + " of "
                            + ImgwSynopRow.FIELDS + " fields and no line break", line.bytes(), where);
                }
                row = ImgwSynopRow.decode(fields);
            } catch (ImgwSynopRow.RowException e) {
                if (!line.terminated() && e.violation().reason() == ReasonCode.MALFORMED && text.chars().filter(c -> c == '"').count() % 2 == 1) {
                    return reject(ReasonCode.TRUNCATED, "the input ends inside a quoted field of this row", line.bytes(), where);
                }
                return reject(e.violation().reason(), e.violation().message(), line.bytes(), where);
            }
            String eventId = FEED + ':' + row.stationId() + ':' + row.observedAt().getEpochSecond();
            Optional<Violation> v = validator.checkTime(row.observedAt());
            if (v.isEmpty()) {
                v = validator.checkDuplicate(eventId);
            }
            if (v.isPresent()) {
                return reject(v.get().reason(), v.get().message(), line.bytes(), where);
            }
            WeatherObservation obs = toAvro(row, eventId, where, clock.instant());
            return new ParseOutcome.Accepted<>(FEED, Topics.WEATHER, row.stationId(), obs, row.observedAt(), eventId, where);
        }

        @Override
        protected ParseOutcome.Rejected reject(ReasonCode reason, String message, byte[] raw, String where) {
            return new ParseOutcome.Rejected(FEED, reason, message, raw, where, CONTENT_TYPE, Topics.WEATHER, clock.instant());
        }
    }

    static WeatherObservation toAvro(ImgwSynopRow row, String eventId, String sourceId, Instant ingestedAt) {
        return new WeatherObservation(eventId, row.observedAt(), FEED, sourceId, row.stationId(), row.airTemperatureC(),
                row.relativeHumidityPct(), row.windSpeedMs(), row.windDirectionDeg(), row.pressureHpa(),
                row.precipitationMm(), ingestedAt);
    }
}
