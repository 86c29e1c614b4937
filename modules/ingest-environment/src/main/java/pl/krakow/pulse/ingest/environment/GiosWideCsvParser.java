package pl.krakow.pulse.ingest.environment;

import pl.krakow.pulse.ingest.csv.Csv;
import pl.krakow.pulse.ingest.csv.CsvFormatException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.InputStream;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.ingest.LineParse;
import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReasonCode;
import pl.krakow.pulse.ingest.TextLines;
import pl.krakow.pulse.ingest.Violation;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * Parses the "wide" GIOŚ/WIOŚ hourly CSV ({@code gios-wide-csv}), e.g. the bundled
 * {@code krakow_pm_hourly_2017Q1.csv}:
 * <pre>
 * ,epoch,pm10_wadow,pm10_piastow,...,pm25_kurdwanow
 * 8786,1483228800,,141.186,...,360.374
 * </pre>
 * A header, then one row per hour: an unnamed row index (ignored), {@code epoch} = POSIX seconds
 * (UTC) of the <em>end</em> of the averaging hour (GIOŚ stamps an hourly mean with the end of its
 * hour), then one column {@code <pollutant>_<station>} per series, in µg/m³, decimal point, comma
 * separated; written without quotes, but quoted cells are read as RFC 4180 ({@link Csv}: {@code "a,b"} is one
 * cell, {@code ""} a quote, a line breaking the rule is {@code MALFORMED}); blanks around cells are ignored.
 *
 * <p>Each non-empty cell becomes one {@link AirQualityMeasurement} (key = station code, hourly mean,
 * {@code validated=false}: the archive holds unverified near-real-time values), with the stable event id
 * {@code gios-wide-csv:<station>:<pollutant>:<epoch>} and source id {@code <file>:<line>} (the header is line 1).
 * An <b>empty cell</b> is a missing hour: not a rejection, but counted in {@code pulse.ingest.missing.values}
 * (tags feed, station, pollutant).
 *
 * <p>Rejections carry the raw line:
 * <ul>
 *   <li>per row — {@link ReasonCode#MALFORMED} (wrong number of fields, epoch not an integer, no usable header),
 *       {@link ReasonCode#TRUNCATED} (the last line lacks its line break and has too few fields: the file was cut),
 *       {@link ReasonCode#IN_FUTURE} / {@link ReasonCode#TOO_OLD} (the row's hour fails time sanity);</li>
 *   <li>per cell — {@link ReasonCode#NOT_A_NUMBER} (text, NaN, infinity), {@link ReasonCode#OUT_OF_RANGE},
 *       {@link ReasonCode#UNKNOWN_STATION} (the column names no known station or pollutant, or the
 *       station is not in the known list), {@link ReasonCode#DUPLICATE} (same station, pollutant and hour
 *       already accepted in this session);</li>
 *   <li>per input — {@link ReasonCode#EMPTY_INPUT} (zero bytes, or a header without data rows).</li>
 * </ul>
 * Blank lines are skipped. A last line without a line break but with every field is accepted (many
 * tools omit the final newline); a value cut inside that line cannot be told from a shorter value.
 *
 * <p>Outcomes come in file order (the bundled file is not chronological: replays sort). One instance
 * is one session (see {@link FeedParser}); not thread-safe.
 */
public final class GiosWideCsvParser implements FeedParser {

    public static final String FEED = "gios-wide-csv";
    public static final String CONTENT_TYPE = "text/csv";
    public static final String MISSING_VALUES_METRIC = "pulse.ingest.missing.values";
    /** GIOŚ hourly means. */
    public static final int AVERAGING_PERIOD_SECONDS = 3600;

    private final EventValidator validator;
    private final Clock clock;
    private final MeterRegistry meters;
    private final GiosStationColumns columns;

    /** With the bundled column → station table. */
    public GiosWideCsvParser(EventValidator validator, Clock clock, MeterRegistry meters) {
        this(validator, clock, meters, GiosStationColumns.bundled());
    }

    public GiosWideCsvParser(EventValidator validator, Clock clock, MeterRegistry meters, GiosStationColumns columns) {
        this.validator = Objects.requireNonNull(validator, "validator");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.columns = Objects.requireNonNull(columns, "columns");
    }

    @Override
    public Stream<ParseOutcome> parse(InputStream in, String sourceName) {
        return new InputParse(new TextLines(in), sourceName).stream();
    }

    /** A value column of the header. */
    private record ValueColumn(int index, GiosStationColumns.Column meaning, Counter missing) {
    }

    /** The interpreted header; {@code problem} is set when rows cannot be read with it. */
    private record Header(int fields, int epochIndex, List<ValueColumn> values, String problem) {
    }

    /** Parsing of one input, pulled record by record by the stream. */
    private final class InputParse extends LineParse {
        private TextLines.Line headerLine;
        private Header header;
        private long dataRows;

        InputParse(TextLines lines, String sourceName) {
            super(lines, sourceName);
        }

        @Override
        protected void onEnd() {
            if (header == null) {
                emit(reject(ReasonCode.EMPTY_INPUT, noLinesMessage(), new byte[0], sourceName));
            } else if (dataRows == 0) {
                emit(reject(ReasonCode.EMPTY_INPUT, "the input holds only a header, no data rows", headerLine.bytes(), sourceName));
            }
        }

        @Override
        protected void onLine(TextLines.Line line) {
            if (header == null) {
                headerLine = line;
                header = readHeader(line);
                if (header.problem() != null) {
                    emit(reject(ReasonCode.MALFORMED, header.problem(), line.bytes(), where(line)));
                }
                return;
            }
            dataRows++;
            readRow(line);
        }

        private Header readHeader(TextLines.Line line) {
            String[] names;
            try {
                names = split(line.text());
            } catch (CsvFormatException e) {
                return new Header(0, -1, List.of(), "header is not CSV (" + e.getMessage() + "): " + abbreviate(line.text()));
            }
            int epochIndex = -1;
            for (int i = 0; i < names.length; i++) {
                if (names[i].equalsIgnoreCase("epoch")) {
                    epochIndex = i;
                }
            }
            if (epochIndex < 0) {
                return new Header(names.length, -1, List.of(), "not a " + FEED + " header (no 'epoch' column): "
                        + abbreviate(line.text()));
            }
            List<ValueColumn> values = new ArrayList<>();
            for (int i = 0; i < names.length; i++) {
                if (i == epochIndex || (i == 0 && isRowIndexName(names[0]))) {
                    continue;
                }
                GiosStationColumns.Column meaning = columns.column(names[i]);
                Counter missing = Counter.builder(MISSING_VALUES_METRIC)
                        .description("Empty cells (missing hours) in ingested tables; not rejections")
                        .tag("feed", FEED)
                        .tag("station", meaning.stationCode() != null ? meaning.stationCode() : "unknown")
                        .tag("pollutant", meaning.pollutant() != null ? meaning.pollutant().name() : "unknown")
                        .register(meters);
                values.add(new ValueColumn(i, meaning, missing));
            }
            return new Header(names.length, epochIndex, List.copyOf(values), null);
        }

        private void readRow(TextLines.Line line) {
            String where = where(line);
            if (header.problem() != null) {
                emit(reject(ReasonCode.MALFORMED, "row cannot be read: " + header.problem(), line.bytes(), where));
                return;
            }
            String[] f;
            try {
                f = split(line.text());
            } catch (CsvFormatException e) {
                emit(reject(line.terminated() ? ReasonCode.MALFORMED : ReasonCode.TRUNCATED, e.getMessage(), line.bytes(), where));
                return;
            }
            if (f.length != header.fields()) {
                if (!line.terminated() && f.length < header.fields()) {
                    emit(reject(ReasonCode.TRUNCATED, "the input ends inside this row: " + f.length + " of "
                            + header.fields() + " fields and no line break", line.bytes(), where));
                } else {
                    emit(reject(ReasonCode.MALFORMED, "row has " + f.length + " fields, the header has "
                            + header.fields(), line.bytes(), where));
                }
                return;
            }
            String epochText = f[header.epochIndex()];
            Instant eventTime = parseEpoch(epochText);
            if (eventTime == null) {
                emit(reject(ReasonCode.MALFORMED, "epoch '" + epochText + "' is not POSIX seconds",
                        line.bytes(), where));
                return;
            }
            Optional<Violation> timeViolation = validator.checkTime(eventTime);
            if (timeViolation.isPresent()) {
                emit(reject(timeViolation.get().reason(), timeViolation.get().message(), line.bytes(), where));
                return;
            }
            Instant ingestedAt = clock.instant();
            long epoch = eventTime.getEpochSecond();
            for (ValueColumn col : header.values()) {
                String cell = f[col.index()];
                if (cell.isEmpty()) {
                    col.missing().increment();
                    continue;
                }
                GiosStationColumns.Column c = col.meaning();
                if (!c.known()) {
                    emit(reject(ReasonCode.UNKNOWN_STATION, "column '" + c.name() + "' names no known "
                            + (c.pollutant() == null ? "pollutant" : "station") + " (expected <pollutant>_<station> with a station of "
                            + GiosStationColumns.RESOURCE + "), value '" + cell + "'", line.bytes(), where));
                    continue;
                }
                if (!isDecimal(cell)) {
                    emit(reject(ReasonCode.NOT_A_NUMBER, "column '" + c.name() + "': '" + cell + "' is not a number",
                            line.bytes(), where));
                    continue;
                }
                double value = Double.parseDouble(cell);
                String eventId = FEED + ':' + c.stationCode() + ':' + c.pollutant().name() + ':' + epoch;
                Optional<Violation> v = validator.checkConcentration(c.pollutant(), value);
                if (v.isEmpty()) {
                    v = validator.checkStation(c.stationCode());
                }
                if (v.isEmpty()) {
                    v = validator.checkDuplicate(eventId);
                }
                if (v.isPresent()) {
                    emit(reject(v.get().reason(), "column '" + c.name() + "': " + v.get().message(), line.bytes(), where));
                    continue;
                }
                AirQualityMeasurement m = new AirQualityMeasurement(eventId, eventTime, FEED, where, c.stationCode(),
                        c.pollutant(), value, AVERAGING_PERIOD_SECONDS, false, ingestedAt);
                emit(new ParseOutcome.Accepted<>(FEED, Topics.AIR_QUALITY, c.stationCode(), m, eventTime, eventId, where));
            }
        }

        @Override
        protected ParseOutcome.Rejected reject(ReasonCode reason, String message, byte[] raw, String where) {
            return new ParseOutcome.Rejected(FEED, reason, message, raw, where, CONTENT_TYPE, Topics.AIR_QUALITY, clock.instant());
        }
    }

    /** The comma-separated fields of a line ({@link Csv} quoting), each trimmed of blanks. */
    static String[] split(String line) {
        return Csv.fields(line, ',').stream().map(String::trim).toArray(String[]::new);
    }

    private static boolean isRowIndexName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.isEmpty() || n.equals("index") || n.startsWith("unnamed");
    }

    /**
     * A plain decimal number: optional sign, digits with an optional fraction, optional exponent.
     * Stricter than {@link Double#parseDouble}, which also takes "NaN", "Infinity", hex and a
     * trailing 'd' or 'f' — none of which is a measurement.
     */
    static boolean isDecimal(String s) {
        int i = 0;
        int n = s.length();
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int digits = 0;
        while (i < n && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
            i++;
            digits++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int expDigits = 0;
            while (i < n && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
                i++;
                expDigits++;
            }
            if (expDigits == 0) {
                return false;
            }
        }
        return i == n;
    }

    /** POSIX seconds as an integer (pandas may write {@code 1483228800.0}); null when it is not one. */
    static Instant parseEpoch(String text) {
        try {
            long seconds;
            if (text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0) {
                seconds = Long.parseLong(text);
            } else {
                if (!isDecimal(text)) {
                    return null;
                }
                double d = Double.parseDouble(text);
                if (d != Math.rint(d) || Math.abs(d) > 1e15) {
                    return null;
                }
                seconds = (long) d;
            }
            return Instant.ofEpochSecond(seconds);
        } catch (NumberFormatException | DateTimeException e) {
            return null;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }
}
