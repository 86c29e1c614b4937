package pl.krakow.pulse.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The machine and JVM a run measured, for every row of {@code BENCHMARKS.md}: figures only compare
 * between rows of the same machine class.
 *
 * @param cores           processors available to the JVM
 * @param memoryBytes     physical memory ({@code MemTotal} of {@code /proc/meminfo}), -1 when unknown
 * @param java            Java version and VM name
 * @param os              operating system and architecture
 * @param loadAtStart     1-minute load average when the run started (other work on the machine skews figures)
 * @param loadAtEnd       1-minute load average when it ended
 * @param maxHeapBytes    the JVM's maximum heap
 * @param jvmArguments    the JVM's arguments (heap, collector)
 * @param commit          {@code git rev-parse --short HEAD} of the working directory, or "-"
 */
public record MachineInfo(int cores, long memoryBytes, String java, String os, double loadAtStart, double loadAtEnd,
                          long maxHeapBytes, String jvmArguments, String commit) {

    static MachineInfo now() {
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), memTotal(),
                System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
                System.getProperty("os.name") + " " + System.getProperty("os.arch"), loadAverage(), -1,
                Runtime.getRuntime().maxMemory(), String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()),
                gitCommit());
    }

    MachineInfo withLoadAtEnd(double load) {
        return new MachineInfo(cores, memoryBytes, java, os, loadAtStart, load, maxHeapBytes, jvmArguments, commit);
    }

    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    String describe() {
        return String.format(Locale.ROOT, "%d cores, %s memory, Java %s, %s; load average %.2f at start, %.2f at end; max heap %d MiB; commit %s",
                cores, memoryBytes > 0 ? String.format(Locale.ROOT, "%.1f GiB", memoryBytes / 1073741824.0) : "?", java, os,
                loadAtStart, loadAtEnd, maxHeapBytes >> 20, commit);
    }

    private static long memTotal() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Read-only: the commit the measured code was built from, when run inside the repository. */
    private static String gitCommit() {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 && out.matches("[0-9a-f]{4,40}")) {
                return out;
            }
        } catch (IOException | RuntimeException e) {
            return "-";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "-";
    }
}
