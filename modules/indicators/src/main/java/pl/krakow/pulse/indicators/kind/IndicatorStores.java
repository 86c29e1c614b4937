package pl.krakow.pulse.indicators.kind;

import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * Where the IV.3 stages keep their state: in memory, backed by a changelog topic (restored from it after a restart or
 * a crash; exactly-once as any store).
 *
 * <p>Why not RocksDB: every IV.3 store holds only what is still open — a station's open days and hours, a city
 * window, a station-year's running figures — so it is small, but there are many of them: one per store and task
 * (12 stores × 6 partitions = 72 RocksDB instances in the same-work benchmark's layout). They shared the process's
 * bounded RocksDB memory ({@code BoundedRocksDbMemory}, 32 MiB of memtables); each instance's memtable arena alone
 * takes ~1 MiB, so the write-buffer manager flushed a memtable on nearly every write, and the stream threads spent
 * most of their wall-clock time inside {@code RocksDB.put}/{@code delete} waiting for flushes (thread dumps of the
 * full IV.3 catalog on the peer's input: ~6 % CPU, throughput near zero). In memory, a store access is a map lookup,
 * and nothing is written to disk but the changelog the broker keeps anyway.
 *
 * <p>Cost: after a restart the stores are rebuilt from their (compacted) changelogs instead of a local checkpoint;
 * with only open windows held, that is a few seconds' reading at most.
 */
public final class IndicatorStores {

    private IndicatorStores() {
    }

    /** A key-value store of open-window state named {@code name}: in memory, changelogged. */
    public static KeyValueBytesStoreSupplier keyValue(String name) {
        return Stores.inMemoryKeyValueStore(name);
    }
}
