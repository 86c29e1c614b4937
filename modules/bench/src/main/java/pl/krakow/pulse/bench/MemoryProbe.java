package pl.krakow.pulse.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The process's memory as the operating system and the JVM see it: {@code VmHWM} (peak resident set
 * since start) and {@code VmRSS} (resident now) from {@code /proc/self/status} (Linux; -1 elsewhere), and
 * the heap in use right after a full collection ({@link System#gc()}; with the serial collector of the
 * {@code pulse} launcher that is a full, stop-the-world collection).
 */
final class MemoryProbe {

    private MemoryProbe() {
    }

    /** Bytes; -1 when unknown. */
    record Snapshot(long peakRssBytes, long rssBytes, long heapAfterGcBytes, long maxHeapBytes) {
    }

    static Snapshot afterGc() {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return new Snapshot(procStatusBytes("VmHWM:"), procStatusBytes("VmRSS:"), heap, Runtime.getRuntime().maxMemory());
    }

    /** A {@code kB} line of {@code /proc/self/status}, in bytes, or -1. */
    static long procStatusBytes(String field) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
            for (String l : lines) {
                if (l.startsWith(field)) {
                    String[] parts = l.substring(field.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
