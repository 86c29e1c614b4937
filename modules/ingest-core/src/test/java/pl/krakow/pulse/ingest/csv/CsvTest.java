package pl.krakow.pulse.ingest.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.MappingIterator;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CsvTest {

    @Test
    void plainFieldsKeepEmptyAndBlankCellsAsWritten() {
        assertThat(Csv.fields("a,,b ,", ',')).containsExactly("a", "", "b ", "");
        assertThat(Csv.fields("", ',')).containsExactly("");
    }

    @Test
    void aQuotedFieldHoldsTheSeparatorAndAnEscapedQuote() {
        assertThat(Csv.fields("\"12,5\",\"say \"\"hi\"\"\",\"\"", ',')).containsExactly("12,5", "say \"hi\"", "");
        assertThat(Csv.fields("2017-01-01;\"12;5\";7", ';')).containsExactly("2017-01-01", "12;5", "7");
        assertThat(Csv.fields("a,b", ';')).containsExactly("a,b");
    }

    @Test
    void quotesAnywhereButAroundAWholeFieldAreRefusedNamingTheField() {
        assertThatThrownBy(() -> Csv.fields("a,b\"c", ',')).isInstanceOf(CsvFormatException.class)
                .hasMessage("stray quote in unquoted field 2");
        assertThatThrownBy(() -> Csv.fields("\"ab\"c,d", ',')).isInstanceOf(CsvFormatException.class)
                .hasMessage("text after the closing quote of field 1");
        assertThatThrownBy(() -> Csv.fields("a, \"b\"", ',')).isInstanceOf(CsvFormatException.class)
                .hasMessage("stray quote in unquoted field 2");
        assertThatThrownBy(() -> Csv.fields("a,\"b,c", ',')).isInstanceOf(CsvFormatException.class)
                .hasMessage("unterminated quoted field 2");
    }

    @Test
    void wholeFilesAreReadByTheSameRuleIncludingQuotedLineBreaks() throws Exception {
        List<String[]> rows = new ArrayList<>();
        try (MappingIterator<String[]> it = Csv.rows(new StringReader("id,name\n\n1,\"a, \"\"b\"\"\"\n2,\"two\nlines\"\n"))) {
            it.forEachRemaining(rows::add);
        }
        assertThat(rows).containsExactly(new String[] {"id", "name"}, new String[] {"1", "a, \"b\""},
                new String[] {"2", "two\nlines"});
        try (MappingIterator<Map<String, String>> it = Csv.rowsByHeader(new StringReader("id,name\n1,\"x,y\"\n"))) {
            assertThat(it.next()).containsExactly(Map.entry("id", "1"), Map.entry("name", "x,y"));
            assertThat(it.hasNext()).isFalse();
        }
    }
}
