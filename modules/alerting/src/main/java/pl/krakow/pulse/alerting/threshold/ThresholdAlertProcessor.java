package pl.krakow.pulse.alerting.threshold;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import pl.krakow.pulse.alerting.AlertMetrics;
import pl.krakow.pulse.alerting.rules.AlertRule;
import pl.krakow.pulse.alerting.rules.AlertRules;
import pl.krakow.pulse.alerting.rules.RuleFamily;
import pl.krakow.pulse.events.alerts.Alert;
import pl.krakow.pulse.events.alerts.AlertKind;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;

/**
 * Judges indicator values of one series (key {@code indicatorId|scope}, after the repartition) with
 * {@link ThresholdAlertMachine}, one state per rule family, and forwards {@link Alert}s keyed
 * {@code indicatorId|scope|familyId}.
 *
 * <p><b>Ordering.</b> The indicator tables are keyed (and so partitioned) by indicator, scope and
 * window, so consecutive windows of one series reach this task through different upstream partitions
 * and may arrive out of window order. The confirmed walk must see FINAL values in window order, so a
 * FINAL value is judged at once only when it continues the last judged window (its start is that
 * window's end, or it revises that window); otherwise it is held in the series' state until the gap
 * is filled or, for a real gap (a day without any data), until it has waited {@code reorderWait} of
 * wall-clock time <em>and</em> this task's input has been quiet for half of that (or it has waited ten
 * times {@code reorderWait}), when everything held is judged in window order. The quiet condition keeps
 * a catch-up (a replay, a restart with a backlog) from judging a window before predecessors that are
 * still queued in other partitions: while records keep arriving, a gap is presumed to be disorder. A FINAL value older than the last
 * judged window is stale: counted, not judged. PROVISIONAL values are never held (they only raise early).
 *
 * <p>The state lives in a changelogged store, so with exactly-once a restart neither repeats nor loses
 * an announcement. Store entries are per series (bounded by the number of indicator × scope pairs).
 */
public final class ThresholdAlertProcessor implements Processor<String, IndicatorValue, String, Alert> {

    private final String storeName;
    private final AlertRules rules;
    private final Clock clock;
    private final Duration reorderWait;
    private final Duration punctuationInterval;
    private final AlertMetrics metrics;
    private final Set<String> keysWithHeld = new HashSet<>();
    /** Wall-clock time this task last received a value (in memory: after a restart the wait starts afresh). */
    private long lastInputAt;
    private ProcessorContext<String, Alert> context;
    private KeyValueStore<String, SeriesState> store;

    public ThresholdAlertProcessor(String storeName, AlertRules rules, Clock clock, Duration reorderWait,
                                   Duration punctuationInterval, MeterRegistry meters) {
        this.storeName = storeName;
        this.rules = rules;
        this.clock = clock;
        this.reorderWait = reorderWait;
        this.punctuationInterval = punctuationInterval;
        this.metrics = new AlertMetrics(meters);
    }

    @Override
    public void init(ProcessorContext<String, Alert> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        this.lastInputAt = clock.millis();
        try (KeyValueIterator<String, SeriesState> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, SeriesState> kv = it.next();
                if (!kv.value.held.isEmpty()) {
                    keysWithHeld.add(kv.key);
                }
            }
        }
        context.schedule(punctuationInterval, PunctuationType.WALL_CLOCK_TIME, this::releaseOverdue);
    }

    @Override
    public void process(Record<String, IndicatorValue> record) {
        IndicatorValue v = record.value();
        lastInputAt = clock.millis();
        if (v == null || record.key() == null) {
            return;
        }
        List<RuleFamily> families = rules.familiesFor(v.getIndicatorId(), v.getScope());
        if (families.isEmpty()) {
            return;
        }
        String key = record.key();
        SeriesState series = store.get(key);
        if (series == null) {
            series = new SeriesState();
        }
        long start = v.getWindowStart().toEpochMilli();
        long end = v.getWindowEnd().toEpochMilli();
        if (v.getStatus() == IndicatorStatus.PROVISIONAL) {
            if (start > series.lastJudgedStart && judgeable(v.getValue(), v.getValid())) {
                for (RuleFamily family : families) {
                    ThresholdAlertState s = series.families.computeIfAbsent(family.familyId(), f -> new ThresholdAlertState());
                    emit(v.getIndicatorId(), v.getScope(), family, v.getUnit(), record.timestamp(), ingestedAt(v),
                            ThresholdAlertMachine.onProvisional(family, s, key, v.getValue(), start, end, clock.millis()));
                }
                store.put(key, series);
            }
            return;
        }
        SeriesState.Held h = new SeriesState.Held();
        h.value = v.getValue();
        h.valid = v.getValid();
        h.windowStart = start;
        h.windowEnd = end;
        h.unit = v.getUnit();
        h.timestamp = record.timestamp();
        h.lastEventIngestedAt = ingestedAt(v);
        h.heldSince = clock.millis();
        if (series.lastJudgedStart != ThresholdAlertState.NONE && start < series.lastJudgedStart) {
            metrics.staleFinal(v.getIndicatorId());
            return;
        }
        boolean continues = series.lastJudgedStart != ThresholdAlertState.NONE
                && (start == series.lastJudgedEnd || start == series.lastJudgedStart);
        if (continues || reorderWait.isZero()) {
            judge(key, v.getIndicatorId(), v.getScope(), families, series, h);
            drainContiguous(key, v.getIndicatorId(), v.getScope(), families, series);
        } else {
            series.held.put(start, h);
        }
        save(key, series);
    }

    private void releaseOverdue(long ignoredWallClock) {
        long now = clock.millis();
        for (String key : new ArrayList<>(keysWithHeld)) {
            SeriesState series = store.get(key);
            if (series == null || series.held.isEmpty()) {
                keysWithHeld.remove(key);
                continue;
            }
            long oldest = series.held.values().stream().mapToLong(h -> h.heldSince).min().orElse(now);
            long waited = now - oldest;
            boolean quiet = now - lastInputAt >= reorderWait.toMillis() / 2;
            if (waited < reorderWait.toMillis() || (!quiet && waited < reorderWait.toMillis() * 10)) {
                continue;
            }
            int bar = key.indexOf('|');
            String indicatorId = key.substring(0, bar);
            String scope = key.substring(bar + 1);
            List<RuleFamily> families = rules.familiesFor(indicatorId, scope);
            while (!series.held.isEmpty()) {
                SeriesState.Held h = series.held.pollFirstEntry().getValue();
                if (series.lastJudgedStart != ThresholdAlertState.NONE && h.windowStart < series.lastJudgedStart) {
                    metrics.staleFinal(indicatorId);
                    continue;
                }
                judge(key, indicatorId, scope, families, series, h);
            }
            save(key, series);
        }
    }

    private void drainContiguous(String key, String indicatorId, String scope, List<RuleFamily> families, SeriesState series) {
        while (!series.held.isEmpty()) {
            Map.Entry<Long, SeriesState.Held> first = series.held.firstEntry();
            if (first.getKey() < series.lastJudgedStart) {
                series.held.pollFirstEntry();
                metrics.staleFinal(indicatorId);
            } else if (first.getKey() == series.lastJudgedEnd || first.getKey() == series.lastJudgedStart) {
                series.held.pollFirstEntry();
                judge(key, indicatorId, scope, families, series, first.getValue());
            } else {
                return;
            }
        }
    }

    private void judge(String key, String indicatorId, String scope, List<RuleFamily> families, SeriesState series,
                       SeriesState.Held h) {
        series.lastJudgedStart = h.windowStart;
        series.lastJudgedEnd = h.windowEnd;
        if (!judgeable(h.value, h.valid)) {
            return;
        }
        for (RuleFamily family : families) {
            ThresholdAlertState s = series.families.computeIfAbsent(family.familyId(), f -> new ThresholdAlertState());
            emit(indicatorId, scope, family, h.unit, h.timestamp, h.lastEventIngestedAt,
                    ThresholdAlertMachine.onFinal(family, s, key, h.value, h.windowStart, h.windowEnd, clock.millis()));
            if (s.isIdle()) {
                // Nothing open for this family: keep the store small (the series keeps its window marks).
                series.families.remove(family.familyId());
            }
        }
    }

    private void save(String key, SeriesState series) {
        store.put(key, series);
        if (series.held.isEmpty()) {
            keysWithHeld.remove(key);
        } else {
            keysWithHeld.add(key);
        }
    }

    private static boolean judgeable(Double value, boolean valid) {
        return valid && value != null && Double.isFinite(value);
    }

    private static Long ingestedAt(IndicatorValue v) {
        return v.getLastEventIngestedAt() == null ? null : v.getLastEventIngestedAt().toEpochMilli();
    }

    private void emit(String indicatorId, String scope, RuleFamily family, String unit, long timestamp, Long ingestedAt,
                      List<AlertChange> changes) {
        for (AlertChange c : changes) {
            if (ingestedAt != null) {
                metrics.latency(clock.millis() - ingestedAt);
            }
            AlertRule rule = family.level(c.level());
            Alert alert = Alert.newBuilder()
                    .setAlertId(c.alertId())
                    .setIndicatorId(indicatorId)
                    .setScope(scope)
                    .setRuleId(rule.ruleId())
                    .setKind(AlertKind.THRESHOLD)
                    .setLevel(rule.level())
                    .setState(c.state())
                    .setProvisional(c.provisional())
                    .setValue(c.value())
                    .setThreshold(rule.threshold())
                    .setUnit(unit == null ? "" : unit)
                    .setThresholdSource(rule.source())
                    .setWindowStart(Instant.ofEpochMilli(c.windowStartMs()))
                    .setWindowEnd(Instant.ofEpochMilli(c.windowEndMs()))
                    .setFirstSeen(Instant.ofEpochMilli(c.firstSeenMs()))
                    .setLastUpdated(Instant.ofEpochMilli(clock.millis()))
                    .build();
            metrics.announced(alert);
            // Stamped with the wall clock: alerts.v1 is compact+delete with a 400-day retention, and the event-time stamp
            // of a backfill (2017 windows) made the log cleaner delete fresh alerts, so instances started later missed them.
            context.forward(new Record<>(indicatorId + "|" + scope + "|" + family.familyId(), alert, clock.millis()));
        }
    }
}
