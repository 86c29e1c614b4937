package pl.krakow.pulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextLinesTest {

    private static List<TextLines.Line> read(byte[] bytes) throws IOException {
        return read(new ByteArrayInputStream(bytes));
    }

    private static List<TextLines.Line> read(InputStream in) throws IOException {
        List<TextLines.Line> out = new ArrayList<>();
        try (TextLines lines = new TextLines(in)) {
            for (TextLines.Line l = lines.next(); l != null; l = lines.next()) {
                out.add(l);
            }
        }
        return out;
    }

    @Test
    void linesKeepTheirExactBytesAndNumbers() throws IOException {
        List<TextLines.Line> lines = read("a,b\n1,ż\n".getBytes(StandardCharsets.UTF_8));
        assertThat(lines).extracting(TextLines.Line::text).containsExactly("a,b", "1,ż");
        assertThat(lines).extracting(TextLines.Line::number).containsExactly(1, 2);
        assertThat(lines.get(1).bytes()).isEqualTo("1,ż".getBytes(StandardCharsets.UTF_8));
        assertThat(lines).allMatch(TextLines.Line::terminated);
    }

    @Test
    void crlfAndByteOrderMarkAreStripped() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] body = "h1,h2\r\nx,y\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[bom.length + body.length];
        System.arraycopy(bom, 0, all, 0, 3);
        System.arraycopy(body, 0, all, 3, body.length);
        assertThat(read(all)).extracting(TextLines.Line::text).containsExactly("h1,h2", "x,y");
    }

    @Test
    void unterminatedLastLineIsMarked() throws IOException {
        List<TextLines.Line> lines = read("a\nb".getBytes(StandardCharsets.UTF_8));
        assertThat(lines).extracting(TextLines.Line::terminated).containsExactly(true, false);
    }

    @Test
    void emptyInputHasNoLines() throws IOException {
        TextLines lines = new TextLines(new ByteArrayInputStream(new byte[0]));
        assertThat(lines.next()).isNull();
        assertThat(lines.wasEmpty()).isTrue();
    }

    @Test
    void linesLongerThanTheBufferAndTrickledInputAreWhole() throws IOException {
        String longLine = "x".repeat(200_000);
        byte[] bytes = (longLine + "\nshort\n" + longLine).getBytes(StandardCharsets.US_ASCII);
        InputStream trickle = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 7)); // a slow socket
            }
        };
        List<TextLines.Line> lines = read(trickle);
        assertThat(lines).extracting(l -> l.bytes().length).containsExactly(200_000, 5, 200_000);
        assertThat(lines.get(2).terminated()).isFalse();
    }

    @Test
    void blankLineIsRecognised() throws IOException {
        assertThat(read(" \t\n\nx\n".getBytes(StandardCharsets.UTF_8))).extracting(TextLines.Line::isBlank)
                .containsExactly(true, true, false);
    }
}
