package pl.krakow.pulse.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The parse of one line-oriented text input (CSV and the like), pulled outcome by outcome by a
 * {@link Stream}: reads the next line only when the stream asks for more, skips blank lines, and leaves to
 * the feed's parser what a line means. A line may yield any number of outcomes (none for a header, several
 * for a wide row); the parser says at the end of the input what an input without data rows gets.
 *
 * <p>What every CSV-like feed parser shared before, in one place: reading errors become an
 * {@link UncheckedIOException} naming the source, and the stream's {@code close()} closes the input; and a line
 * longer than the reader's limit ({@link TextLines.Line#cut()}) never reaches the parser — a prefix could parse
 * as a valid row — but becomes one {@link ReasonCode#TOO_LARGE} rejection carrying its beginning, whole length and
 * SHA-256.
 */
public abstract class LineParse extends Spliterators.AbstractSpliterator<ParseOutcome> {

    protected final TextLines lines;
    protected final String sourceName;
    private final ArrayDeque<ParseOutcome> pending = new ArrayDeque<>();
    private boolean done;

    protected LineParse(TextLines lines, String sourceName) {
        super(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL);
        this.lines = lines;
        this.sourceName = sourceName;
    }

    /** The outcomes of this parse as a sequential stream whose {@code close()} closes the input. */
    public final Stream<ParseOutcome> stream() {
        return StreamSupport.stream(this, false).onClose(this::close);
    }

    /** Handles one non-blank line, calling {@link #emit} for each outcome it yields. */
    protected abstract void onLine(TextLines.Line line);

    /**
     * A rejection of a line in this feed's name, content type and intended topic; also how an overlong line is
     * refused.
     */
    protected abstract ParseOutcome.Rejected reject(ReasonCode reason, String message, byte[] raw, String where);

    /** Called once when the input ends: emit here what an input without (valid) data rows gets, if anything. */
    protected abstract void onEnd();

    /** Queues an outcome for the stream. */
    protected final void emit(ParseOutcome outcome) {
        pending.add(outcome);
    }

    /** {@code source:line}, how rejections locate a row. */
    protected final String where(TextLines.Line line) {
        return sourceName + ':' + line.number();
    }

    /** "the input is empty (0 bytes)" or "the input holds only blank lines", for an input that had no line at all. */
    protected final String noLinesMessage() {
        return lines.wasEmpty() ? "the input is empty (0 bytes)" : "the input holds only blank lines";
    }

    @Override
    public final boolean tryAdvance(Consumer<? super ParseOutcome> action) {
        while (pending.isEmpty() && !done) {
            step();
        }
        ParseOutcome next = pending.poll();
        if (next == null) {
            return false;
        }
        action.accept(next);
        return true;
    }

    private void step() {
        TextLines.Line line;
        try {
            line = lines.next();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + sourceName, e);
        }
        if (line == null) {
            done = true;
            onEnd();
        } else if (line.cut()) {
            emit(reject(ReasonCode.TOO_LARGE, "line of " + line.length() + " bytes exceeds the limit of " + lines.maxLineBytes()
                    + " bytes", line.bytes(), where(line)).ofCutRecord(line.length(), line.sha256()));
        } else if (!line.isBlank()) {
            onLine(line);
        }
    }

    private void close() {
        try {
            lines.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + sourceName, e);
        }
    }
}
