package pl.krakow.pulse.ingest.environment;

import pl.krakow.pulse.ingest.csv.Csv;
import pl.krakow.pulse.ingest.csv.CsvFormatException;
import java.io.InputStream;
import java.text.Normalizer;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.ingest.LineParse;
import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReasonCode;
import pl.krakow.pulse.ingest.TextLines;
import pl.krakow.pulse.ingest.Violation;
import pl.krakow.pulse.ingest.environment.gios.GiosApiPoller;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * Parses GIOŚ yearly archive tables ({@code gios-archive-csv}: the "Statystyki / dane pomiarowe" files such as
 * {@code 2017_PM10_1g}, saved as CSV): one column per station, header rows first, then one row per hour.
 * <pre>
 * Nr;1;2
 * Kod stacji;MpKrakAlKras;MpKrakBujaka
 * Wskaźnik;PM10;PM10
 * Czas uśredniania;1g;1g
 * Jednostka;ug/m3;ug/m3
 * Kod stanowiska;MpKrakAlKras-PM10-1g;MpKrakBujaka-PM10-1g
 * 2017-01-01 01:00:00;213,733;392,428
 * </pre>
 * <ul>
 *   <li><b>Header rows</b> are recognised by their first cell (case- and accent-insensitive): {@code Kod stacji}
 *       (required), {@code Wskaźnik} (else taken from the middle part of {@code Kod stanowiska}),
 *       {@code Czas uśredniania} ({@code 1g} = 3600 s, {@code 24g} = 86 400 s; default 1g), {@code Jednostka}
 *       (µg/m³ spellings, or mg/m³ converted ×1000; default µg/m³), {@code Kod stanowiska}, {@code Nr} (ignored).
 *       The first row whose first cell starts with a digit (a date) ends the header.</li>
 *   <li><b>Separator</b>: {@code ;} if the first line has one, else {@code ,}; fields may be quoted as in RFC 4180
 *       ({@link Csv}; a line breaking that rule is {@code MALFORMED}), blanks around a cell are ignored.
 *       <b>Decimal comma</b> or point (with {@code ,} as separator a decimal comma must be quoted).</li>
 *   <li><b>Time</b>: {@code yyyy-MM-dd HH:mm[:ss]} = Europe/Warsaw wall time of the END of the averaging
 *       period (GIOŚ's convention; an ambiguous autumn hour takes the earlier offset).</li>
 *   <li>UTF-8 (a BOM is fine). Files saved as Windows-1250 must be converted first.</li>
 * </ul>
 * One {@link AirQualityMeasurement} per non-empty cell, event id {@code gios-archive-csv:<station>:<pollutant>:<epoch>},
 * source id {@code <file>:<line>}, {@code validated=true} (the archive holds GIOŚ's verified values). An empty cell
 * is a missing hour (not a rejection). Rejections, with the raw line: per row {@code MALFORMED} (field count,
 * date, missing {@code Kod stacji} header), {@code TRUNCATED}, {@code IN_FUTURE}/{@code TOO_OLD}; per cell
 * {@code NOT_A_NUMBER}, {@code OUT_OF_RANGE}, {@code WRONG_UNIT} (unit), {@code MALFORMED} (unknown pollutant or
 * averaging time), {@code UNKNOWN_STATION}, {@code DUPLICATE}; per input {@code EMPTY_INPUT}. One instance is one
 * session; not thread-safe.
 */
public final class GiosArchiveCsvParser implements FeedParser {

    public static final String FEED = "gios-archive-csv";
    public static final String CONTENT_TYPE = "text/csv";
    private static final ZoneId WARSAW = ZoneId.of("Europe/Warsaw");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm[:ss]");

    private final EventValidator validator;
    private final Clock clock;

    public GiosArchiveCsvParser(EventValidator validator, Clock clock) {
        this.validator = Objects.requireNonNull(validator, "validator");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Stream<ParseOutcome> parse(InputStream in, String sourceName) {
        return new InputParse(new TextLines(in), sourceName).stream();
    }

    /** What a column holds; {@code problem} (reason + message) is set when its cells cannot be read. */
    private record Column(String station, Pollutant pollutant, int periodSeconds, double factor,
                          ReasonCode problemReason, String problem) {
    }

    private final class InputParse extends LineParse {
        private final Map<String, String[]> headerRows = new HashMap<>();
        private char separator;
        private List<Column> columns;
        private int fields;
        private String headerProblem;
        private TextLines.Line firstLine;
        private long dataRows;

        InputParse(TextLines lines, String sourceName) {
            super(lines, sourceName);
        }

        @Override
        protected void onEnd() {
            if (firstLine == null) {
                emit(reject(ReasonCode.EMPTY_INPUT, noLinesMessage(), new byte[0], sourceName));
            } else if (dataRows == 0) {
                emit(reject(ReasonCode.EMPTY_INPUT, "the input holds only header rows, no data rows", firstLine.bytes(), sourceName));
            }
        }

        @Override
        protected void onLine(TextLines.Line line) {
            if (firstLine == null) {
                firstLine = line;
                separator = line.text().indexOf(';') >= 0 ? ';' : ',';
            }
            List<String> f;
            try {
                f = Csv.fields(line.text(), separator).stream().map(String::trim).toList();
            } catch (CsvFormatException e) {
                emit(reject(line.terminated() ? ReasonCode.MALFORMED : ReasonCode.TRUNCATED, e.getMessage(), line.bytes(), where(line)));
                return;
            }
            if (columns == null) {
                // A first cell starting with a digit is a timestamp (maybe a broken one, rejected as a row): the data begin.
                if (f.get(0).isEmpty() || !Character.isDigit(f.get(0).charAt(0))) {
                    headerRows.put(fold(f.get(0)), f.toArray(new String[0]));
                    return;
                }
                buildColumns(f.size());
            }
            dataRows++;
            readRow(line, f);
        }

        private void buildColumns(int rowFields) {
            String[] stations = headerRows.get("kod stacji");
            fields = stations != null ? stations.length : rowFields;
            columns = new ArrayList<>();
            if (stations == null) {
                headerProblem = "no 'Kod stacji' header row before the first data row";
                return;
            }
            String[] params = headerRows.get("wskaznik");
            String[] periods = headerRows.get("czas usredniania");
            String[] units = headerRows.get("jednostka");
            String[] positions = headerRows.get("kod stanowiska");
            for (int i = 1; i < fields; i++) {
                String station = stations[i];
                String param = cell(params, i);
                if (param == null && cell(positions, i) != null) {
                    String[] parts = cell(positions, i).split("-");
                    param = parts.length >= 3 ? parts[parts.length - 2] : null;
                }
                Optional<Pollutant> pollutant = GiosApiPoller.pollutantOf(param);
                String period = cell(periods, i) == null ? "1g" : cell(periods, i).toLowerCase(Locale.ROOT);
                int seconds = period.equals("1g") ? 3600 : period.equals("24g") ? 86_400 : -1;
                String unit = cell(units, i) == null ? "ug/m3" : cell(units, i);
                double factor = unitFactor(unit);
                if (station == null || station.isEmpty()) {
                    columns.add(new Column(null, null, 0, 0, ReasonCode.UNKNOWN_STATION, "column " + (i + 1) + " has no station code"));
                } else if (pollutant.isEmpty()) {
                    columns.add(new Column(station, null, 0, 0, ReasonCode.MALFORMED,
                            "column " + station + ": parameter '" + param + "' is no pollutant of AirQualityMeasurement"));
                } else if (seconds < 0) {
                    columns.add(new Column(station, pollutant.get(), 0, 0, ReasonCode.MALFORMED,
                            "column " + station + ": averaging time '" + period + "' is neither 1g nor 24g"));
                } else if (factor < 0) {
                    columns.add(new Column(station, pollutant.get(), seconds, 0, ReasonCode.WRONG_UNIT,
                            "column " + station + ": unit '" + unit + "' is not µg/m³ or mg/m³"));
                } else {
                    columns.add(new Column(station, pollutant.get(), seconds, factor, null, null));
                }
            }
        }

        private void readRow(TextLines.Line line, List<String> f) {
            String where = where(line);
            if (headerProblem != null) {
                emit(reject(ReasonCode.MALFORMED, "row cannot be read: " + headerProblem, line.bytes(), where));
                return;
            }
            if (f.size() != fields) {
                ReasonCode r = !line.terminated() && f.size() < fields ? ReasonCode.TRUNCATED : ReasonCode.MALFORMED;
                emit(reject(r, "row has " + f.size() + " fields, the header has " + fields, line.bytes(), where));
                return;
            }
            Instant eventTime = hourEnd(f.get(0));
            if (eventTime == null) {
                emit(reject(ReasonCode.MALFORMED, "'" + f.get(0) + "' is not a date yyyy-MM-dd HH:mm[:ss]", line.bytes(), where));
                return;
            }
            Optional<Violation> tv = validator.checkTime(eventTime);
            if (tv.isPresent()) {
                emit(reject(tv.get().reason(), tv.get().message(), line.bytes(), where));
                return;
            }
            Instant ingestedAt = clock.instant();
            for (int i = 1; i < fields; i++) {
                String cell = f.get(i).trim();
                if (cell.isEmpty()) {
                    continue;
                }
                Column c = columns.get(i - 1);
                if (c.problem() != null) {
                    emit(reject(c.problemReason(), c.problem() + ", value '" + cell + "'", line.bytes(), where));
                    continue;
                }
                String decimal = cell.replace(',', '.');
                if (!GiosWideCsvParser.isDecimal(decimal)) {
                    emit(reject(ReasonCode.NOT_A_NUMBER, "column " + c.station() + ": '" + cell + "' is not a number",
                            line.bytes(), where));
                    continue;
                }
                double value = Double.parseDouble(decimal) * c.factor();
                String eventId = FEED + ':' + c.station() + ':' + c.pollutant().name() + ':' + eventTime.getEpochSecond()
                        + (c.periodSeconds() == 3600 ? "" : ":" + c.periodSeconds());
                Optional<Violation> v = validator.checkConcentration(c.pollutant(), value)
                        .or(() -> validator.checkStation(c.station()))
                        .or(() -> validator.checkDuplicate(eventId));
                if (v.isPresent()) {
                    emit(reject(v.get().reason(), "column " + c.station() + ": " + v.get().message(), line.bytes(), where));
                    continue;
                }
                AirQualityMeasurement m = new AirQualityMeasurement(eventId, eventTime, FEED, where, c.station(), c.pollutant(),
                        value, c.periodSeconds(), true, ingestedAt);
                emit(new ParseOutcome.Accepted<>(FEED, Topics.AIR_QUALITY, c.station(), m, eventTime, eventId, where));
            }
        }

        @Override
        protected ParseOutcome.Rejected reject(ReasonCode reason, String message, byte[] raw, String where) {
            return new ParseOutcome.Rejected(FEED, reason, message, raw, where, CONTENT_TYPE, Topics.AIR_QUALITY, clock.instant());
        }
    }

    private static String cell(String[] row, int i) {
        if (row == null || i >= row.length) {
            return null;
        }
        String s = row[i].trim();
        return s.isEmpty() ? null : s;
    }

    /** µg/m³ (any spelling) → 1, mg/m³ → 1000, anything else → −1. */
    static double unitFactor(String unit) {
        String u = unit.toLowerCase(Locale.ROOT).replace(" ", "").replace('³', '3').replace('μ', 'u').replace('µ', 'u');
        return switch (u) {
            case "ug/m3" -> 1;
            case "mg/m3" -> 1000;
            default -> -1;
        };
    }

    static Instant hourEnd(String text) {
        try {
            LocalDateTime local = LocalDateTime.parse(text.trim().replace('T', ' '), DATE);
            return ZonedDateTime.ofLocal(local, WARSAW, null).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String fold(String s) {
        return Normalizer.normalize(s.trim(), Normalizer.Form.NFD).replaceAll("\\p{M}", "").replace('ł', 'l')
                .toLowerCase(Locale.ROOT);
    }
}
