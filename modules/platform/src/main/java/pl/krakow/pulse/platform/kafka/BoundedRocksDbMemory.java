package pl.krakow.pulse.platform.kafka;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Caps the off-heap memory of every RocksDB store in this JVM with one shared block cache that also
 * accounts for the memtables (the bounded-memory recipe of the Kafka Streams memory-management guide).
 *
 * <p>Without it each store instance — one per store and task, and {@code pulse run} hosts several goal
 * applications — allocates its own 50 MB block cache and up to three 16 MB memtables, so the process's
 * resident size grows with the number of partitions instead of staying within the 1 GiB target.
 *
 * <p>Kafka Streams instantiates this class itself; the budget comes from {@link #TOTAL_BYTES_CONFIG} in
 * the streams configuration. The cache is created once per JVM by the first store (later budgets are
 * ignored) and never closed by a store, because every store shares it.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

    /** Streams-config key carrying the total budget in bytes (block cache including memtables). */
    public static final String TOTAL_BYTES_CONFIG = "pulse.rocksdb.total.memory.bytes";
    /** Share of the budget the memtables may take before RocksDB flushes them. */
    private static final double MEMTABLE_SHARE = 0.5;
    /** Index and filter blocks get the high-priority pool so data blocks cannot evict them. */
    private static final double HIGH_PRIORITY_SHARE = 0.1;
    private static final long MEMTABLE_BYTES = 8L * 1024 * 1024;
    private static final long BLOCK_BYTES = 16L * 1024;

    private static Cache cache;
    private static WriteBufferManager writeBufferManager;

    private static synchronized void ensureShared(long totalBytes) {
        if (cache == null) {
            cache = new LRUCache(totalBytes, -1, false, HIGH_PRIORITY_SHARE);
            writeBufferManager = new WriteBufferManager((long) (totalBytes * MEMTABLE_SHARE), cache);
        }
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Object configured = configs.get(TOTAL_BYTES_CONFIG);
        long total = configured == null ? 64L * 1024 * 1024 : Long.parseLong(configured.toString());
        ensureShared(total);
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(cache);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        table.setBlockSize(BLOCK_BYTES);
        options.setWriteBufferManager(writeBufferManager);
        options.setWriteBufferSize(MEMTABLE_BYTES);
        options.setMaxWriteBufferNumber(2);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and write-buffer manager are shared by every store: closing them here would break the others.
    }
}
