package pl.krakow.pulse.runtime.streams.watermark;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The downstream half of a watermark: a stage's event-time progress, the <em>minimum</em> over every upstream
 * task that feeds it (DESIGN §9), computed from the {@link Progress} markers those tasks multicast.
 *
 * <ul>
 *   <li>An upstream partition not heard from yet holds the watermark at {@link Long#MIN_VALUE}: a stage never
 *       runs ahead of a task that has not reported (the count of upstream partitions comes with every marker).</li>
 *   <li>An idle upstream (no records for the idle timeout) is left out of the minimum; when <em>every</em>
 *       upstream is idle the watermark is the largest progress reported, since nothing is pending anywhere.</li>
 *   <li>The watermark never goes back, also across restarts: every source's progress and the watermark itself
 *       live in a changelogged store ({@link #storeBuilder}) restored with the stage's other state, so
 *       exactly-once processing and restarts keep it consistent with the windows it closed.</li>
 * </ul>
 * Not thread-safe (one per task).
 */
public final class UpstreamWatermark {

    private static final int WATERMARK_KEY = -1;

    private final KeyValueStore<Integer, byte[]> store;
    private final Map<Integer, Progress> sources = new HashMap<>();
    private int sourceCount = 1;
    private long watermarkMs = Long.MIN_VALUE;

    public UpstreamWatermark(KeyValueStore<Integer, byte[]> store) {
        this.store = store;
        try (KeyValueIterator<Integer, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Integer, byte[]> kv = it.next();
                if (kv.key == WATERMARK_KEY) {
                    watermarkMs = ByteBuffer.wrap(kv.value).getLong();
                } else {
                    Progress p = decode(kv.value);
                    sources.put(kv.key, p);
                    sourceCount = Math.max(sourceCount, p.sourcePartitions());
                }
            }
        }
    }

    /** A store for one stage's upstream progress: small, changelogged, never cached (every marker matters). */
    public static StoreBuilder<KeyValueStore<Integer, byte[]>> storeBuilder(String name) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.Integer(), Serdes.ByteArray())
                .withCachingDisabled();
    }

    /** Records a marker; returns true when the watermark moved forward. */
    public boolean update(Progress marker) {
        Progress old = sources.get(marker.sourcePartition());
        long progress = old == null ? marker.progressMs() : Math.max(old.progressMs(), marker.progressMs());
        Progress kept = new Progress(marker.sourcePartition(), marker.sourcePartitions(), progress, marker.idle());
        if (kept.equals(old)) {
            return false;
        }
        sources.put(kept.sourcePartition(), kept);
        store.put(kept.sourcePartition(), kept.toBytes());
        sourceCount = Math.max(sourceCount, Math.max(kept.sourcePartitions(), kept.sourcePartition() + 1));
        long next = compute();
        if (next <= watermarkMs) {
            return false;
        }
        watermarkMs = next;
        store.put(WATERMARK_KEY, ByteBuffer.allocate(8).putLong(watermarkMs).array());
        return true;
    }

    /** The stage's watermark (epoch ms); {@link Long#MIN_VALUE} until every upstream task has reported. */
    public long current() {
        return watermarkMs;
    }

    /** How many upstream partitions feed the stage (the largest count any marker reported). */
    public int sourceCount() {
        return sourceCount;
    }

    /** The upstream partitions currently left out of the minimum as idle. */
    public long idleSources() {
        return sources.values().stream().filter(Progress::idle).count();
    }

    private long compute() {
        long minActive = Long.MAX_VALUE;
        long maxAll = Long.MIN_VALUE;
        boolean anyActive = false;
        for (int p = 0; p < sourceCount; p++) {
            Progress s = sources.get(p);
            if (s == null) {
                return Long.MIN_VALUE; // not heard from: cannot run ahead of it
            }
            maxAll = Math.max(maxAll, s.progressMs());
            if (!s.idle()) {
                anyActive = true;
                minActive = Math.min(minActive, s.progressMs());
            }
        }
        return anyActive ? minActive : maxAll;
    }

    private static Progress decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
        return new Progress(b.getInt(), b.getInt(), b.getLong(), b.get() != 0);
    }
}
