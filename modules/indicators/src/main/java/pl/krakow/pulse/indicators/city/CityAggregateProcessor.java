package pl.krakow.pulse.indicators.city;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;

/**
 * Stage 2 of a city value: combines the station values of one indicator and window into the {@code city} value.
 *
 * <p><b>Input.</b> The station values the stage-1 processor emits (PROVISIONAL on each change, FINAL once per
 * window), re-keyed by {@code indicatorId|city|<window start>} and sent through a named repartition topic, so
 * the state of one (indicator, window) lives in one task: the hot path of stage 1 stays per station (no hot
 * partition), and only the (few) station values per window cross the topic. Records of one station arrive in
 * order (one upstream partition per station); stations interleave arbitrarily.
 *
 * <p><b>State</b> ({@link CityDayState}, store {@link CityDefinition#storeName()}): per window, station →
 * {mean, valid, final}; a station's value replaces its slot (no double counting).
 *
 * <p><b>Rules.</b> {@code value} = {@link CityAggregate} over the <em>valid</em> station values (null when
 * none); {@code observedCount} = stations with a valid value; {@code expectedCount} = stations that reported the
 * window (there is no station registry: a station that sent nothing that window is not expected);
 * {@code coverage} = their ratio; {@code valid} iff at least one station is valid (project rule: a city value
 * from one valid station is a real lower bound of the maximum).
 * <ul>
 *   <li>PROVISIONAL (revision 0) on every change of the city snapshot while any station's value is PROVISIONAL
 *       and no FINAL city value was published;</li>
 *   <li>FINAL (revision 1) once every reporting station's value is FINAL;</li>
 *   <li>after that, a change (a station's later FINAL, e.g. from a lagging partition) gives FINAL revision + 1
 *       once all stations are FINAL again; PROVISIONAL station values in between are held, not published
 *       (a FINAL city value never goes back to PROVISIONAL).</li>
 * </ul>
 *
 * <p><b>Clean-up.</b> A window is deleted once this task's stream time passes its {@code end + grace +
 * retention}; a station value for such a window is dropped and counted ({@code pulse.indicators.city.late.values}).
 *
 * <p>Output timestamp = the triggering station value's; {@code computedAt} = the injected wall clock.
 */
public final class CityAggregateProcessor implements Processor<String, SpecificRecord, String, IndicatorValue> {

    public static final String VALUES = "pulse.indicators.city.values";
    public static final String LATE = "pulse.indicators.city.late.values";
    public static final String IGNORED = "pulse.indicators.city.ignored.records";

    private static final Duration PURGE_INTERVAL = Duration.ofHours(1);

    private final CityDefinition definition;
    private final Clock clock;
    private final long horizonMs;
    private final Counter provisional;
    private final Counter finals;
    private final Counter late;
    private final Counter dropped;

    private ProcessorContext<String, IndicatorValue> context;
    private KeyValueStore<String, CityDayState> daysStore;
    private Cancellable purger;

    public CityAggregateProcessor(CityDefinition definition, Clock clock, MeterRegistry meters) {
        this.definition = Objects.requireNonNull(definition);
        this.clock = Objects.requireNonNull(clock);
        this.horizonMs = definition.grace().toMillis() + definition.retention().toMillis();
        String id = definition.indicatorId();
        // Own meter names: the station meters of the same indicator use the same tag keys, and a Prometheus
        // registry rejects one name with two tag-key sets.
        this.provisional = Counter.builder(VALUES).description("City indicator values emitted")
                .tag("indicator", id).tag("status", IndicatorStatus.PROVISIONAL.name()).register(meters);
        this.finals = Counter.builder(VALUES).description("City indicator values emitted")
                .tag("indicator", id).tag("status", IndicatorStatus.FINAL.name()).register(meters);
        this.late = Counter.builder(LATE).description("Station values for a city window already cleaned up")
                .tag("indicator", id).register(meters);
        this.dropped = Counter.builder(IGNORED).description("Records that are not station indicator values")
                .tag("indicator", id).register(meters);
    }

    @Override
    public void init(ProcessorContext<String, IndicatorValue> context) {
        this.context = context;
        this.daysStore = context.getStateStore(definition.storeName());
        purger = context.schedule(PURGE_INTERVAL, PunctuationType.STREAM_TIME, this::purge);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        if (!(record.value() instanceof IndicatorValue station)) {
            dropped.increment();
            return;
        }
        long endMs = station.getWindowEnd().toEpochMilli();
        if (endMs + horizonMs <= context.currentStreamTimeMs()) {
            late.increment();
            return;
        }
        String key = record.key();
        CityDayState state = daysStore.get(key);
        if (state == null) {
            state = new CityDayState(station.getWindowStart().toEpochMilli(), endMs);
        }
        long ingested = station.getLastEventIngestedAt() == null ? Long.MIN_VALUE
                : station.getLastEventIngestedAt().toEpochMilli();
        if (!state.put(station.getScope(), station.getValue(), station.getValid(),
                station.getStatus() == IndicatorStatus.FINAL, ingested)) {
            return;
        }
        CityDayState.Snapshot now = state.snapshot(definition.aggregate());
        CityDayState.Snapshot last = state.published();
        IndicatorStatus status = null;
        int revision = 0;
        if (now.allFinal()) {
            if (state.finalRevision() == 0 || !sameValue(now, last)) {
                status = IndicatorStatus.FINAL;
                revision = state.finalRevision() + 1;
                state.finalRevision(revision);
            }
        } else if (state.finalRevision() == 0 && !sameValue(now, last)) {
            status = IndicatorStatus.PROVISIONAL;
        }
        if (status != null) {
            state.published(now);
            emit(key, station, state, now, status, revision, record.timestamp());
        }
        daysStore.put(key, state);
    }

    private static boolean sameValue(CityDayState.Snapshot a, CityDayState.Snapshot b) {
        return b != null && Objects.equals(a.value(), b.value()) && a.observed() == b.observed()
                && a.expected() == b.expected() && a.valid() == b.valid();
    }

    private void emit(String key, IndicatorValue station, CityDayState state, CityDayState.Snapshot s,
                      IndicatorStatus status, int revision, long timestampMs) {
        double coverage = s.expected() == 0 ? 0 : (double) s.observed() / s.expected();
        long ingested = state.lastIngestedAtMs();
        IndicatorValue city = new IndicatorValue(definition.indicatorId(), definition.goal(), "city",
                Instant.ofEpochMilli(state.windowStartMs()), Instant.ofEpochMilli(state.windowEndMs()),
                station.getTimeZone(), s.value(), definition.unit(), s.observed(), s.expected(), coverage, s.valid(),
                status, revision, Instant.ofEpochMilli(clock.millis()),
                ingested == Long.MIN_VALUE ? null : Instant.ofEpochMilli(ingested));
        context.forward(new Record<>(key, city, timestampMs));
        (status == IndicatorStatus.FINAL ? finals : provisional).increment();
    }

    private void purge(long streamTimeMs) {
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, CityDayState> it = daysStore.all()) {
            while (it.hasNext()) {
                var kv = it.next();
                if (kv.value.windowEndMs() + horizonMs <= streamTimeMs) {
                    expired.add(kv.key);
                }
            }
        }
        expired.forEach(daysStore::delete);
    }

    @Override
    public void close() {
        if (purger != null) {
            purger.cancel();
        }
    }
}
