package pl.krakow.pulse.ingest.safety;

import pl.krakow.pulse.ingest.csv.Csv;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import pl.krakow.pulse.ingest.LineParse;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReasonCode;
import pl.krakow.pulse.ingest.TextLines;
import pl.krakow.pulse.ingest.Violation;

/**
 * A UTF-8 CSV incident file with a header line and one record per line: the header is checked
 * against the format's columns, every following non-blank line is decoded by {@link #decode} and
 * validated by the {@link IncidentFactory}. A line the format cannot read is one {@link ReasonCode#MALFORMED}
 * rejection (raw line bytes, source id {@code <file>:<line>}); an input without records is one
 * {@link ReasonCode#EMPTY_INPUT}; a wrong header rejects the header line and every record after it
 * (reading columns by position under a foreign header would mislabel every value).
 * Outcomes come in file order. One instance is one session; not thread-safe.
 */
abstract class CsvIncidentParser implements FeedParser {

    static final String CONTENT_TYPE = "text/csv; charset=utf-8";

    /** A record that cannot become a candidate incident, with its reason. */
    static final class RowException extends Exception {
        final Violation violation;

        RowException(ReasonCode reason, String message) {
            super(message, null, false, false);
            this.violation = new Violation(reason, message);
        }
    }

    final IncidentFactory factory;
    private final List<String> header;

    CsvIncidentParser(IncidentFactory factory, List<String> header) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.header = List.copyOf(header);
    }

    /** The candidate of one record (fields already split); null means "merged into the previous record". */
    abstract IncidentFactory.Candidate decode(List<String> fields) throws RowException;

    @Override
    public Stream<ParseOutcome> parse(InputStream in, String sourceName) {
        return new InputParse(new TextLines(in), sourceName).stream();
    }

    private final class InputParse extends LineParse {
        private boolean sawHeader;
        private String headerProblem;
        private boolean sawRow;

        InputParse(TextLines lines, String sourceName) {
            super(lines, sourceName);
        }

        @Override
        protected void onEnd() {
            if (!sawRow) {
                emit(factory.reject(ReasonCode.EMPTY_INPUT,
                        sawHeader ? "the input holds only a header" : "the input is empty", new byte[0], sourceName));
            }
        }

        @Override
        protected void onLine(TextLines.Line line) {
            String where = where(line);
            String text = new String(line.bytes(), StandardCharsets.UTF_8);
            if (!sawHeader) {
                sawHeader = true;
                String h = text.startsWith("\uFEFF") ? text.substring(1) : text;
                if (!matchesHeader(h)) {
                    headerProblem = "the header is not the " + factory.feed() + " header " + header;
                    sawRow = true;
                    emit(factory.reject(ReasonCode.MALFORMED, headerProblem, line.bytes(), where));
                }
                return;
            }
            sawRow = true;
            if (headerProblem != null) {
                emit(factory.reject(ReasonCode.MALFORMED, headerProblem, line.bytes(), where));
                return;
            }
            ParseOutcome outcome = readRow(text, line, where);
            if (outcome != null) {
                emit(outcome);
            }
        }

        private ParseOutcome readRow(String text, TextLines.Line line, String where) {
            IncidentFactory.Candidate candidate;
            try {
                List<String> fields;
                try {
                    fields = Csv.fields(text, ',');
                } catch (IllegalArgumentException e) {
                    throw new RowException(line.terminated() ? ReasonCode.MALFORMED : ReasonCode.TRUNCATED, e.getMessage());
                }
                if (fields.size() != header.size()) {
                    throw new RowException(line.terminated() ? ReasonCode.MALFORMED : ReasonCode.TRUNCATED,
                            fields.size() + " fields, the format has " + header.size());
                }
                candidate = decode(fields);
            } catch (RowException e) {
                return factory.reject(e.violation.reason(), e.violation.message(), line.bytes(), where);
            }
            return candidate == null ? null : factory.build(candidate, line.bytes(), where);
        }

        @Override
        protected ParseOutcome.Rejected reject(ReasonCode reason, String message, byte[] raw, String where) {
            return factory.reject(reason, message, raw, where);
        }

        private boolean matchesHeader(String h) {
            try {
                List<String> got = Csv.fields(h, ',').stream().map(String::trim).toList();
                return got.equals(header);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
    }

    static int count(String value, String column) throws RowException {
        String v = value.trim();
        if (v.isEmpty()) {
            return 0;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new RowException(ReasonCode.NOT_A_NUMBER, column + " is not a whole number: '" + value + "'");
        }
    }
}
