package pl.krakow.pulse.indicators.aqi;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
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
 *
 * <p><b>Emission.</b> With a positive {@code emitInterval} (what {@code pulse run} configures) class changes are
 * coalesced: a WALL_CLOCK_TIME punctuator publishes the PROVISIONAL value of every hour whose class changed since
 * its last publication, at most once per interval — under exactly-once nothing is visible before the next commit
 * anyway, and in a backfill most hours go straight to FINAL. The stored hour keeps the class last published, so
 * a restart finds the hours still to publish. FINAL carries the hour's current class.
 *
 * <p><b>Cost.</b> The open hours' keys are held in memory in store order (rebuilt from the store once per task
 * start): finalisation reads the due hours by key instead of opening a store iterator at every punctuation.
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
    private final long emitIntervalMs;
    private ProcessorContext<String, IndicatorValue> context;
    private KeyValueStore<String, String> hours;
    /** Keys of the stored (open) hours, in store order; {@code null} until read from the store after a start. */
    private TreeSet<String> openKeys;
    /** Coalesced mode: hours whose class changed since it was last published. */
    private final Set<String> pendingKeys = new LinkedHashSet<>();

    /** Emits a PROVISIONAL value on every class change. */
    public AqiClassProcessor(AqiClassDefinition definition, ZoneId zone, Clock clock, MeterRegistry meters) {
        this(definition, zone, clock, meters, Duration.ZERO);
    }

    /**
     * @param emitInterval {@link Duration#ZERO}: a PROVISIONAL value on every class change; positive: class changes
     *                     coalesced and published at most once per interval
     */
    public AqiClassProcessor(AqiClassDefinition definition, ZoneId zone, Clock clock, MeterRegistry meters,
                             Duration emitInterval) {
        this.emitIntervalMs = emitInterval.toMillis();
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

    @Override
    public void init(ProcessorContext<String, IndicatorValue> context) {
        this.context = context;
        this.hours = context.getStateStore(definition.storeName());
        context.schedule(Duration.ofMinutes(1), PunctuationType.STREAM_TIME, this::finalise);
        if (emitIntervalMs > 0) {
            context.schedule(Duration.ofMillis(emitIntervalMs), PunctuationType.WALL_CLOCK_TIME, wallClock -> emitPending());
        }
    }

    /** The open hours' keys; the first call after a (re)start reads them, and the hours still to publish, from the store. */
    private TreeSet<String> openKeys() {
        if (openKeys == null) {
            TreeSet<String> keys = new TreeSet<>();
            try (KeyValueIterator<String, String> it = hours.all()) {
                it.forEachRemaining(kv -> {
                    keys.add(kv.key);
                    AqiHour hour = AqiHour.decode(kv.value);
                    if (emitIntervalMs > 0 && classOf(hour) != hour.publishedClass) {
                        pendingKeys.add(kv.key);
                    }
                });
            }
            openKeys = keys;
        }
        return openKeys;
    }

    /** Coalesced mode: publishes the PROVISIONAL class of every open hour whose class changed since it was last published. */
    private void emitPending() {
        openKeys();
        for (String key : pendingKeys) {
            String stored = hours.get(key);
            if (stored == null) {
                continue;
            }
            AqiHour hour = AqiHour.decode(stored);
            int cls = classOf(hour);
            if (cls == hour.publishedClass) {
                continue;
            }
            hour.publishedClass = cls;
            hours.put(key, hour.encode());
            emit(stationOf(key), hourStartOf(key), hour, IndicatorStatus.PROVISIONAL, 0);
        }
        pendingKeys.clear();
    }

    /**
     * Hour first (13 digits, zero-padded), so store order and the open-key index are hour order. Built by hand:
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
        if (stored == null) {
            openKeys().add(key);
        }
        int cls = classOf(hour);
        boolean changed = cls != hour.publishedClass;
        if (emitIntervalMs > 0) {
            hours.put(key, hour.encode()); // publishedClass unchanged: the stored hour says it is still to publish
            if (changed) {
                pendingKeys.add(key);
            }
            return;
        }
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
        TreeSet<String> open = openKeys();
        if (lastDueStart < 0 || open.isEmpty() || hourStartOf(open.first()) > lastDueStart) {
            return;
        }
        for (Iterator<String> it = open.iterator(); it.hasNext(); ) {
            String key = it.next();
            long hourStartMs = hourStartOf(key);
            if (hourStartMs > lastDueStart) {
                break; // keys start with the zero-padded hour: every later key is still open
            }
            it.remove();
            pendingKeys.remove(key); // FINAL supersedes a pending PROVISIONAL value
            String stored = hours.get(key);
            if (stored == null) {
                continue;
            }
            AqiHour hour = AqiHour.decode(stored);
            hour.publishedClass = classOf(hour);
            emit(stationOf(key), hourStartMs, hour, IndicatorStatus.FINAL, 1);
            hours.delete(key);
        }
    }

    private static long hourStartOf(String key) {
        return Long.parseLong(key, 0, key.indexOf('|'), 10);
    }

    private static String stationOf(String key) {
        return key.substring(key.indexOf('|') + 1);
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
