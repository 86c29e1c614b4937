package pl.krakow.pulse.indicators.aqi;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashSet;
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
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.catalog.IndicatorKeys;

/**
 * Air-quality index class per station and hour (kind {@code aqi_class}, e.g. {@code iv3.aqi.class}), straight from
 * the measurements (station-keyed, so no repartitioning).
 *
 * <p><b>Input.</b> Hourly measurements ({@code averagingPeriodSeconds = 3600}, finite) of the pollutants that have
 * bands; others are ignored. An hour is {@code [eventTime − 1 h, eventTime)} (GIOŚ stamps the end). The latest value
 * of a pollutant for an hour replaces the earlier one (a correction re-classifies the hour); a duplicate
 * publishes nothing.
 *
 * <p><b>Value.</b> A station-hour is classified once the station has sent a value for it. Per pollutant the
 * sub-index is the class of its hourly value, or of the running mean of its last n hourly values for a pollutant
 * averaged over n hours (see {@link AqiClassDefinition}: too few hours in the mean, no sub-index). {@code value} =
 * the worst sub-index; {@code observedCount} = pollutants with a sub-index, {@code expectedCount} = pollutants with
 * bands, {@code coverage} their ratio; {@code valid} = true (one pollutant suffices for a class — project choice;
 * the EEA asks more pollutants of its own index). An hour no pollutant has a sub-index for publishes nothing.
 * PROVISIONAL (revision 0) when the hour's class first appears and whenever it changes — also when an earlier
 * hour's value (late within grace, or a correction) changes the running mean of an open later hour; FINAL
 * (revision 1) once stream time reaches the hour's end + grace (a stream-time punctuator every minute of stream
 * time). A value for an hour already FINAL is late: counted ({@code pulse.indicators.late.events}), nothing
 * changes, not even the running means of later hours. No wall-clock finalisation yet: a station silent afterwards
 * keeps its last hours PROVISIONAL until stream time moves.
 *
 * <p><b>State.</b> One store entry per station-hour ({@link AqiHour}), changelogged, so a restart resumes from it.
 * With hourly values only, an hour is deleted when it is FINAL; with running means of up to n hours a FINAL hour is
 * kept, marked FINAL, until the last hour whose mean reads it is FINAL too: at most n + grace − 1 hours per station
 * (26 for 24-hour means with a 3-hour grace).
 *
 * <p><b>Emission.</b> With a positive {@code emitInterval} (what {@code pulse run} configures) class changes are
 * coalesced: a WALL_CLOCK_TIME punctuator publishes the PROVISIONAL value of every hour whose class, or the number
 * of pollutants it is read from ({@code observedCount}), changed since its last publication, at most once per
 * interval — under exactly-once nothing is visible before the next commit anyway, and in a backfill most hours go straight to FINAL. The stored hour keeps the class last published, so
 * a restart finds the hours still to publish. FINAL carries the hour's current class.
 *
 * <p><b>Cost.</b> The keys of the open and of the kept FINAL hours are held in memory in store order (rebuilt from
 * the store once per task start): finalisation reads the due hours by key instead of opening a store iterator at
 * every punctuation. A record reads no other entry with hourly values only; with running means of up to n hours it
 * reads the station's n − 1 earlier hours and the n − 1 later ones its value feeds.
 */
public final class AqiClassProcessor implements Processor<String, AirQualityMeasurement, String, IndicatorValue> {

    private static final long HOUR_MS = 3_600_000L;

    private final AqiClassDefinition definition;
    private final ZoneId zone;
    private final Clock clock;
    private final long graceMs;
    /** Hours a class reads back, this hour included: the longest running mean (1 with hourly values only). */
    private final int windowHours;
    private final Counter provisional;
    private final Counter finals;
    private final Counter late;
    private final long emitIntervalMs;
    private ProcessorContext<String, IndicatorValue> context;
    private KeyValueStore<String, String> hours;
    /** Keys of the open (not yet FINAL) hours, in store order; {@code null} until read from the store after a start. */
    private TreeSet<String> openKeys;
    /** Keys of the FINAL hours kept for the running means of later hours, in store order. */
    private TreeSet<String> keptKeys;
    /** Coalesced mode: hours whose class may have changed since it was last published. */
    private final Set<String> pendingKeys = new LinkedHashSet<>();

    /** Emits a PROVISIONAL value on every change of the class or of the pollutants it is read from. */
    public AqiClassProcessor(AqiClassDefinition definition, ZoneId zone, Clock clock, MeterRegistry meters) {
        this(definition, zone, clock, meters, Duration.ZERO);
    }

    /**
     * @param emitInterval {@link Duration#ZERO}: a PROVISIONAL value on every change (class or pollutant count); positive: changes
     *                     coalesced and published at most once per interval
     */
    public AqiClassProcessor(AqiClassDefinition definition, ZoneId zone, Clock clock, MeterRegistry meters,
                             Duration emitInterval) {
        this.emitIntervalMs = emitInterval.toMillis();
        this.definition = Objects.requireNonNull(definition);
        this.zone = Objects.requireNonNull(zone);
        this.clock = Objects.requireNonNull(clock);
        this.graceMs = definition.grace().toMillis();
        this.windowHours = definition.maxAveragingHours();
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

    /**
     * The first call after a (re)start reads the stored hours' keys; in coalesced mode every open hour is then a
     * candidate to publish ({@link #emitPending} skips those whose class is already published).
     */
    private void loadKeys() {
        if (openKeys != null) {
            return;
        }
        TreeSet<String> open = new TreeSet<>();
        TreeSet<String> kept = new TreeSet<>();
        try (KeyValueIterator<String, String> it = hours.all()) {
            it.forEachRemaining(kv -> {
                if (AqiHour.decode(kv.value).closed) {
                    kept.add(kv.key);
                } else {
                    open.add(kv.key);
                    if (emitIntervalMs > 0) {
                        pendingKeys.add(kv.key);
                    }
                }
            });
        }
        openKeys = open;
        keptKeys = kept;
    }

    /** Coalesced mode: publishes the PROVISIONAL class of every open hour whose class or count changed since last published. */
    private void emitPending() {
        loadKeys();
        for (String key : pendingKeys) {
            String stored = hours.get(key);
            if (stored == null) {
                continue;
            }
            AqiHour hour = AqiHour.decode(stored);
            long hourStartMs = hourStartOf(key);
            String station = stationOf(key);
            AqiClassDefinition.AqiClass cls = classOf(station, hourStartMs, hour);
            if (hour.closed || !hour.differsFromPublished(cls)) {
                continue;
            }
            hour.published(cls);
            hours.put(key, hour.encode());
            emit(station, hourStartMs, hour, cls.pollutants(), IndicatorStatus.PROVISIONAL, 0);
        }
        pendingKeys.clear();
    }

    /**
     * Hour first (13 digits, zero-padded), so store order and the key indexes are hour order. Built by hand:
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
        String station = record.key();
        long hourEndMs = m.getEventTime().toEpochMilli();
        long hourStartMs = Math.floorDiv(hourEndMs - 1, HOUR_MS) * HOUR_MS;
        String key = key(hourStartMs, station);
        String stored = hours.get(key);
        AqiHour hour = stored == null ? null : AqiHour.decode(stored);
        if (hour == null ? hourStartMs + HOUR_MS + graceMs <= context.currentStreamTimeMs() : hour.closed) {
            late.increment();
            return;
        }
        loadKeys();
        if (hour == null) {
            hour = new AqiHour();
            openKeys.add(key);
        }
        hour.values.put(m.getPollutant(), m.getConcentrationUgM3());
        long ingestedAtMs = m.getIngestedAt() == null ? Long.MIN_VALUE : m.getIngestedAt().toEpochMilli();
        hour.lastIngestedAtMs = Math.max(hour.lastIngestedAtMs, ingestedAtMs);

        // The value feeds this hour and, in a running mean of n hours, the next n − 1 hours' means: read the
        // station's hours from n_max − 1 before this one (for the other pollutants' means) to the last one it feeds.
        int fed = definition.averagingHours(m.getPollutant());
        int before = windowHours - 1;
        AqiHour[] window = window(station, hourStartMs - before * HOUR_MS, before + fed, hourStartMs, hour);
        for (int j = 0; j < fed; j++) {
            AqiHour h = window[before + j];
            if (h == null || h.closed) {
                continue; // the station sent nothing for that hour (a closed one cannot follow this open hour)
            }
            long startMs = hourStartMs + j * HOUR_MS;
            if (j > 0) {
                h.lastIngestedAtMs = Math.max(h.lastIngestedAtMs, ingestedAtMs);
            }
            reclassify(j == 0 ? key : key(startMs, station), station, startMs, h,
                    definition.classAt(window, before + j));
        }
    }

    /** Stores the hour and publishes (or, coalesced, marks to publish) its class when it changed. */
    private void reclassify(String key, String station, long hourStartMs, AqiHour hour, AqiClassDefinition.AqiClass cls) {
        boolean changed = hour.differsFromPublished(cls);
        if (emitIntervalMs > 0) {
            hours.put(key, hour.encode()); // publishedClass unchanged: the stored hour says it is still to publish
            if (changed) {
                pendingKeys.add(key);
            }
            return;
        }
        if (changed) {
            hour.published(cls);
        }
        hours.put(key, hour.encode());
        if (changed) {
            emit(station, hourStartMs, hour, cls.pollutants(), IndicatorStatus.PROVISIONAL, 0);
        }
    }

    /**
     * The station's stored hours from {@code firstStartMs}, {@code length} consecutive hours, oldest first
     * ({@code null} where none is stored); {@code known} stands for the hour starting at {@code knownStartMs}.
     */
    private AqiHour[] window(String station, long firstStartMs, int length, long knownStartMs, AqiHour known) {
        AqiHour[] window = new AqiHour[length];
        for (int i = 0; i < length; i++) {
            long startMs = firstStartMs + i * HOUR_MS;
            if (startMs == knownStartMs) {
                window[i] = known;
            } else if (startMs >= 0) {
                String stored = hours.get(key(startMs, station));
                window[i] = stored == null ? null : AqiHour.decode(stored);
            }
        }
        return window;
    }

    private AqiClassDefinition.AqiClass classOf(String station, long hourStartMs, AqiHour hour) {
        int before = windowHours - 1;
        return definition.classAt(window(station, hourStartMs - before * HOUR_MS, before + 1, hourStartMs, hour), before);
    }

    /**
     * Emits FINAL for every open hour whose end + grace has been reached, then deletes it, or with running means
     * keeps it (marked FINAL) until the last hour whose mean reads it is FINAL too.
     */
    private void finalise(long streamTimeMs) {
        loadKeys();
        long lastDueStartMs = streamTimeMs - graceMs - HOUR_MS;
        // Keys start with the zero-padded hour: the first key not due ends the scan.
        while (!openKeys.isEmpty() && hourStartOf(openKeys.first()) <= lastDueStartMs) {
            String key = openKeys.pollFirst();
            pendingKeys.remove(key); // FINAL supersedes a pending PROVISIONAL value
            String stored = hours.get(key);
            if (stored == null) {
                continue;
            }
            AqiHour hour = AqiHour.decode(stored);
            long hourStartMs = hourStartOf(key);
            String station = stationOf(key);
            AqiClassDefinition.AqiClass cls = classOf(station, hourStartMs, hour);
            if (cls.value() > 0) {
                hour.published(cls);
                emit(station, hourStartMs, hour, cls.pollutants(), IndicatorStatus.FINAL, 1);
            }
            if (windowHours == 1) {
                hours.delete(key);
            } else {
                hour.closed = true;
                hours.put(key, hour.encode());
                keptKeys.add(key);
            }
        }
        // A FINAL hour is read by the means of the next windowHours − 1 hours; once the last of them is FINAL too
        // (and finalised above, in hour order) nothing reads it any more.
        long lastUnreadStartMs = lastDueStartMs - (windowHours - 1) * HOUR_MS;
        while (!keptKeys.isEmpty() && hourStartOf(keptKeys.first()) <= lastUnreadStartMs) {
            hours.delete(keptKeys.pollFirst());
        }
    }

    private static long hourStartOf(String key) {
        return Long.parseLong(key, 0, key.indexOf('|'), 10);
    }

    private static String stationOf(String key) {
        return key.substring(key.indexOf('|') + 1);
    }

    private void emit(String station, long hourStartMs, AqiHour hour, int pollutants, IndicatorStatus status, int revision) {
        int expected = definition.bands().size();
        Instant start = Instant.ofEpochMilli(hourStartMs);
        String scope = IndicatorKeys.stationScope(station);
        IndicatorValue value = new IndicatorValue(definition.indicatorId(), definition.goal(), scope, start,
                start.plusMillis(HOUR_MS), zone.getId(), (double) hour.publishedClass, definition.unit(), pollutants,
                expected, (double) pollutants / expected, true, status, revision, Instant.ofEpochMilli(clock.millis()),
                hour.lastIngestedAtMs == Long.MIN_VALUE ? null : Instant.ofEpochMilli(hour.lastIngestedAtMs));
        context.forward(new Record<>(IndicatorKeys.key(definition.indicatorId(), scope, start, zone), value,
                hourStartMs + HOUR_MS));
        (status == IndicatorStatus.FINAL ? finals : provisional).increment();
    }
}
