package pl.krakow.pulse.ingest;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A one-line progress bar for a terminal: redrawn in place with a carriage return (at most every
 * {@code minRedrawInterval} of replay time, so it costs nothing at 100 k records/s), then a final
 * summary line — events accepted, rejected by reason, duration, events/s — and one line per
 * unreadable input. Writes only to the given stream (normally {@code System.err}, so the bar does not
 * mix with data on standard output).
 *
 * <pre>
 * [##############>               ]  48.1%  8,163/16,956  rejected 1  41,210 rec/s  2017-02-13T09:00:00Z
 * gios-wide-csv: 16,955 events accepted, 1 rejected (NOT_A_NUMBER 1), 1 file in 0.42 s, 40,369 events/s, ...
 * </pre>
 */
public final class ConsoleProgressBar implements ProgressListener {

    private static final Duration DEFAULT_REDRAW = Duration.ofMillis(200);
    private static final int DEFAULT_WIDTH = 30;

    private final PrintStream out;
    private final long minRedrawNanos;
    private final int width;
    private long lastDrawNanos = Long.MIN_VALUE;
    private int lastLength;
    private ReplayProgress last;

    /** Redraws at most every 200 ms, with a 30-character bar. */
    public ConsoleProgressBar(PrintStream out) {
        this(out, DEFAULT_REDRAW, DEFAULT_WIDTH);
    }

    public ConsoleProgressBar(PrintStream out, Duration minRedrawInterval, int width) {
        this.out = Objects.requireNonNull(out, "out");
        this.minRedrawNanos = minRedrawInterval.toNanos();
        if (width < 5) {
            throw new IllegalArgumentException("width must be >= 5: " + width);
        }
        this.width = width;
    }

    @Override
    public void started(String format, List<String> inputs, ReplaySpeed speed) {
        out.println("Replaying " + inputs.size() + (inputs.size() == 1 ? " file" : " files") + " of " + format
                + " at speed " + speed + (inputs.size() <= 3 ? ": " + String.join(", ", inputs) : ""));
        out.flush();
    }

    @Override
    public void progress(ReplayProgress p) {
        last = p;
        long now = p.elapsed().toNanos();
        if (lastDrawNanos != Long.MIN_VALUE && now - lastDrawNanos < minRedrawNanos) {
            return;
        }
        lastDrawNanos = now;
        draw(p);
    }

    @Override
    public void inputFailed(String input, Exception error) {
        clearLine();
        out.println("! cannot read " + input + ": " + error.getClass().getSimpleName()
                + (error.getMessage() != null ? ": " + error.getMessage() : ""));
        out.flush();
    }

    @Override
    public void finished(ReplayReport report) {
        long total = report.accepted() + report.rejected();
        draw(new ReplayProgress(ReplayProgress.Phase.PUBLISHING, total, report.interrupted() && last != null ? last.total() : total,
                report.accepted(), report.rejected(), report.duration(), report.lastEventTime()));
        out.println();
        out.println(report.summary());
        for (ReplayReport.FailedInput f : report.failedInputs()) {
            out.println("  unreadable: " + f.name() + " (" + f.error() + ")");
        }
        out.flush();
        lastLength = 0;
    }

    private void draw(ReplayProgress p) {
        String line;
        if (p.phase() == ReplayProgress.Phase.READING) {
            line = String.format(Locale.ROOT, "reading...  %,d records  rejected %,d  %,.0f rec/s",
                    p.done(), p.rejected(), p.recordsPerSecond());
        } else {
            int filled = (int) Math.round(p.fraction() * width);
            StringBuilder bar = new StringBuilder(width + 2).append('[');
            for (int i = 0; i < width; i++) {
                bar.append(i < filled ? '#' : (i == filled ? '>' : ' '));
            }
            bar.append(']');
            line = String.format(Locale.ROOT, "%s %5.1f%%  %,d/%,d  rejected %,d  %,.0f rec/s%s", bar, p.fraction() * 100,
                    p.done(), Math.max(p.total(), 0), p.rejected(), p.recordsPerSecond(),
                    p.eventTime() != null ? "  " + p.eventTime() : "");
        }
        StringBuilder sb = new StringBuilder(line.length() + 8).append('\r').append(line);
        for (int i = line.length(); i < lastLength; i++) {
            sb.append(' '); // wipe what is left of a longer previous line
        }
        lastLength = line.length();
        out.print(sb);
        out.flush();
    }

    private void clearLine() {
        if (lastLength > 0) {
            out.print('\r' + " ".repeat(lastLength) + '\r');
            lastLength = 0;
        }
    }
}
