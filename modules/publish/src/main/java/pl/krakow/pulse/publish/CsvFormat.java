package pl.krakow.pulse.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * CSV of the API's flat records (RFC 4180, a header row, UTF-8, comma-separated, quoted where needed)
 * with Jackson's CSV module. The columns are the record's components in declaration order — the same
 * names as the JSON members — so a CSV answer and its JSON twin hold the same fields; a null is an
 * empty cell.
 */
final class CsvFormat {

    static final String CONTENT_TYPE = "text/csv;charset=utf-8";
    private static final CsvMapper CSV = new CsvMapper();

    private CsvFormat() {
    }

    static <T extends Record> byte[] write(Class<T> type, List<T> rows) {
        CsvSchema schema = schema(type);
        try {
            return CSV.writer(schema).writeValueAsBytes(rows);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The header row's columns of a record type: its components in declaration order. */
    static List<String> columns(Class<? extends Record> type) {
        return java.util.Arrays.stream(type.getRecordComponents()).map(java.lang.reflect.RecordComponent::getName).toList();
    }

    // Jackson's schemaFor(...) orders record columns alphabetically; the JSON order is declaration order.
    private static CsvSchema schema(Class<? extends Record> type) {
        CsvSchema.Builder b = CsvSchema.builder();
        columns(type).forEach(b::addColumn);
        return b.build().withHeader();
    }
}
