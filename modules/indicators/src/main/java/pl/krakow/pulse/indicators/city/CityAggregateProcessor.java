package pl.krakow.pulse.indicators.city;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.runtime.streams.watermark.Progress;
import pl.krakow.pulse.runtime.streams.watermark.UpstreamWatermark;

/**
 * Stage 2 of a city value: combines the station values of one indicator and window into the city value
 * (scope {@link CityDefinition#scope()}, e.g. {@code city:krakow}).
 *
 * <p><b>Input.</b> The station values the stage-1 processors emit (PROVISIONAL on each change, FINAL once per
 * window), re-keyed by {@code indicatorId|city:krakow|<window start>} and sent through a named repartition topic,
 * so the state of one (indicator, window) lives in one task; and the stage-1 tasks' {@link Progress} markers,
 * which that repartition multicasts to every partition. Records of one upstream task arrive in the order it sent
 * them; upstream tasks interleave arbitrarily and progress at their own speed.
 *
 * <p><b>Event time across partitions.</b> "Is this window complete?" is decided by this stage's watermark
 * ({@link UpstreamWatermark}): the minimum, over every upstream partition, of the closing time it reported (idle
 * partitions left out). A stage-1 task reports closing time {@code P} only after it has sent the FINAL values of
 * every station-day with {@code end + grace ≤ P}, so when the watermark reaches a window's {@code end + grace},
 * every station value of that window is here. Never this task's own stream time: that is the maximum event time
 * seen, and one fast upstream partition would close windows the others are still filling.
 *
 * <p><b>State</b> ({@link CityDayState}, store {@link CityDefinition#storeName()}): per window, station →
 * {mean, valid, final}; a station's value replaces its slot (no double counting). Upstream progress lives in
 * {@link CityDefinition#watermarkStoreName()}; both are changelogged, so a restart resumes exactly.
 *
 * <p><b>Rules.</b> {@code value} = {@link CityAggregate} over the <em>valid</em> station values (null when
 * none); {@code observedCount} = stations with a valid value; {@code expectedCount} = stations that reported the
 * window (there is no station registry: a station that sent nothing that window is not expected);
 * {@code coverage} = their ratio; {@code valid} iff at least one station is valid (project rule).
 * <ul>
 *   <li>PROVISIONAL (revision 0) on every change of the city snapshot while the window is open;</li>
 *   <li>FINAL (revision 1) once, when the watermark reaches the window's {@code end + grace};</li>
 *   <li>a station value that arrives after that is genuinely late (its upstream partition was idle, or a
 *       correction): it revises the city value as FINAL revision + 1 once every station's value is FINAL again
 *       (PROVISIONAL station values in between are held; a FINAL city value never goes back to PROVISIONAL),
 *       counted in {@code pulse.indicators.city.late.revisions}.</li>
 * </ul>
 *
 * <p><b>Clean-up.</b> A window is deleted once the watermark passes its {@code end + grace + retention}; a station
 * value for such a window is dropped and counted ({@code pulse.indicators.city.late.values}).
 *
 * <p>Output timestamp: the triggering station value's, or {@code end + grace} for the FINAL value; {@code computedAt}
 * = the injected wall clock.
 */
public final class CityAggregateProcessor implements Processor<String, SpecificRecord, String, IndicatorValue> {

    public static final String VALUES = "pulse.indicators.city.values";
    public static final String LATE = "pulse.indicators.city.late.values";
    public static final String LATE_REVISIONS = "pulse.indicators.city.late.revisions";
    public static final String IGNORED = "pulse.indicators.city.ignored.records";

    private final CityDefinition definition;
    private final Clock clock;
    private final long graceMs;
    private final long horizonMs;
    private final Counter provisional;
    private final Counter finals;
    private final Counter late;
    private final Counter lateRevisions;
    private final Counter dropped;

    private ProcessorContext<String, IndicatorValue> context;
    private KeyValueStore<String, CityDayState> daysStore;
    private UpstreamWatermark watermark;
    /** Windows without a FINAL value yet, by window end. */
    private final TreeMap<Long, Set<String>> awaitingFinal = new TreeMap<>();
    /** Every stored window, by window end (for the clean-up). */
    private final TreeMap<Long, Set<String>> stored = new TreeMap<>();

    public CityAggregateProcessor(CityDefinition definition, Clock clock, MeterRegistry meters) {
        this.definition = Objects.requireNonNull(definition);
        this.clock = Objects.requireNonNull(clock);
        this.graceMs = definition.grace().toMillis();
        this.horizonMs = graceMs + definition.retention().toMillis();
        String id = definition.indicatorId();
        // Own meter names: the station meters of the same indicator use the same tag keys, and a Prometheus
        // registry rejects one name with two tag-key sets.
        this.provisional = Counter.builder(VALUES).description("City indicator values emitted")
                .tag("indicator", id).tag("status", IndicatorStatus.PROVISIONAL.name()).register(meters);
        this.finals = Counter.builder(VALUES).description("City indicator values emitted")
                .tag("indicator", id).tag("status", IndicatorStatus.FINAL.name()).register(meters);
        this.late = Counter.builder(LATE).description("Station values for a city window already cleaned up")
                .tag("indicator", id).register(meters);
        this.lateRevisions = Counter.builder(LATE_REVISIONS)
                .description("Station values that arrived after their city window was FINAL").tag("indicator", id).register(meters);
        this.dropped = Counter.builder(IGNORED).description("Records that are not station indicator values")
                .tag("indicator", id).register(meters);
    }

    @Override
    public void init(ProcessorContext<String, IndicatorValue> context) {
        this.context = context;
        this.daysStore = context.getStateStore(definition.storeName());
        this.watermark = new UpstreamWatermark(context.getStateStore(definition.watermarkStoreName()));
        try (KeyValueIterator<String, CityDayState> it = daysStore.all()) {
            while (it.hasNext()) {
                KeyValue<String, CityDayState> kv = it.next();
                index(stored, kv.value.windowEndMs(), kv.key);
                if (kv.value.finalRevision() == 0) {
                    index(awaitingFinal, kv.value.windowEndMs(), kv.key);
                }
            }
        }
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        Optional<Progress> progress = Progress.of(record);
        if (progress.isPresent()) {
            if (watermark.update(progress.get())) {
                onWatermark(watermark.current());
            }
            return;
        }
        if (!(record.value() instanceof IndicatorValue station)) {
            dropped.increment();
            return;
        }
        long endMs = station.getWindowEnd().toEpochMilli();
        long watermarkMs = watermark.current();
        if (watermarkMs != Long.MIN_VALUE && endMs + horizonMs <= watermarkMs) {
            late.increment();
            return;
        }
        String key = record.key();
        CityDayState state = daysStore.get(key);
        if (state == null) {
            state = new CityDayState(station.getWindowStart().toEpochMilli(), endMs);
            index(stored, endMs, key);
            index(awaitingFinal, endMs, key);
        }
        long ingested = station.getLastEventIngestedAt() == null ? Long.MIN_VALUE
                : station.getLastEventIngestedAt().toEpochMilli();
        if (!state.put(station.getScope(), station.getValue(), station.getValid(),
                station.getStatus() == IndicatorStatus.FINAL, ingested)) {
            return;
        }
        CityDayState.Snapshot now = state.snapshot(definition.aggregate());
        CityDayState.Snapshot last = state.published();
        if (state.finalRevision() == 0) {
            if (!sameValue(now, last)) {
                state.published(now);
                emit(key, state, now, IndicatorStatus.PROVISIONAL, 0, station.getTimeZone(), record.timestamp());
            }
        } else {
            lateRevisions.increment();
            if (now.allFinal() && !sameValue(now, last)) {
                int revision = state.finalRevision() + 1;
                state.finalRevision(revision);
                state.published(now);
                emit(key, state, now, IndicatorStatus.FINAL, revision, station.getTimeZone(), record.timestamp());
            }
        }
        daysStore.put(key, state);
    }

    /** FINAL for every window whose {@code end + grace} the watermark reached; clean-up past the retention. */
    private void onWatermark(long watermarkMs) {
        Map<Long, Set<String>> due = awaitingFinal.headMap(watermarkMs - graceMs, true);
        for (Set<String> keys : due.values()) {
            for (String key : keys) {
                CityDayState state = daysStore.get(key);
                if (state == null || state.finalRevision() > 0) {
                    continue;
                }
                CityDayState.Snapshot now = state.snapshot(definition.aggregate());
                state.finalRevision(1);
                state.published(now);
                daysStore.put(key, state);
                emit(key, state, now, IndicatorStatus.FINAL, 1, definition.timeZone(), state.windowEndMs() + graceMs);
            }
        }
        due.clear();
        Map<Long, Set<String>> expired = stored.headMap(watermarkMs - horizonMs, true);
        for (Set<String> keys : expired.values()) {
            keys.forEach(daysStore::delete);
        }
        expired.clear();
    }

    private static void index(TreeMap<Long, Set<String>> index, long endMs, String key) {
        index.computeIfAbsent(endMs, e -> new HashSet<>()).add(key);
    }

    private static boolean sameValue(CityDayState.Snapshot a, CityDayState.Snapshot b) {
        return b != null && Objects.equals(a.value(), b.value()) && a.observed() == b.observed()
                && a.expected() == b.expected() && a.valid() == b.valid();
    }

    private void emit(String key, CityDayState state, CityDayState.Snapshot s, IndicatorStatus status, int revision,
                      String timeZone, long timestampMs) {
        double coverage = s.expected() == 0 ? 0 : (double) s.observed() / s.expected();
        long ingested = state.lastIngestedAtMs();
        IndicatorValue city = new IndicatorValue(definition.indicatorId(), definition.goal(), definition.scope(),
                Instant.ofEpochMilli(state.windowStartMs()), Instant.ofEpochMilli(state.windowEndMs()),
                timeZone, s.value(), definition.unit(), s.observed(), s.expected(), coverage, s.valid(),
                status, revision, Instant.ofEpochMilli(clock.millis()),
                ingested == Long.MIN_VALUE ? null : Instant.ofEpochMilli(ingested));
        context.forward(new Record<>(key, city, timestampMs));
        (status == IndicatorStatus.FINAL ? finals : provisional).increment();
    }
}
