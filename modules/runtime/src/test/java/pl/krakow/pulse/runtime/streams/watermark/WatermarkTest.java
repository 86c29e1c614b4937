package pl.krakow.pulse.runtime.streams.watermark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The watermark pieces on their own: the marker's wire form, multicast, the reporter's cadence, the minimum. */
class WatermarkTest {

    private static final long DAY = 86_400_000L;

    private KeyValueStore<Integer, byte[]> store;
    private UpstreamWatermark watermark;

    @BeforeEach
    void setUp() {
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("progress"), Serdes.Integer(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        watermark = new UpstreamWatermark(store);
    }

    @Test
    void markerRoundTripsThroughItsHeaderAndIsNeverData() {
        Progress p = new Progress(3, 6, 1_483_228_800_000L, true);
        Record<String, String> marker = p.toRecord();
        assertThat(marker.key()).isEqualTo(Progress.MARKER_KEY);
        assertThat(Progress.isMarker(marker)).isTrue();
        assertThat(Progress.of(marker)).contains(p);
        assertThat(Progress.of(new Record<>("k", "value", 0L, marker.headers()))).isEmpty();
        assertThat(Progress.isMarker(new Record<>("k", null, 0L))).as("a tombstone is not a marker").isFalse();
    }

    @Test
    void partitionerSendsMarkersToEveryPartitionAndDataWhereTheDefaultWould() {
        WatermarkPartitioner<String, String> partitioner = new WatermarkPartitioner<>();
        Record<String, String> marker = new Progress(0, 2, 5L, false).toRecord();
        assertThat(partitioner.partitions("t", marker.key(), null, marker.headers(), 4)).contains(Set.of(0, 1, 2, 3));
        assertThat(partitioner.partitions("t", "station", "v", new RecordHeaders(), 4)).isEmpty();
        assertThat(partitioner.partitions("t", "station", null, new RecordHeaders(), 4)).as("a tombstone").isEmpty();
    }

    @Test
    void reporterSpeaksOncePerFrontierAndOnEveryIdleChange() {
        ProgressReporter reporter = new ProgressReporter(1, 2, t -> Math.floorDiv(t, DAY));
        assertThat(reporter.observe(10, false)).isPresent();          // first: always
        assertThat(reporter.observe(DAY - 1, false)).isEmpty();       // same day
        assertThat(reporter.observe(DAY, false)).contains(new Progress(1, 2, DAY, false));
        assertThat(reporter.observe(DAY + 5, true)).contains(new Progress(1, 2, DAY + 5, true));
        assertThat(reporter.observe(DAY + 6, true)).isEmpty();
        assertThat(reporter.observe(DAY + 7, false)).isPresent();     // active again
        assertThat(reporter.observe(0, false)).as("never backwards").isEmpty();
    }

    @Test
    void watermarkIsTheMinimumOverEveryPartitionAndWaitsForOnesNotHeardFrom() {
        assertThat(watermark.update(new Progress(0, 3, 5 * DAY, false))).isFalse();
        assertThat(watermark.update(new Progress(2, 3, 9 * DAY, false))).isFalse();
        assertThat(watermark.current()).as("partition 1 not heard from").isEqualTo(Long.MIN_VALUE);
        assertThat(watermark.update(new Progress(1, 3, 2 * DAY, false))).isTrue();
        assertThat(watermark.current()).isEqualTo(2 * DAY);
        assertThat(watermark.update(new Progress(1, 3, 7 * DAY, false))).isTrue();
        assertThat(watermark.current()).isEqualTo(5 * DAY);
    }

    @Test
    void idlePartitionsAreLeftOutAndAllIdleMeansTheLargestProgress() {
        watermark.update(new Progress(0, 2, 5 * DAY, false));
        watermark.update(new Progress(1, 2, Long.MIN_VALUE, true));
        assertThat(watermark.current()).isEqualTo(5 * DAY);
        watermark.update(new Progress(0, 2, 6 * DAY, true));
        assertThat(watermark.current()).isEqualTo(6 * DAY);
        assertThat(watermark.idleSources()).isEqualTo(2);
        // Waking up behind the watermark never moves it back.
        assertThat(watermark.update(new Progress(1, 2, DAY, false))).isFalse();
        assertThat(watermark.current()).isEqualTo(6 * DAY);
    }

    @Test
    void progressAndWatermarkSurviveARestartAndAPartitionNeverGoesBack() {
        watermark.update(new Progress(0, 2, 4 * DAY, false));
        watermark.update(new Progress(1, 2, 3 * DAY, false));
        UpstreamWatermark restarted = new UpstreamWatermark(store);
        assertThat(restarted.current()).isEqualTo(3 * DAY);
        assertThat(restarted.sourceCount()).isEqualTo(2);
        restarted.update(new Progress(1, 2, DAY, false)); // an older marker (a replayed task) keeps the larger progress
        restarted.update(new Progress(0, 2, 8 * DAY, false));
        assertThat(restarted.current()).isEqualTo(3 * DAY);
    }
}
