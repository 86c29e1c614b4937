package pl.krakow.pulse.alerting.missing;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Stage 1 of the missing-data check, per event-topic partition: turns arriving records into
 * heartbeats {@code topic|scope → wall-clock millis}, at most one per scope per {@code throttleMs}, so
 * a busy feed (vehicle positions) costs one repartitioned record per interval instead of one per event.
 * The throttle is in memory: after a restart the first record of each scope beats again, which is harmless.
 * Values are never deserialised, so a record no one can decode still proves its source is alive.
 */
public final class HeartbeatProcessor implements Processor<String, byte[], String, Long> {

    private final MissingDataSpec.Entry entry;
    private final Clock clock;
    private final long throttleMs;
    private final Map<String, Long> lastBeat = new HashMap<>();
    private ProcessorContext<String, Long> context;

    public HeartbeatProcessor(MissingDataSpec.Entry entry, Clock clock, long throttleMs) {
        this.entry = entry;
        this.clock = clock;
        this.throttleMs = throttleMs;
    }

    @Override
    public void init(ProcessorContext<String, Long> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (entry.perKey() && (record.key() == null || record.key().isBlank())) {
            return;
        }
        String key = entry.topic() + "|" + entry.scope(record.key());
        long now = clock.millis();
        Long last = lastBeat.get(key);
        if (last != null && now - last < throttleMs) {
            return;
        }
        lastBeat.put(key, now);
        context.forward(new Record<>(key, now, record.timestamp()));
    }
}
