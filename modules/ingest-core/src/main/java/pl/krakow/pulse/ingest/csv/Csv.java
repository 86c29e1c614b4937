package pl.krakow.pulse.ingest.csv;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one CSV reader of every feed, with one quoting rule, RFC 4180: a field is either unquoted (and
 * then holds no {@code "}) or wholly enclosed in {@code "}, where {@code ""} stands for one quote and the
 * separator and line breaks are plain text; the closing quote is followed by the separator or the end
 * of the record. Anything else ({@code ab"c}, {@code "ab"c}, an unclosed quote) is a
 * {@link CsvFormatException}, never silently re-read. Fields are returned exactly as written: blanks are
 * kept, so a parser that tolerates padded cells trims them itself.
 *
 * <p>Two shapes of input: {@link #fields(String, char)} splits one line of the line-oriented feed parsers
 * (which need the byte offsets and the raw bytes of each record for rejections, so they read lines with
 * {@code TextLines}; their records never span lines). {@link #rows(Reader)} and {@link #rowsByHeader(Reader)}
 * read whole reference files (GTFS static, station lists) through Jackson CSV, whose parser follows the same
 * rule and also takes quoted line breaks.
 */
public final class Csv {

    private static final CsvMapper ARRAYS = new CsvMapper()
            .enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES);
    private static final CsvMapper MAPS = new CsvMapper();

    private Csv() {
    }

    /**
     * The fields of one record on one line.
     *
     * @throws CsvFormatException on a quote that does not follow the rule above, naming the field (1-based)
     */
    public static List<String> fields(String line, char separator) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        int n = line.length();
        while (true) {
            field.setLength(0);
            if (i < n && line.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= n) {
                        throw new CsvFormatException("unterminated quoted field " + (out.size() + 1));
                    }
                    char c = line.charAt(i++);
                    if (c != '"') {
                        field.append(c);
                    } else if (i < n && line.charAt(i) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        break;
                    }
                }
                if (i < n && line.charAt(i) != separator) {
                    throw new CsvFormatException("text after the closing quote of field " + (out.size() + 1));
                }
            } else {
                while (i < n && line.charAt(i) != separator) {
                    char c = line.charAt(i++);
                    if (c == '"') {
                        throw new CsvFormatException("stray quote in unquoted field " + (out.size() + 1));
                    }
                    field.append(c);
                }
            }
            out.add(field.toString());
            if (i >= n) {
                return out;
            }
            i++; // the separator
        }
    }

    /** The records of a comma-separated file, header row included, as arrays; blank lines skipped. Close the iterator. */
    public static MappingIterator<String[]> rows(Reader reader) throws IOException {
        return ARRAYS.readerFor(String[].class).readValues(reader);
    }

    /** The data records of a comma-separated file with a header row, as column name → cell. Close the iterator. */
    public static MappingIterator<Map<String, String>> rowsByHeader(Reader reader) throws IOException {
        return MAPS.readerForMapOf(String.class).with(CsvSchema.emptySchema().withHeader()).readValues(reader);
    }
}
