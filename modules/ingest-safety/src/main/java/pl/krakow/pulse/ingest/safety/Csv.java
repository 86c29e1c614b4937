package pl.krakow.pulse.ingest.safety;

import java.util.ArrayList;
import java.util.List;

/** RFC 4180 splitting of one CSV line ({@code "} quoting, {@code ""} escape); both safety CSV feeds keep a record on one line. */
final class Csv {

    private Csv() {
    }

    /** The fields of {@code line}; throws {@link IllegalArgumentException} on an unclosed quote. */
    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(field.toString());
                field.setLength(0);
            } else {
                field.append(ch);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("a quoted field is not closed");
        }
        out.add(field.toString());
        return out;
    }
}
