package pl.krakow.pulse.indicators.o3;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.indicators.window.LocalDay;
import pl.krakow.pulse.indicators.window.LocalDayWindows;
import pl.krakow.pulse.platform.catalog.IndicatorKeys;

/**
 * Maximum daily 8-hour running mean per station and local day (kind {@code max_8h_mean}, e.g.
 * {@code iv3.o3.max_8h}), downstream of the pollutant's hourly-value processor in the same task (fed in process,
 * by child name; no topic — both are per station). Rules of one day: {@link Max8hDay}.
 *
 * <p><b>Input.</b> Every hourly value the hourly processor emits (PROVISIONAL on arrival and on corrections,
 * FINAL once per hour, in hour order). An hour is stored in its own day and, when it is one of the last 7 hours
 * of that day, also in the next day (the first running means of a day reach back to 17:00 of the previous one),
 * so a correction of such an hour updates both days.
 *
 * <p><b>Emission.</b> PROVISIONAL (revision 0) when a day's result (max, valid means, validity) changes and the
 * day has at least one hour of its own. A day is FINAL (revision 1, state deleted) when a FINAL hourly value
 * of the same station ends at or after the day's end — the hourly processor closes hours in order, so every
 * hour of the day is closed by then. A station silent after a day keeps that day PROVISIONAL (as for the
 * year-to-date values).
 *
 * <p><b>Store</b> {@link Max8hDefinition#storeName()}: key {@code scope|<day end, 13-digit epoch ms>} (sorted per
 * station by day), value {@link Max8hDay} (≤ 32 hourly slots).
 */
public final class Max8hProcessor implements Processor<String, SpecificRecord, String, IndicatorValue> {

    private static final long MILLIS_PER_HOUR = 3_600_000L;

    private final Max8hDefinition definition;
    private final LocalDayWindows windows;
    private final ZoneId zone;
    private final Clock clock;
    private final Counter provisional;
    private final Counter finals;

    private ProcessorContext<String, IndicatorValue> context;
    private KeyValueStore<String, Max8hDay> days;

    public Max8hProcessor(Max8hDefinition definition, ZoneId zone, Clock clock, MeterRegistry meters) {
        this.definition = Objects.requireNonNull(definition);
        this.zone = Objects.requireNonNull(zone);
        this.windows = new LocalDayWindows(zone);
        this.clock = Objects.requireNonNull(clock);
        this.provisional = Counter.builder("pulse.indicators.values").description("Indicator values emitted")
                .tag("indicator", definition.indicatorId()).tag("status", IndicatorStatus.PROVISIONAL.name()).register(meters);
        this.finals = Counter.builder("pulse.indicators.values").description("Indicator values emitted")
                .tag("indicator", definition.indicatorId()).tag("status", IndicatorStatus.FINAL.name()).register(meters);
    }

    @Override
    public void init(ProcessorContext<String, IndicatorValue> context) {
        this.context = context;
        this.days = context.getStateStore(definition.storeName());
    }

    static String key(String scope, long dayEndMs) {
        return scope + '|' + String.format("%013d", dayEndMs);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        if (!(record.value() instanceof IndicatorValue hourly) || hourly.getValue() == null) {
            return;
        }
        String scope = hourly.getScope();
        long hourStartMs = hourly.getWindowStart().toEpochMilli();
        long hourEndMs = hourStartMs + MILLIS_PER_HOUR;
        long ingested = hourly.getLastEventIngestedAt() == null ? Long.MIN_VALUE : hourly.getLastEventIngestedAt().toEpochMilli();
        LocalDay own = windows.windowContaining(hourStartMs);
        update(scope, own, hourStartMs, hourly.getValue(), ingested, record.timestamp());
        if (hourStartMs >= own.endMs() - Max8hDay.LEAD_HOURS * MILLIS_PER_HOUR) {
            update(scope, windows.windowContaining(own.endMs()), hourStartMs, hourly.getValue(), ingested, record.timestamp());
        }
        if (hourly.getStatus() == IndicatorStatus.FINAL) {
            finaliseUpTo(scope, hourEndMs, record.timestamp());
        }
    }

    private void update(String scope, LocalDay day, long hourStartMs, double value, long ingested, long timestampMs) {
        String key = key(scope, day.endMs());
        Max8hDay state = days.get(key);
        if (state == null) {
            state = new Max8hDay(day.startMs(), day.endMs());
        }
        int slot = state.slotOf(hourStartMs);
        if (slot < 0 || !state.put(slot, value, ingested)) {
            return;
        }
        Max8hDay.Result result = state.result(definition.minHoursPerMean(), definition.minMeansPerDay());
        if (state.hasOwnHour() && !result.equals(state.published())) {
            state.published(result);
            emit(scope, state, result, IndicatorStatus.PROVISIONAL, 0, timestampMs);
        }
        days.put(key, state);
    }

    /** Emits FINAL for every held day of the station ending at or before {@code endMs} and deletes it. */
    private void finaliseUpTo(String scope, long endMs, long timestampMs) {
        List<KeyValue<String, Max8hDay>> due = new ArrayList<>();
        try (KeyValueIterator<String, Max8hDay> it = days.range(scope + '|', key(scope, endMs))) {
            it.forEachRemaining(due::add);
        }
        for (KeyValue<String, Max8hDay> kv : due) {
            if (kv.value.hasOwnHour()) {
                emit(scope, kv.value, kv.value.result(definition.minHoursPerMean(), definition.minMeansPerDay()),
                        IndicatorStatus.FINAL, 1, timestampMs);
            }
            days.delete(kv.key);
        }
    }

    private void emit(String scope, Max8hDay day, Max8hDay.Result r, IndicatorStatus status, int revision, long timestampMs) {
        long ingested = day.lastIngestedAtMs();
        Instant start = Instant.ofEpochMilli(day.dayStartMs());
        IndicatorValue value = new IndicatorValue(definition.indicatorId(), definition.goal(), scope, start,
                Instant.ofEpochMilli(day.dayEndMs()), zone.getId(), r.value(), definition.unit(), r.observed(), r.expected(),
                r.expected() == 0 ? 0 : (double) r.observed() / r.expected(), r.valid(), status, revision,
                Instant.ofEpochMilli(clock.millis()), ingested == Long.MIN_VALUE ? null : Instant.ofEpochMilli(ingested));
        context.forward(new Record<>(IndicatorKeys.key(definition.indicatorId(), scope, start, zone), value, timestampMs));
        (status == IndicatorStatus.FINAL ? finals : provisional).increment();
    }
}
