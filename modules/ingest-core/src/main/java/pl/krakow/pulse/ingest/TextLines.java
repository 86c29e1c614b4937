package pl.krakow.pulse.ingest;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Splits a byte stream into lines while keeping each line's exact bytes, for parsers of line-based
 * text formats (CSV): a rejected line goes to the dead-letter queue byte for byte, so it must not be
 * decoded and re-encoded.
 *
 * <p>Lines end at {@code \n}; a {@code \r} before it is dropped (CRLF files), and a UTF-8 byte-order
 * mark at the start of the input is skipped (spreadsheet exports). The last line may lack its
 * {@code \n}: {@link Line#terminated()} tells, so a parser can recognise a file cut short.
 * Line numbers start at 1. Not thread-safe.
 */
public final class TextLines implements Closeable {

    /** One line without its terminator. */
    public record Line(int number, byte[] bytes, boolean terminated) {

        /** The line decoded as UTF-8. */
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        /** True when the line holds only spaces and tabs (or nothing). */
        public boolean isBlank() {
            for (byte b : bytes) {
                if (b != ' ' && b != '\t') {
                    return false;
                }
            }
            return true;
        }
    }

    private static final int BUFFER = 64 * 1024;

    private final InputStream in;
    private byte[] buf = new byte[BUFFER];
    private int pos;
    private int limit;
    private boolean eof;
    private boolean started;
    private int lineNumber;
    private long bytesRead;

    public TextLines(InputStream in) {
        this.in = Objects.requireNonNull(in, "in");
    }

    /** The next line, or null at the end of the input. */
    public Line next() throws IOException {
        if (!started) {
            started = true;
            fillAtLeast(3);
            if (limit - pos >= 3 && (buf[pos] & 0xFF) == 0xEF && (buf[pos + 1] & 0xFF) == 0xBB && (buf[pos + 2] & 0xFF) == 0xBF) {
                pos += 3;
            }
        }
        int scanFrom = pos;
        while (true) {
            for (int i = scanFrom; i < limit; i++) {
                if (buf[i] == '\n') {
                    int end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
                    Line line = new Line(++lineNumber, Arrays.copyOfRange(buf, pos, end), true);
                    pos = i + 1;
                    return line;
                }
            }
            if (eof) {
                if (pos == limit) {
                    return null;
                }
                int end = buf[limit - 1] == '\r' ? limit - 1 : limit;
                Line line = new Line(++lineNumber, Arrays.copyOfRange(buf, pos, end), false);
                pos = limit;
                return line;
            }
            scanFrom = limit - pos;
            compactAndRead();
            scanFrom += pos;
        }
    }

    /** Bytes consumed from the input so far. */
    public long bytesRead() {
        return bytesRead;
    }

    /** Whether the input held no byte at all (valid once {@link #next()} returned null). */
    public boolean wasEmpty() {
        return eof && bytesRead == 0;
    }

    private void fillAtLeast(int n) throws IOException {
        while (!eof && limit - pos < n) {
            compactAndRead();
        }
    }

    private void compactAndRead() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (limit == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2); // a line longer than the buffer
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            eof = true;
        } else {
            limit += n;
            bytesRead += n;
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
