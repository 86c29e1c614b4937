package pl.krakow.pulse.runtime.replica;

import java.time.Duration;

/**
 * How a {@link TopicReplica} first caught up with its topics: logged once, and handed to its listeners.
 *
 * @param elapsed           from {@link TopicReplica#start()} to caught up (includes waiting for the topics to exist)
 * @param records           records applied until then (values and tombstones)
 * @param offsetsBehind     end minus beginning offsets summed over the partitions when reading began: the lag the
 *                          replica started with (transaction markers count, so it may exceed {@code records})
 * @param partitions        partitions read
 */
public record CatchUpReport(Duration elapsed, long records, long offsetsBehind, int partitions) {

    @Override
    public String toString() {
        return records + " records (" + offsetsBehind + " offsets behind at start) from " + partitions + " partitions in "
                + elapsed.toMillis() + " ms";
    }
}
