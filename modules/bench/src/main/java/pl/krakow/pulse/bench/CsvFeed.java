package pl.krakow.pulse.bench;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.locks.LockSupport;

/**
 * The bytes a {@code gios-wide-csv} feed would deliver for generated hours {@code [firstHour, firstHour + hours)}
 * of a {@link HourlyWorkload}: the header, then one line per hour, produced on demand (nothing is held
 * in memory but the current line).
 *
 * <p><b>Paced</b> ({@code eventsPerSecond > 0}): a line becomes readable only when it is due — line
 * {@code k} at {@code t0 + (events of lines before k) / rate}, {@code t0} being the first read —
 * so a parser pulling from this stream sees records arrive at the offered rate, as from a push or
 * poll source, and stamps {@code ingestedAt} when each arrives. A reader that falls behind gets every
 * overdue line at once (the schedule does not drift). <b>Unpaced</b>: lines as fast as they are read.
 */
final class CsvFeed extends InputStream {

    private final HourlyWorkload workload;
    private final long endHour;
    private final double eventsPerSecond;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    private byte[] pending;
    private int pendingPos;
    private long nextHour;
    private long eventsReleased;
    private long startNanos = -1;
    private long lastReleaseNanos = -1;

    /** Unpaced. */
    CsvFeed(HourlyWorkload workload, long firstHour, long hours) {
        this(workload, firstHour, hours, 0);
    }

    /** Paced at {@code eventsPerSecond} (0 = unpaced). */
    CsvFeed(HourlyWorkload workload, long firstHour, long hours, double eventsPerSecond) {
        this.workload = workload;
        this.nextHour = firstHour;
        this.endHour = firstHour + hours;
        this.eventsPerSecond = eventsPerSecond;
        this.pending = workload.headerLine();
    }

    @Override
    public int read() throws java.io.IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws java.io.IOException {
        if (len == 0) {
            return 0;
        }
        if (startNanos < 0) {
            startNanos = System.nanoTime();
        }
        int written = 0;
        while (written < len) {
            if (pending != null) {
                int n = Math.min(len - written, pending.length - pendingPos);
                System.arraycopy(pending, pendingPos, b, off + written, n);
                written += n;
                pendingPos += n;
                if (pendingPos == pending.length) {
                    pending = null;
                }
                continue;
            }
            if (nextHour >= endHour) {
                break;
            }
            if (eventsPerSecond > 0) {
                long due = startNanos + (long) (eventsReleased * 1e9 / eventsPerSecond);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    if (written > 0) {
                        break; // hand over what is due; the reader comes back for the rest
                    }
                    LockSupport.parkNanos(wait);
                    if (Thread.interrupted()) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("paced feed interrupted");
                    }
                    continue;
                }
            }
            line.reset();
            workload.appendLine(nextHour, line);
            eventsReleased += workload.events(nextHour);
            nextHour++;
            pending = line.toByteArray();
            pendingPos = 0;
            lastReleaseNanos = System.nanoTime();
        }
        return written == 0 ? -1 : written;
    }

    /** Events of the lines released so far. */
    long eventsReleased() {
        return eventsReleased;
    }

    /** When the first read happened ({@link System#nanoTime()}), -1 before. */
    long startNanos() {
        return startNanos;
    }

    /** When the last line was released, -1 before. */
    long lastReleaseNanos() {
        return lastReleaseNanos;
    }
}
