package pl.krakow.pulse.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time spent during a measurement: by the whole process, and by the threads whose names start
 * with a prefix (a topology's stream threads). Figures per event make runs comparable across machine
 * load, and show where the CPU goes.
 */
final class CpuClock {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final String threadPrefix;
    private final long processStart;
    private final Map<Long, Long> threadStart;

    private CpuClock(String threadPrefix) {
        this.threadPrefix = threadPrefix;
        this.processStart = processCpuNanos();
        this.threadStart = threadCpu(threadPrefix);
    }

    static CpuClock start(String threadPrefix) {
        return new CpuClock(threadPrefix);
    }

    /** CPU nanoseconds used since {@link #start}. */
    record Used(long processNanos, long threadsNanos) {
        double processMicrosPer(long events) {
            return processNanos / 1000.0 / Math.max(1, events);
        }

        double threadsMicrosPer(long events) {
            return threadsNanos / 1000.0 / Math.max(1, events);
        }
    }

    Used stop() {
        long process = processCpuNanos() - processStart;
        long threads = 0;
        for (Map.Entry<Long, Long> e : threadCpu(threadPrefix).entrySet()) {
            threads += e.getValue() - threadStart.getOrDefault(e.getKey(), 0L);
        }
        return new Used(Math.max(0, process), Math.max(0, threads));
    }

    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    private static Map<Long, Long> threadCpu(String prefix) {
        Map<Long, Long> out = new HashMap<>();
        if (prefix == null || !THREADS.isThreadCpuTimeSupported()) {
            return out;
        }
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(prefix)) {
                long t = THREADS.getThreadCpuTime(info.getThreadId());
                if (t >= 0) {
                    out.put(info.getThreadId(), t);
                }
            }
        }
        return out;
    }
}
