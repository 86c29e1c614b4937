package pl.krakow.pulse.ingest;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
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
 *
 * <p><b>Line length.</b> A line longer than {@code maxLineBytes} (default {@value #DEFAULT_MAX_LINE_BYTES}) is
 * not held in memory whole: its first {@code maxLineBytes} bytes are kept, the rest is read through to its line
 * break and only counted and hashed, and {@link Line#cut()} tells the parser so (which then refuses it as
 * {@code TOO_LARGE} rather than read a prefix as a row). Why: the buffer used to double until a line fit, so a
 * file without line breaks — a binary export, a 1 GB JSON dump given as CSV — could exhaust the heap.
 */
public final class TextLines implements Closeable {

    /**
     * One line without its terminator.
     *
     * @param bytes  the line's bytes; only the first {@code maxLineBytes} of a {@link #cut()} line
     * @param length the length of the whole line in bytes
     * @param sha256 SHA-256 (lower-case hex) of the whole line when it was cut, else null
     */
    public record Line(int number, byte[] bytes, boolean terminated, long length, String sha256) {

        /** A line held whole. */
        public Line(int number, byte[] bytes, boolean terminated) {
            this(number, bytes, terminated, bytes.length, null);
        }

        /** True when the line was longer than the reader's limit and {@link #bytes()} holds only its beginning. */
        public boolean cut() {
            return length > bytes.length;
        }

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

    /** Longest line held whole by default: far above any real row (the widest GIOŚ export row is a few KB). */
    public static final int DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

    private static final int BUFFER = 64 * 1024;

    private final InputStream in;
    private final int maxLineBytes;
    private byte[] buf = new byte[BUFFER];
    private int pos;
    private int limit;
    private boolean eof;
    private boolean started;
    private int lineNumber;
    private long bytesRead;

    public TextLines(InputStream in) {
        this(in, DEFAULT_MAX_LINE_BYTES);
    }

    /** @param maxLineBytes longer lines are {@link Line#cut() cut} to this many bytes */
    public TextLines(InputStream in, int maxLineBytes) {
        this.in = Objects.requireNonNull(in, "in");
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
    }

    /** Longer lines are {@link Line#cut() cut}. */
    public int maxLineBytes() {
        return maxLineBytes;
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
                    Line line = line(pos, end, true);
                    pos = i + 1;
                    return line;
                }
            }
            if (eof) {
                if (pos == limit) {
                    return null;
                }
                int end = buf[limit - 1] == '\r' ? limit - 1 : limit;
                Line line = line(pos, end, false);
                pos = limit;
                return line;
            }
            // maxLineBytes + 2 bytes without a line break: even if the break is a CRLF, the line is too long.
            if (limit - pos > maxLineBytes + 1) {
                return readCutLine();
            }
            scanFrom = limit - pos;
            compactAndRead();
            scanFrom += pos;
        }
    }

    /** The line in {@code buf[from, end)}, cut when longer than the limit (it may fit the buffer and still be). */
    private Line line(int from, int end, boolean terminated) {
        if (end - from <= maxLineBytes) {
            return new Line(++lineNumber, Arrays.copyOfRange(buf, from, end), terminated);
        }
        MessageDigest sha256 = sha256();
        sha256.update(buf, from, end - from);
        return new Line(++lineNumber, Arrays.copyOfRange(buf, from, from + maxLineBytes), terminated, end - from,
                HexFormat.of().formatHex(sha256.digest()));
    }

    /**
     * Keeps the first {@code maxLineBytes} of the line starting at {@code pos} and reads through to its end, hashing
     * and counting every byte of it. A {@code \r} at a chunk's end is held back until the next chunk shows whether it
     * is part of a CRLF terminator (not hashed, as {@link #next()} drops it) or of the line.
     */
    private Line readCutLine() throws IOException {
        byte[] kept = Arrays.copyOfRange(buf, pos, pos + maxLineBytes);
        MessageDigest sha256 = sha256();
        long length = 0;
        boolean heldCr = false;
        while (true) {
            int i = pos;
            while (i < limit && buf[i] != '\n') {
                i++;
            }
            boolean found = i < limit;
            int end = i;
            boolean crBeforeEnd = end > pos ? buf[end - 1] == '\r' : heldCr;
            if (heldCr && end > pos) {
                sha256.update((byte) '\r');
                length++;
            }
            heldCr = false;
            if (found || eof) {
                if (crBeforeEnd && end > pos) {
                    end--;
                }
                sha256.update(buf, pos, end - pos);
                length += end - pos;
                pos = found ? i + 1 : limit;
                return new Line(++lineNumber, kept, found, length, HexFormat.of().formatHex(sha256.digest()));
            }
            if (crBeforeEnd && end > pos) {
                heldCr = true;
                end--;
            }
            sha256.update(buf, pos, end - pos);
            length += end - pos;
            pos = limit;
            compactAndRead();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
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
