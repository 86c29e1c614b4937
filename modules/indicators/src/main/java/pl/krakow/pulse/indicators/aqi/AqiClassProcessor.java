package pl.krakow.pulse.indicators.aqi;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.catalog.IndicatorKeys;

/**
 * Air-quality index class per station and hour (kind {@code aqi_class}, e.g. {@code iv3.aqi.class}), straight from
 * the measurements (station-keyed, so no repartitioning).
 *
 * <p><b>Input.</b> Hourly measurements ({@code averagingPeriodSeconds = 3600}, finite) of the pollutants that have
 * bands; others are ignored. An hour is {@code [eventTime − 1 h, eventTime)} (GIOŚ stamps the end). The latest value
 * of a pollutant for an hour replaces the earlier one (a correction re-classifies the hour).
 *
 * <p><b>Value.</b> {@code value} = the worst class over the pollutants present; {@code observedCount} = pollutants
 * present, {@code expectedCount} = pollutants with bands, {@code coverage} their ratio; {@code valid} = true (one
 * pollutant suffices for a class — project choice; the EEA asks more pollutants of its own index). PROVISIONAL
 * (revision 0) when the hour's class first appears and whenever it changes; FINAL (revision 1, state deleted) once
 * stream time reaches the hour's end + grace (a stream-time punctuator every minute of stream time). A value for an
 * hour already FINAL is late: counted ({@code pulse.indicators.late.events}), nothing changes. No wall-clock
 * finalisation yet: a station silent afterwards keeps its last hours PROVISIONAL until stream time moves.
 */
public final class AqiClassProcessor implements Processor<String, AirQualityMeasurement, String, IndicatorValue> {

    private static final long HOUR_MS = 3_600_000L;

    private final AqiClassDefinition definition;
    private final ZoneId zone;
    private final Clock clock;
    private final long graceMs;
    private final Counter provisional;
    private final Counter finals;
    private final Counter late;
    private ProcessorContext<String, IndicatorValue> context;
    private KeyValueStore<String, String> hours;

    public AqiClassProcessor(AqiClassDefinition definition, ZoneId zone, Clock clock, MeterRegistry meters) {
        this.definition = Objects.requireNonNull(definition);
        this.zone = Objects.requireNonNull(zone);
        this.clock = Objects.requireNonNull(clock);
        this.graceMs = definition.grace().toMillis();
        this.provisional = Counter.builder("pulse.indicators.values").description("Indicator values emitted")
                .tag("indicator", definition.indicatorId()).tag("status", IndicatorStatus.PROVISIONAL.name()).register(meters);
        this.finals = Counter.builder("pulse.indicators.values").description("Indicator values emitted")
                .tag("indicator", definition.indicatorId()).tag("status", IndicatorStatus.FINAL.name()).register(meters);
        this.late = Counter.builder("pulse.indicators.late.events").description("Events for windows already closed")
                .tag("indicator", definition.indicatorId()).register(meters);
    }

    /** Start of the latest hour whose FINAL was emitted by this instance: nothing at or before it is stored. */
    private long finalisedUpToStartMs = Long.MIN_VALUE;

    @Override
    public void init(ProcessorContext<String, IndicatorValue> context) {
        this.context = context;
        this.hours = context.getStateStore(definition.storeName());
        context.schedule(Duration.ofMinutes(1), PunctuationType.STREAM_TIME, this::finalise);
    }

    /**
     * Hour first (13 digits, zero-padded), so the hours due for FINAL are one range scan. Built by hand:
     * {@code String.format} on every record showed in the benchmark's profile.
     */
    static String key(long hourStartMs, String station) {
        String digits = Long.toString(hourStartMs);
        StringBuilder b = new StringBuilder(14 + station.length());
        for (int i = digits.length(); i < 13; i++) {
            b.append('0');
        }
        return b.append(digits).append('|').append(station).toString();
    }

    @Override
    public void process(Record<String, AirQualityMeasurement> record) {
        AirQualityMeasurement m = record.value();
        if (m == null || record.key() == null || m.getAveragingPeriodSeconds() != 3600
                || !Double.isFinite(m.getConcentrationUgM3()) || !definition.bands().containsKey(m.getPollutant())) {
            return;
        }
        long hourEndMs = m.getEventTime().toEpochMilli();
        long hourStartMs = Math.floorDiv(hourEndMs - 1, HOUR_MS) * HOUR_MS;
        String key = key(hourStartMs, record.key());
        String stored = hours.get(key);
        if (stored == null && hourStartMs + HOUR_MS + graceMs <= context.currentStreamTimeMs()) {
            late.increment();
            return;
        }
        AqiHour hour = stored == null ? new AqiHour() : AqiHour.decode(stored);
        hour.values.put(m.getPollutant(), m.getConcentrationUgM3());
        if (m.getIngestedAt() != null) {
            hour.lastIngestedAtMs = Math.max(hour.lastIngestedAtMs, m.getIngestedAt().toEpochMilli());
        }
        int cls = classOf(hour);
        boolean changed = cls != hour.publishedClass;
        hour.publishedClass = cls;
        hours.put(key, hour.encode());
        if (changed) {
            emit(record.key(), hourStartMs, hour, IndicatorStatus.PROVISIONAL, 0);
        }
    }

    private int classOf(AqiHour hour) {
        int worst = 0;
        for (Map.Entry<Pollutant, Double> e : hour.values.entrySet()) {
            worst = Math.max(worst, definition.classOf(e.getKey(), e.getValue()));
        }
        return worst;
    }

    /** Emits FINAL for every hour whose end + grace has been reached, then deletes it. */
    private void finalise(long streamTimeMs) {
        long lastDueStart = streamTimeMs - graceMs - HOUR_MS;
        if (lastDueStart < 0) {
            return;
        }
        List<KeyValue<String, String>> due = new ArrayList<>();
        // From just after the last hour finalised here: deleted hours stay in RocksDB as tombstones until
        // compaction, and a scan from the first key walked over all of them at every punctuation.
        long from = finalisedUpToStartMs == Long.MIN_VALUE ? 0 : finalisedUpToStartMs + 1;
        if (from > lastDueStart) {
            return;
        }
        try (KeyValueIterator<String, String> it = hours.range(key(from, ""), key(lastDueStart, "\uffff"))) {
            it.forEachRemaining(due::add);
        }
        for (KeyValue<String, String> kv : due) {
            int bar = kv.key.indexOf('|');
            emit(kv.key.substring(bar + 1), Long.parseLong(kv.key.substring(0, bar)), AqiHour.decode(kv.value),
                    IndicatorStatus.FINAL, 1);
            hours.delete(kv.key);
        }
        finalisedUpToStartMs = Math.max(finalisedUpToStartMs, lastDueStart);
    }

    private void emit(String station, long hourStartMs, AqiHour hour, IndicatorStatus status, int revision) {
        int expected = definition.bands().size();
        int observed = hour.values.size();
        Instant start = Instant.ofEpochMilli(hourStartMs);
        String scope = IndicatorKeys.stationScope(station);
        IndicatorValue value = new IndicatorValue(definition.indicatorId(), definition.goal(), scope, start,
                start.plusMillis(HOUR_MS), zone.getId(), (double) hour.publishedClass, definition.unit(), observed, expected,
                (double) observed / expected, true, status, revision, Instant.ofEpochMilli(clock.millis()),
                hour.lastIngestedAtMs == Long.MIN_VALUE ? null : Instant.ofEpochMilli(hour.lastIngestedAtMs));
        context.forward(new Record<>(IndicatorKeys.key(definition.indicatorId(), scope, start, zone), value,
                hourStartMs + HOUR_MS));
        (status == IndicatorStatus.FINAL ? finals : provisional).increment();
    }
}
