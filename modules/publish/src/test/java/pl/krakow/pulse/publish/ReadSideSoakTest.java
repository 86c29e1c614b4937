package pl.krakow.pulse.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short soak of the read side in CI: {@code pulse.soak.days} simulated days (default 3) of the windows simulated
 * Kraków-size live feeds make, each window's last record only unless {@code pulse.soak.every.revision} ({@link
 * ReadSideSoak} says exactly what is simulated), then heap after GC must not grow
 * from the first day to the last beyond a small bound: the heap holds the latest value per series, not the history.
 * The full 30-day run: {@code -Dtest=ReadSideSoakTest -Dpulse.soak.days=30 -Dpulse.soak.every.revision=true}, or
 * {@code ReadSideSoak.main} under the production heap (figures in BENCHMARKS.md, publish README).
 */
class ReadSideSoakTest {

    /** Heap that may come and go between samples for reasons other than values (JIT, class data, Micrometer). */
    private static final long HEAP_GROWTH_BOUND = 8L << 20;

    @TempDir
    Path dataDir;

    @Test
    void heapAfterGcStaysFlatWhileSimulatedDaysOfLiveValuesGoToTheStore() {
        int days = Integer.getInteger("pulse.soak.days", 3);
        boolean everyRevision = Boolean.getBoolean("pulse.soak.every.revision");
        List<ReadSideSoak.Sample> samples = ReadSideSoak.run(days, everyRevision, sampleDays(days), dataDir,
                PublishConfig.defaultRetention(), s -> System.out.println(s.line()));

        ReadSideSoak.Sample first = samples.get(0);
        ReadSideSoak.Sample last = samples.get(samples.size() - 1);
        assertThat(last.valuesHeld()).as("the history grows: it is on disk").isGreaterThan(first.valuesHeld());
        assertThat(last.heapAfterGcBytes() - first.heapAfterGcBytes())
                .as("heap after GC from day %d to day %d: %s", first.day(), last.day(), samples)
                .isLessThan(HEAP_GROWTH_BOUND);
    }

    private static List<Integer> sampleDays(int days) {
        return days >= 30 ? List.of(1, 10, 20, 30) : days >= 10 ? List.of(1, 5, days) : List.of(1, days);
    }
}
