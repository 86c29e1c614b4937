package pl.krakow.pulse.runtime.streams.errors;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * One log line for the first event and then at most one summary per interval, so a stream of bad
 * records produces a handful of operator-readable lines instead of one per record.
 */
final class RateLimitedLog {

    private static final long INTERVAL_NANOS = 60_000_000_000L;

    private final Logger log;
    private final AtomicLong suppressed = new AtomicLong();
    private final AtomicLong nextAllowedNanos = new AtomicLong(Long.MIN_VALUE);

    RateLimitedLog(Logger log) {
        this.log = log;
    }

    void warn(String message, Object... args) {
        long now = System.nanoTime();
        long next = nextAllowedNanos.get();
        if ((next == Long.MIN_VALUE || now - next >= 0) && nextAllowedNanos.compareAndSet(next, now + INTERVAL_NANOS)) {
            long skipped = suppressed.getAndSet(0);
            if (skipped > 0) {
                log.warn(message + " ({} similar in the last minute not logged)", append(args, skipped));
            } else {
                log.warn(message, args);
            }
        } else {
            suppressed.incrementAndGet();
        }
    }

    private static Object[] append(Object[] args, Object extra) {
        Object[] out = java.util.Arrays.copyOf(args, args.length + 1);
        // Keep a trailing Throwable last so SLF4J still prints its stack trace.
        if (args.length > 0 && args[args.length - 1] instanceof Throwable t) {
            out[args.length - 1] = extra;
            out[args.length] = t;
        } else {
            out[args.length] = extra;
        }
        return out;
    }
}
