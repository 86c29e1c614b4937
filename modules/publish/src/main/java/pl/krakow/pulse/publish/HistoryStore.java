package pl.krakow.pulse.publish;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiPredicate;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import pl.krakow.pulse.events.indicators.IndicatorValue;

/**
 * The indicator values of the read model on disk: one RocksDB database holding the latest value per
 * {@code indicatorId|scope|windowStart}, so the heap holds none of the history.
 *
 * <p><b>Layout.</b> Key: the indicator id and the scope, each as a 2-byte length and its UTF-8 bytes, then the window
 * start in epoch milliseconds as a big-endian long with its sign bit flipped — so the keys of one series sort by
 * window start (before 1970 too) and a series is one contiguous key range that no other series' prefix can reach.
 * Value: a format byte, the window length in milliseconds (8 bytes, what retention looks at without decoding the
 * rest) and the value in Avro single-object encoding.
 *
 * <p><b>Lifetime.</b> The store is a cache of the indicator tables, rebuilt from them at every start: {@link #open}
 * takes a directory for this process alone (an exclusive file lock on {@code history-N.lock}; a second instance on
 * the same data directory takes {@code history-2}, …), deletes what a previous run left there and starts empty.
 * Nothing is written ahead (no WAL): a crash loses only what the next start reads again. {@link #temporary()} is the
 * same in a temporary directory deleted on close (models without a data directory, tests).
 *
 * <p><b>Threads.</b> One writer, any number of readers; RocksDB gives each read a consistent view of one key, and a
 * range read sees a snapshot taken by its iterator. {@link #close()} waits for reads in progress; reads after it
 * answer empty.
 *
 * <p><b>Memory.</b> Bounded, not proportional to the values held: two 8 MiB memtables and an 8 MiB block cache
 * (off-heap), plus the index and filter blocks of the files (a few bytes per key, in the cache).
 */
final class HistoryStore implements AutoCloseable {

    private static final byte FORMAT = 1;
    private static final int VALUE_HEADER = 1 + Long.BYTES;
    private static final long WRITE_BUFFER_BYTES = 8L << 20;
    private static final long BLOCK_CACHE_BYTES = 8L << 20;
    private static final int MAX_INSTANCES = 64;

    static {
        RocksDB.loadLibrary();
    }

    private final Path dir;
    private final boolean deleteOnClose;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Options options;
    private final LRUCache cache;
    private final BloomFilter filter;
    private final WriteOptions writeOptions;
    private final RocksDB db;
    private final AtomicLong count = new AtomicLong();
    private final ReentrantReadWriteLock closing = new ReentrantReadWriteLock();
    private boolean closed;

    private HistoryStore(Path dir, boolean deleteOnClose, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.deleteOnClose = deleteOnClose;
        this.lockChannel = lockChannel;
        this.lock = lock;
        deleteRecursively(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            releaseLock();
            throw new UncheckedIOException("cannot create the history store directory " + dir, e);
        }
        cache = new LRUCache(BLOCK_CACHE_BYTES);
        filter = new BloomFilter(10);
        options = new Options()
                .setCreateIfMissing(true)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setWriteBufferSize(WRITE_BUFFER_BYTES)
                .setMaxWriteBufferNumber(2)
                .setMaxBackgroundJobs(2)
                .setKeepLogFileNum(2)
                .setTableFormatConfig(new BlockBasedTableConfig()
                        .setBlockCache(cache)
                        .setFilterPolicy(filter)
                        .setCacheIndexAndFilterBlocks(true));
        writeOptions = new WriteOptions().setDisableWAL(true);
        try {
            db = RocksDB.open(options, dir.toString());
        } catch (RocksDBException e) {
            writeOptions.close();
            options.close();
            filter.close();
            cache.close();
            releaseLock();
            throw new IllegalStateException("cannot open the history store in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * A store in {@code parent/history-N} for the first N whose lock this process gets, emptied first.
     *
     * @throws IllegalStateException when {@value #MAX_INSTANCES} instances already hold the directory
     */
    static HistoryStore open(Path parent) {
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the history store directory " + parent, e);
        }
        for (int n = 1; n <= MAX_INSTANCES; n++) {
            Path lockFile = parent.resolve("history-" + n + ".lock");
            FileChannel channel = null;
            try {
                channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    return new HistoryStore(parent.resolve("history-" + n), false, channel, lock);
                }
                channel.close();
            } catch (OverlappingFileLockException e) {
                closeQuietly(channel); // held by another model of this process
            } catch (IOException e) {
                closeQuietly(channel);
                throw new UncheckedIOException("cannot lock " + lockFile, e);
            }
        }
        throw new IllegalStateException(MAX_INSTANCES + " read models already hold history stores in " + parent);
    }

    /** A store in a new temporary directory, deleted on {@link #close()}. */
    static HistoryStore temporary() {
        try {
            return new HistoryStore(Files.createTempDirectory("pulse-history-"), true, null, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary history store", e);
        }
    }

    Path directory() {
        return dir;
    }

    /** Values held. */
    long size() {
        return count.get();
    }

    /** Bytes of the store's files on disk (live SST files; the memtables not yet flushed are not counted). */
    long diskBytes() {
        return read(() -> {
            try {
                return db.getLongProperty("rocksdb.live-sst-files-size");
            } catch (RocksDBException e) {
                return -1L;
            }
        }, -1L);
    }

    // --- writes (one thread) -------------------------------------------------------------------------

    /** What the caller knows of a key it puts: a known answer skips the look-up that keeps {@link #size()} exact. */
    enum Known { HELD, NEW, UNKNOWN }

    /** Stores the value under its key, replacing what was there; true when the key was new. */
    boolean put(IndicatorValue value) {
        return put(value, Known.UNKNOWN);
    }

    /**
     * As {@link #put(IndicatorValue)}, for a caller that may know whether the key is held: a revision of a series'
     * latest window is, a window later than any of the series is not — between them most records of a live feed.
     */
    boolean put(IndicatorValue value, Known known) {
        byte[] key = key(value.getIndicatorId(), value.getScope(), value.getWindowStart());
        byte[] bytes = encode(value);
        return write(() -> {
            boolean isNew = known == Known.NEW || known == Known.UNKNOWN && db.get(key) == null;
            db.put(writeOptions, key, bytes);
            if (isNew) {
                count.incrementAndGet();
            }
            return isNew;
        });
    }

    /** Deletes one window; true when it was held. */
    boolean delete(String indicatorId, String scope, Instant windowStart) {
        byte[] key = key(indicatorId, scope, windowStart);
        return write(() -> {
            if (db.get(key) == null) {
                return false;
            }
            db.delete(writeOptions, key);
            count.decrementAndGet();
            return true;
        });
    }

    /**
     * Deletes the values of one series whose window start lies in {@code [fromInclusive, toExclusive)} and which
     * {@code expired} accepts (given window start and window length); returns how many.
     */
    int deleteWhere(String indicatorId, String scope, Instant fromInclusive, Instant toExclusive,
                    BiPredicate<Instant, Duration> expired) {
        if (!fromInclusive.isBefore(toExclusive)) {
            return 0;
        }
        return write(() -> {
            int deleted = 0;
            try (Slice upper = new Slice(key(indicatorId, scope, toExclusive));
                 ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
                 RocksIterator it = db.newIterator(ro);
                 WriteBatch batch = new WriteBatch()) {
                for (it.seek(key(indicatorId, scope, fromInclusive)); it.isValid(); it.next()) {
                    byte[] k = it.key();
                    Instant windowStart = Instant.ofEpochMilli(ByteBuffer.wrap(k, k.length - Long.BYTES, Long.BYTES)
                            .getLong() ^ Long.MIN_VALUE);
                    if (expired.test(windowStart, Duration.ofMillis(ByteBuffer.wrap(it.value(), 1, Long.BYTES).getLong()))) {
                        batch.delete(it.key());
                        deleted++;
                    }
                }
                it.status();
                if (deleted > 0) {
                    db.write(writeOptions, batch);
                    count.addAndGet(-deleted);
                }
            }
            return deleted;
        });
    }

    // --- reads (any thread) --------------------------------------------------------------------------

    /**
     * Up to {@code limit} values of one series with window start in {@code [fromInclusive, toExclusive)}, by window
     * start ascending or descending.
     */
    List<IndicatorValue> range(String indicatorId, String scope, Instant fromInclusive, Instant toExclusive,
                               boolean ascending, int limit) {
        if (!fromInclusive.isBefore(toExclusive) || limit <= 0) {
            return List.of();
        }
        byte[] lower = key(indicatorId, scope, fromInclusive);
        byte[] upper = key(indicatorId, scope, toExclusive);
        return read(() -> {
            List<IndicatorValue> out = new ArrayList<>();
            try (Slice lowerSlice = new Slice(lower);
                 Slice upperSlice = new Slice(upper);
                 ReadOptions ro = new ReadOptions().setIterateLowerBound(lowerSlice).setIterateUpperBound(upperSlice);
                 RocksIterator it = db.newIterator(ro)) {
                if (ascending) {
                    for (it.seek(lower); it.isValid() && out.size() < limit; it.next()) {
                        out.add(decode(it.value()));
                    }
                } else {
                    for (it.seekToLast(); it.isValid() && out.size() < limit; it.prev()) {
                        out.add(decode(it.value()));
                    }
                }
                it.status();
            }
            return out;
        }, List.of());
    }

    /** The value with the latest window start of one series. */
    Optional<IndicatorValue> last(String indicatorId, String scope) {
        List<IndicatorValue> last = range(indicatorId, scope, Instant.ofEpochMilli(Long.MIN_VALUE),
                Instant.ofEpochMilli(Long.MAX_VALUE), false, 1);
        return last.stream().findFirst();
    }

    // --- encoding ------------------------------------------------------------------------------------

    /** The key of one window; instants outside the millisecond range clamp to its ends. */
    static byte[] key(String indicatorId, String scope, Instant windowStart) {
        byte[] id = indicatorId.getBytes(StandardCharsets.UTF_8);
        byte[] sc = scope.getBytes(StandardCharsets.UTF_8);
        if (id.length > 0xFFFF || sc.length > 0xFFFF) {
            throw new IllegalArgumentException("indicator id or scope longer than 65535 bytes");
        }
        return ByteBuffer.allocate(2 + id.length + 2 + sc.length + Long.BYTES)
                .putShort((short) id.length).put(id)
                .putShort((short) sc.length).put(sc)
                .putLong(millis(windowStart) ^ Long.MIN_VALUE)
                .array();
    }

    private static long millis(Instant t) {
        if (t.isBefore(Instant.ofEpochMilli(Long.MIN_VALUE))) {
            return Long.MIN_VALUE;
        }
        if (t.isAfter(Instant.ofEpochMilli(Long.MAX_VALUE))) {
            return Long.MAX_VALUE;
        }
        return t.toEpochMilli();
    }

    private static byte[] encode(IndicatorValue value) {
        try {
            ByteBuffer avro = IndicatorValue.getEncoder().encode(value);
            long windowMillis = value.getWindowEnd().toEpochMilli() - value.getWindowStart().toEpochMilli();
            return ByteBuffer.allocate(VALUE_HEADER + avro.remaining()).put(FORMAT).putLong(windowMillis).put(avro).array();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + value, e);
        }
    }

    private static IndicatorValue decode(byte[] bytes) {
        try {
            return IndicatorValue.getDecoder().decode(ByteBuffer.wrap(bytes, VALUE_HEADER, bytes.length - VALUE_HEADER));
        } catch (IOException e) {
            throw new UncheckedIOException("history store value cannot be decoded", e);
        }
    }

    // --- lifecycle -----------------------------------------------------------------------------------

    private interface RocksCall<T> {
        T call() throws RocksDBException;
    }

    private <T> T write(RocksCall<T> call) {
        closing.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the history store in " + dir + " is closed");
            }
            return call.call();
        } catch (RocksDBException e) {
            throw new IllegalStateException("history store in " + dir + ": " + e.getMessage(), e);
        } finally {
            closing.readLock().unlock();
        }
    }

    private <T> T read(RocksCall<T> call, T whenClosed) {
        closing.readLock().lock();
        try {
            return closed ? whenClosed : call.call();
        } catch (RocksDBException e) {
            throw new IllegalStateException("history store in " + dir + ": " + e.getMessage(), e);
        } finally {
            closing.readLock().unlock();
        }
    }

    /** Closes the database (after the reads in progress) and releases the directory. Idempotent. */
    @Override
    public void close() {
        closing.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            db.close();
            writeOptions.close();
            options.close();
            filter.close();
            cache.close();
        } finally {
            closing.writeLock().unlock();
        }
        if (deleteOnClose) {
            deleteRecursively(dir);
        }
        releaseLock();
    }

    private void releaseLock() {
        if (lock != null) {
            try {
                lock.release();
            } catch (IOException ignored) {
                // closing the channel releases it too
            }
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing held
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty the history store directory " + dir, e);
        }
    }

    @Override
    public String toString() {
        return "HistoryStore[" + dir + ", " + size() + " values]";
    }
}
