package pl.krakow.pulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
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

    private static List<TextLines.Line> read(InputStream in, int maxLineBytes) throws IOException {
        List<TextLines.Line> out = new ArrayList<>();
        try (TextLines lines = new TextLines(in, maxLineBytes)) {
            for (TextLines.Line l = lines.next(); l != null; l = lines.next()) {
                out.add(l);
            }
        }
        return out;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void lineOverTheLimitKeepsItsBeginningAndCountsAndHashesTheWholeLine() throws Exception {
        byte[] longLine = "0123456789".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        byte[] input = ("short\n" + new String(longLine, StandardCharsets.US_ASCII) + "\r\nafter\n").getBytes(StandardCharsets.US_ASCII);

        List<TextLines.Line> lines = read(new ByteArrayInputStream(input), 100);

        assertThat(lines).extracting(TextLines.Line::number).containsExactly(1, 2, 3);
        assertThat(lines.get(0).cut()).isFalse();
        assertThat(lines.get(0).sha256()).isNull();
        TextLines.Line cut = lines.get(1);
        assertThat(cut.cut()).isTrue();
        assertThat(cut.terminated()).isTrue();
        assertThat(cut.bytes()).isEqualTo(Arrays.copyOf(longLine, 100));
        assertThat(cut.length()).isEqualTo(longLine.length);
        assertThat(cut.sha256()).isEqualTo(sha256(longLine));
        assertThat(lines.get(2).text()).isEqualTo("after");
    }

    @Test
    void carriageReturnsInsideACutLineAreHashedButNotTheTerminatorsAcrossReadBoundaries() throws Exception {
        // A stream handing out 7 bytes per read puts CRs at every position of a chunk.
        String body = "ab\rcd\r\r".repeat(30);
        byte[] input = (body + "\r\nnext\r").getBytes(StandardCharsets.US_ASCII);
        InputStream dribble = new FilterInputStream(new ByteArrayInputStream(input)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 7));
            }
        };

        List<TextLines.Line> lines = read(dribble, 16);

        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).length()).isEqualTo(body.length());
        assertThat(lines.get(0).sha256()).isEqualTo(sha256(body.getBytes(StandardCharsets.US_ASCII)));
        assertThat(lines.get(1).text()).isEqualTo("next");
        assertThat(lines.get(1).terminated()).isFalse();
    }

    @Test
    void lineOfExactlyTheLimitWithCrlfIsNotCut() throws IOException {
        List<TextLines.Line> lines = read(new ByteArrayInputStream("abcd\r\nefghi\n".getBytes(StandardCharsets.US_ASCII)), 4);

        assertThat(lines.get(0).cut()).isFalse();
        assertThat(lines.get(0).text()).isEqualTo("abcd");
        assertThat(lines.get(1).cut()).isTrue();
        assertThat(lines.get(1).length()).isEqualTo(5);
    }

    /** An input without line breaks (a binary file given as CSV) used to grow the buffer until the heap ran out. */
    @Test
    void inputWithoutLineBreaksIsReadWithBoundedMemory() throws Exception {
        long size = 128L * 1024 * 1024;
        InputStream endless = new InputStream() {
            long left = size;

            @Override
            public int read() {
                return left-- > 0 ? 'x' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                Arrays.fill(b, off, off + n, (byte) 'x');
                left -= n;
                return n;
            }
        };

        List<TextLines.Line> lines = read(endless, TextLines.DEFAULT_MAX_LINE_BYTES);

        assertThat(lines).singleElement().satisfies(l -> {
            assertThat(l.length()).isEqualTo(size);
            assertThat(l.bytes()).hasSize(TextLines.DEFAULT_MAX_LINE_BYTES);
            assertThat(l.terminated()).isFalse();
        });
    }
}
