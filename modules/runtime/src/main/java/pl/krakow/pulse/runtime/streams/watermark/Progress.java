package pl.krakow.pulse.runtime.streams.watermark;

import java.nio.ByteBuffer;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

/**
 * One upstream task's event-time progress, carried in-band to the next stage of a topology as a <em>progress
 * marker</em>: a record with key {@link #MARKER_KEY}, a {@code null} value and this progress in the
 * {@link #HEADER} header. A repartition built with {@link WatermarkPartitioner} sends every marker to every
 * partition of the repartition topic, so each downstream task hears from every upstream task.
 *
 * <p><b>Contract.</b> A marker with {@code progressMs = P} from source partition {@code p} promises that the
 * upstream task of {@code p} has already forwarded every value of every window whose {@code end + grace ≤ P}
 * (and, being ordered within the partition it was written to, that those values precede the marker). An
 * {@code idle} marker says the source has had no new records for the idle timeout: the downstream stage leaves it
 * out of its minimum until a non-idle marker arrives (DESIGN §9: one dead source cannot hold the city forever).
 * Times are epoch milliseconds, UTC.
 *
 * @param sourcePartition  the upstream task's input partition (its task id's partition)
 * @param sourcePartitions how many input partitions (so upstream tasks) feed the stage
 * @param progressMs       the upstream task's closing time; {@link Long#MIN_VALUE} when it has seen nothing
 * @param idle             no records for the idle timeout
 */
public record Progress(int sourcePartition, int sourcePartitions, long progressMs, boolean idle) {

    /** Header that marks a record as a progress marker. */
    public static final String HEADER = "pulse.progress";
    /** Key of every progress marker (no table key or station code looks like it). */
    public static final String MARKER_KEY = "~progress";

    private static final byte FORMAT_VERSION = 1;
    private static final int SIZE = 1 + 4 + 4 + 8 + 1;

    public Progress {
        if (sourcePartition < 0 || sourcePartitions < 1) {
            throw new IllegalArgumentException("source partition " + sourcePartition + " of " + sourcePartitions);
        }
    }

    /** The marker record carrying this progress, stamped with its progress (or 0 when there is none yet). */
    public <V> Record<String, V> toRecord() {
        Headers headers = new RecordHeaders().add(HEADER, toBytes());
        return new Record<>(MARKER_KEY, null, Math.max(0, progressMs), headers);
    }

    /** The progress a record carries, when it is a progress marker. */
    public static Optional<Progress> of(Record<?, ?> record) {
        return record.value() == null ? fromHeaders(record.headers()) : Optional.empty();
    }

    /** True when the record is a progress marker (callers must not treat it as data nor write it to a table). */
    public static boolean isMarker(Record<?, ?> record) {
        return record.value() == null && record.headers().lastHeader(HEADER) != null;
    }

    static Optional<Progress> fromHeaders(Headers headers) {
        Header h = headers == null ? null : headers.lastHeader(HEADER);
        if (h == null || h.value() == null || h.value().length != SIZE || h.value()[0] != FORMAT_VERSION) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(h.value(), 1, SIZE - 1);
        return Optional.of(new Progress(b.getInt(), b.getInt(), b.getLong(), b.get() != 0));
    }

    byte[] toBytes() {
        return ByteBuffer.allocate(SIZE).put(FORMAT_VERSION).putInt(sourcePartition).putInt(sourcePartitions)
                .putLong(progressMs).put((byte) (idle ? 1 : 0)).array();
    }
}
