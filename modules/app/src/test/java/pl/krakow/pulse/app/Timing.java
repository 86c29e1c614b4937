package pl.krakow.pulse.app;

import java.time.Duration;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the fault tests share to wait and to report: waiting for a condition on the monotonic clock (polled every
 * 100 ms, never a sleep that hopes), elapsed times, and the tagged lines of measured figures they print
 * ({@code [tag] ...}, durations as {@code N.N s}).
 */
final class Timing {

    private Timing() {
    }

    /** Polls {@code condition} until it holds; fails with {@code failure}'s message once {@code timeout} has passed. */
    static void awaitCondition(BooleanSupplier condition, Duration timeout, Supplier<String> failure) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure.get());
            }
            Thread.sleep(100);
        }
    }

    /** Time since {@code nanos}, a {@link System#nanoTime()} reading. */
    static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }

    static String format(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    /** Prints {@code [tag] } and the formatted line, {@link Duration} arguments as {@link #format}. */
    static void print(String tag, String format, Object... args) {
        Object[] shown = args.clone();
        for (int i = 0; i < shown.length; i++) {
            if (shown[i] instanceof Duration d) {
                shown[i] = format(d);
            }
        }
        System.out.println("[" + tag + "] " + String.format(Locale.ROOT, format, shown));
    }
}
