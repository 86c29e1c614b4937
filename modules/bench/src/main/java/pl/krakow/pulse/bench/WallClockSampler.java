package pl.krakow.pulse.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A diagnostic for profiling (off unless {@code -Dpulse.bench.wallclock=true}): samples the stacks of the
 * threads whose names start with a prefix every 10 ms, running or not, and prints where they spend
 * <em>wall-clock</em> time — what a CPU profiler such as JFR's execution samples does not show (waiting for
 * a commit, a fetch, a lock). Each sample is attributed to its thread state and its first frame outside
 * the JDK's locking and I/O plumbing.
 */
final class WallClockSampler implements AutoCloseable {

    static final String PROPERTY = "pulse.bench.wallclock";
    /** Frames per attributed stack ({@code -Dpulse.bench.wallclock.depth}, default 3). */
    private static final int DEPTH = Integer.getInteger(PROPERTY + ".depth", 3);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final String prefix;
    private final PrintStream out;
    private final Map<String, Integer> counts = new HashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private int samples;

    private WallClockSampler(String prefix, PrintStream out) {
        this.prefix = prefix;
        this.out = out;
        this.thread = new Thread(this::loop, "bench-wallclock-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    /** A sampler when the diagnostic is on, else a no-op. */
    static AutoCloseable startIfEnabled(String threadPrefix, PrintStream out) {
        return Boolean.getBoolean(PROPERTY) ? new WallClockSampler(threadPrefix, out) : () -> { };
    }

    private void loop() {
        while (running.get()) {
            for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds(), 40)) {
                if (info != null && info.getThreadName().startsWith(prefix)) {
                    record(info);
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void record(ThreadInfo info) {
        samples++;
        StackTraceElement[] st = info.getStackTrace();
        List<String> frames = new ArrayList<>();
        for (StackTraceElement e : st) {
            String c = e.getClassName();
            if (frames.isEmpty() && (c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.")
                    || c.contains("LockSupport") || c.contains(".utils.Time"))) {
                continue;
            }
            frames.add(c.substring(c.lastIndexOf('.') + 1) + "." + e.getMethodName());
            if (frames.size() == DEPTH) {
                break;
            }
        }
        String key = info.getThreadState() + " " + String.join(" <- ", frames);
        counts.merge(key, 1, Integer::sum);
    }

    @Override
    public synchronized void close() throws InterruptedException {
        running.set(false);
        thread.interrupt();
        out.printf(Locale.ROOT, "[wall-clock] %d samples of %s*%n", samples, prefix);
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(25)
                .forEach(e -> out.printf(Locale.ROOT, "[wall-clock] %5.1f%% %s%n", 100.0 * e.getValue() / Math.max(1, samples), e.getKey()));
    }
}
