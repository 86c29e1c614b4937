package pl.krakow.pulse.alerting.missing;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import pl.krakow.pulse.alerting.AlertMetrics;
import pl.krakow.pulse.events.alerts.Alert;
import pl.krakow.pulse.events.alerts.AlertKind;
import pl.krakow.pulse.events.alerts.AlertLevel;
import pl.krakow.pulse.events.alerts.AlertState;

/**
 * Stage 2 of the missing-data check: keeps the last heartbeat per watched source ({@code topic|scope})
 * and, from a wall-clock punctuator driven by the injected clock, raises one {@code MISSING_DATA}
 * alert when a source has been silent longer than its entry's duration; the next heartbeat clears it.
 *
 * <p>Silence is measured in wall-clock arrival time, not event time: a replay of old data is not
 * silent, a live feed that stops is. A source never seen is never expected (there is no registry of
 * expected stations yet). After a start-up, nothing is raised until the app has run for the source's
 * duration itself, so a restart after downtime does not raise for sources whose backlog is still being read.
 */
public final class MissingDataProcessor implements Processor<String, Long, String, Alert> {

    public static final String RULE_ID = "missing-data";

    private final String storeName;
    private final MissingDataSpec spec;
    private final Clock clock;
    private final Duration checkInterval;
    private final AlertMetrics metrics;
    private ProcessorContext<String, Alert> context;
    private KeyValueStore<String, SilenceState> store;
    private long startedAt;

    public MissingDataProcessor(String storeName, MissingDataSpec spec, Clock clock, Duration checkInterval, MeterRegistry meters) {
        this.storeName = storeName;
        this.spec = spec;
        this.clock = clock;
        this.checkInterval = checkInterval;
        this.metrics = new AlertMetrics(meters);
    }

    @Override
    public void init(ProcessorContext<String, Alert> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        this.startedAt = clock.millis();
        context.schedule(checkInterval, PunctuationType.WALL_CLOCK_TIME, t -> check());
    }

    @Override
    public void process(Record<String, Long> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        SilenceState s = store.get(record.key());
        if (s == null) {
            s = new SilenceState();
        }
        long silentSince = s.lastSeen;
        s.lastSeen = Math.max(s.lastSeen, record.value());
        if (s.alertId != null) {
            // The silent interval is [last record before the silence, first record after it].
            emit(record.key(), s, AlertState.CLEARED, silentSince, s.lastSeen, record.timestamp());
            s.alertId = null;
            s.firstSeen = 0;
        }
        store.put(record.key(), s);
    }

    private void check() {
        long now = clock.millis();
        List<KeyValue<String, SilenceState>> due = new ArrayList<>();
        try (KeyValueIterator<String, SilenceState> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, SilenceState> kv = it.next();
                Optional<MissingDataSpec.Entry> entry = entryOf(kv.key);
                if (kv.value.alertId != null || entry.isEmpty()) {
                    continue;
                }
                long silentAfter = entry.get().silentAfter().toMillis();
                if (now - kv.value.lastSeen > silentAfter && now - startedAt >= silentAfter) {
                    due.add(kv);
                }
            }
        }
        for (KeyValue<String, SilenceState> kv : due) {
            SilenceState s = kv.value;
            s.alertId = UUID.nameUUIDFromBytes((kv.key + "|" + RULE_ID + "|" + s.lastSeen).getBytes(StandardCharsets.UTF_8)).toString();
            s.firstSeen = now;
            emit(kv.key, s, AlertState.RAISED, s.lastSeen, now, now);
            store.put(kv.key, s);
        }
    }

    private Optional<MissingDataSpec.Entry> entryOf(String key) {
        int bar = key.indexOf('|');
        return bar < 0 ? Optional.empty() : spec.forTopic(key.substring(0, bar));
    }

    private void emit(String key, SilenceState s, AlertState state, long windowStart, long windowEnd, long timestamp) {
        int bar = key.indexOf('|');
        String topic = key.substring(0, bar);
        String scope = key.substring(bar + 1);
        Duration silentAfter = entryOf(key).map(MissingDataSpec.Entry::silentAfter).orElse(Duration.ZERO);
        Alert alert = Alert.newBuilder()
                .setAlertId(s.alertId)
                .setIndicatorId(topic)
                .setScope(scope)
                .setRuleId(RULE_ID)
                .setKind(AlertKind.MISSING_DATA)
                .setLevel(AlertLevel.WARNING)
                .setState(state)
                .setProvisional(false)
                .setValue((windowEnd - windowStart) / 1000.0)
                .setThreshold((double) silentAfter.toSeconds())
                .setUnit("s")
                .setThresholdSource("alerting.missing.data (expected cadence of " + topic + ")")
                .setWindowStart(Instant.ofEpochMilli(windowStart))
                .setWindowEnd(Instant.ofEpochMilli(windowEnd))
                .setFirstSeen(Instant.ofEpochMilli(s.firstSeen))
                .setLastUpdated(Instant.ofEpochMilli(clock.millis()))
                .build();
        metrics.announced(alert);
        // Wall-clock stamp, as threshold alerts: alerts.v1 is compact+delete (retention by record time).
        context.forward(new Record<>(key + "|" + RULE_ID, alert, clock.millis()));
    }
}
