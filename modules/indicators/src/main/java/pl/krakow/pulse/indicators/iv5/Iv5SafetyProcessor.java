package pl.krakow.pulse.indicators.iv5;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.events.safety.Incident;
import pl.krakow.pulse.events.safety.IncidentCategory;
import pl.krakow.pulse.platform.catalog.IndicatorKeys;
import pl.krakow.pulse.runtime.streams.watermark.Progress;
import pl.krakow.pulse.runtime.streams.watermark.UpstreamWatermark;

/**
 * The IV.5 indicators of one area scope (the record key: {@code district:<n>}, {@code city:<id>} or
 * {@code region:<id>}), from the incidents counted there.
 *
 * <p><b>State.</b> A {@link DayBucket} per area and local day ({@value #BUCKETS}, key {@code area|yyyy-MM-dd});
 * buckets are kept (≈ 20 areas × 365 small records a year), so an incident however late — police batches come
 * weeks or months after the fact — lands in its day and revises every window that covers it.
 *
 * <p><b>Emission.</b> An incident marks the windows it changes as dirty ({@value #DIRTY}): its day, month and
 * year, and the rolling windows ending on later days (months) that already have incidents in the area. Rolling
 * windows exist for the days (months) on which the area has incidents; per category ({@code <area>/<category>})
 * they exist on those same days for every category with at least one incident in the window, so the area's first
 * incident of a day also marks the windows ending that day of every other category counted inside them (a
 * category without incidents in the window has no value: counts of zero are not published). Dirty
 * windows are recomputed from their buckets and emitted on a wall-clock punctuation (every
 * {@code flushInterval}) or when many are dirty, so a burst of a thousand records of one day gives one value
 * per window, not a thousand. Values of a window with nothing to say are not emitted: counts of zero, rates of
 * an area without population (districts without a configured table, other cities, always a region), time percentiles
 * without a measured time.
 *
 * <p><b>Status.</b> PROVISIONAL (revision 0) until the stage's <b>watermark</b> passes window end + the indicator's
 * grace ({@value #PENDING} is ordered by that time) and it has stayed due for the settle period (wall clock, default
 * none), then FINAL revision 1; a change after FINAL is emitted FINAL with revision + 1 ({@value #REVISIONS}), never
 * dropped. The watermark ({@link UpstreamWatermark}, store {@value #WATERMARKS}) is the minimum over the input
 * partitions of the largest incident time each has sent (their {@link Progress} markers), idle partitions left
 * out — never this task's stream time, which one partition's backlog would run ahead of the others. It only
 * advances with new incidents, so a feed that stops leaves its last windows PROVISIONAL until the next record (no
 * wall-clock close: the police feed is expected to be weeks late).
 */
public final class Iv5SafetyProcessor implements Processor<String, Incident, String, IndicatorValue> {

    public static final String BUCKETS = "iv5-day-buckets";
    public static final String REVISIONS = "iv5-window-revisions";
    public static final String PENDING = "iv5-pending-final";
    public static final String DIRTY = "iv5-dirty-windows";
    /** Progress of every input partition (the stage's watermark). */
    public static final String WATERMARKS = "iv5-upstream-progress";
    /** Prefix of a region scope ({@code region:<id>}): outside the city, counted apart, never rated. */
    public static final String REGION_PREFIX = "region:";
    /** Flush early when this many windows are dirty, bounding the work of one punctuation. */
    static final int MAX_DIRTY = 20_000;

    private final List<Iv5Indicator> defs;
    private final ZoneId zone;
    private final PopulationTable population;
    private final Clock clock;
    private final Duration flushInterval;
    private final long settleMs;
    private final Counter provisional;
    private final Counter finals;
    private final Counter revised;

    private ProcessorContext<String, IndicatorValue> context;
    private KeyValueStore<String, DayBucket> buckets;
    private KeyValueStore<String, Integer> revisions;
    private KeyValueStore<String, String> pending;
    private KeyValueStore<String, String> dirty;
    private UpstreamWatermark watermark;
    private int dirtySinceFlush;

    /**
     * @param settle how long (wall clock) a window must have been due before it is finalised: records of one
     *               moment reach an area's partition from several input tasks within seconds of each other, so
     *               without it a backlog catch-up finalises windows that the next task's records revise at once
     */
    public Iv5SafetyProcessor(List<Iv5Indicator> defs, ZoneId zone, PopulationTable population, Clock clock,
                              Duration flushInterval, Duration settle, MeterRegistry meters) {
        this.settleMs = settle.toMillis();
        this.defs = List.copyOf(defs);
        this.zone = Objects.requireNonNull(zone);
        this.population = Objects.requireNonNull(population);
        this.clock = Objects.requireNonNull(clock);
        this.flushInterval = Objects.requireNonNull(flushInterval);
        this.provisional = counter(meters, IndicatorStatus.PROVISIONAL.name());
        this.finals = counter(meters, IndicatorStatus.FINAL.name());
        this.revised = Counter.builder("pulse.indicators.revisions").description("FINAL values revised by late data")
                .tag("goal", "IV.5").register(meters);
    }

    private static Counter counter(MeterRegistry meters, String status) {
        return Counter.builder("pulse.indicators.values").description("Indicator values emitted")
                .tag("indicator", "iv5").tag("status", status).register(meters);
    }

    @Override
    public void init(ProcessorContext<String, IndicatorValue> context) {
        this.context = context;
        buckets = context.getStateStore(BUCKETS);
        revisions = context.getStateStore(REVISIONS);
        pending = context.getStateStore(PENDING);
        watermark = new UpstreamWatermark(context.getStateStore(WATERMARKS));
        dirty = context.getStateStore(DIRTY);
        context.schedule(flushInterval, PunctuationType.WALL_CLOCK_TIME, now -> flush());
    }

    @Override
    public void process(Record<String, Incident> record) {
        Optional<Progress> progress = Progress.of(record);
        if (progress.isPresent()) {
            watermark.update(progress.get()); // windows it makes due are finalised at the next flush
            return;
        }
        Incident incident = record.value();
        String area = record.key();
        if (incident == null || area == null) {
            return;
        }
        LocalDate day = LocalDate.ofInstant(incident.getEventTime(), zone);
        String bucketKey = bucketKey(area, day);
        DayBucket bucket = buckets.get(bucketKey);
        // The area's first incident of a day (month) opens its rolling windows ending there: see opensRolling.
        boolean firstOfDay = bucket == null;
        boolean firstOfMonth = firstOfDay && !monthHasData(area, YearMonth.from(day));
        if (bucket == null) {
            bucket = new DayBucket();
        }
        bucket.add(incident);
        buckets.put(bucketKey, bucket);

        String categoryScope = categoryScope(area, incident.getCategory());
        for (int i = 0; i < defs.size(); i++) {
            Iv5Indicator def = defs.get(i);
            boolean changes = def.measure().changedBy(incident);
            // An incident that shows a value exists without changing it (a road event without casualties: a rate
            // of 0.0) may open a window, never revise a FINAL one.
            boolean opens = def.measure().opensWindow(incident);
            if (!changes && !opens) {
                continue;
            }
            boolean perCategory = def.measure().perCategory();
            for (LocalDate start : affectedStarts(def, area, day)) {
                if (changes || revisions.get(windowKey(i, area, start)) == null) {
                    markDirty(i, area, start);
                }
                if (perCategory) {
                    markDirty(i, categoryScope, start);
                }
            }
            if (perCategory && opensRolling(def, firstOfDay, firstOfMonth)) {
                // A rolling window ending on this day (month) did not exist for the area until now, so no incident
                // of another category inside it has marked it for its category: every category counted in the
                // window gets its value for this day too (issue 13: a category's rolling window exists for every
                // day its area has one).
                LocalDate start = def.windowStartFor(day);
                for (IncidentCategory c : categoriesIn(area, start, def.windowEnd(start))) {
                    markDirty(i, categoryScope(area, c), start);
                }
            }
        }
        if (dirtySinceFlush >= MAX_DIRTY) {
            flush();
        }
    }

    /** Windows of {@code def} whose value the day's new incident changes. */
    private List<LocalDate> affectedStarts(Iv5Indicator def, String area, LocalDate day) {
        List<LocalDate> out = new ArrayList<>();
        switch (def.window()) {
            case DAY, MONTH, YEAR_TO_DATE -> out.add(def.windowStartFor(day));
            case ROLLING_DAYS -> {
                for (int k = 0; k < def.length(); k++) {
                    LocalDate end = day.plusDays(k);
                    if (k == 0 || buckets.get(bucketKey(area, end)) != null) {
                        out.add(def.windowStartFor(end));
                    }
                }
            }
            case ROLLING_MONTHS -> {
                YearMonth m = YearMonth.from(day);
                for (int k = 0; k < def.length(); k++) {
                    YearMonth end = m.plusMonths(k);
                    if (k == 0 || monthHasData(area, end)) {
                        out.add(def.windowStartFor(end.atDay(1)));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Whether the area's first incident of a day (or month) brings a rolling window of {@code def} into being: rolling
     * windows are published for the days (months) on which the area has incidents, calendar windows for the
     * window that holds an incident, which always marks its own category.
     */
    private static boolean opensRolling(Iv5Indicator def, boolean firstOfDay, boolean firstOfMonth) {
        return switch (def.window()) {
            case ROLLING_DAYS -> firstOfDay;
            case ROLLING_MONTHS -> firstOfMonth;
            case DAY, MONTH, YEAR_TO_DATE -> false;
        };
    }

    /** The categories with at least one incident of the area in [from, toExclusive). */
    private EnumSet<IncidentCategory> categoriesIn(String area, LocalDate from, LocalDate toExclusive) {
        EnumSet<IncidentCategory> out = EnumSet.noneOf(IncidentCategory.class);
        IncidentCategory[] all = IncidentCategory.values();
        try (KeyValueIterator<String, DayBucket> it = buckets.range(bucketKey(area, from), bucketKey(area, toExclusive.minusDays(1)))) {
            while (it.hasNext()) {
                int[] counts = it.next().value.countsByCategory;
                for (int c = 0; c < counts.length; c++) {
                    if (counts[c] > 0) {
                        out.add(all[c]);
                    }
                }
            }
        }
        return out;
    }

    /** {@code <area>/<category>}, e.g. {@code city:krakow/road_accident}. */
    static String categoryScope(String area, IncidentCategory category) {
        return area + '/' + category.name().toLowerCase(Locale.ROOT);
    }

    private boolean monthHasData(String area, YearMonth month) {
        try (KeyValueIterator<String, DayBucket> it = buckets.range(bucketKey(area, month.atDay(1)),
                bucketKey(area, month.atEndOfMonth()))) {
            return it.hasNext();
        }
    }

    private static String windowKey(int defIndex, String scope, LocalDate start) {
        return defIndex + "|" + scope + "|" + start;
    }

    private void markDirty(int defIndex, String scope, LocalDate start) {
        String key = windowKey(defIndex, scope, start);
        if (dirty.get(key) == null) {
            dirty.put(key, "");
            dirtySinceFlush++;
        }
    }

    /** Emits every dirty window, then finalises the windows whose grace stream time has passed. */
    void flush() {
        dirtySinceFlush = 0;
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, String> it = dirty.all()) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        // One range scan per area for everything this flush computes: a rolling window shares most of its
        // days with its neighbours, so each day bucket is read and decoded once per flush, not once per window.
        Map<String, NavigableMap<LocalDate, DayBucket>> days = preload(keys);
        for (String key : keys) {
            dirty.delete(key);
            emit(key, false, days);
        }
        // After the dirty windows, so a window first emitted in this flush and already past its grace is
        // finalised now rather than a flush later.
        // The watermark, not this task's stream time: incidents reach an area's task from every input partition,
        // each at its own pace, and a window is complete only when all of them have passed its end + grace.
        long streamTime = watermark.current();
        if (streamTime < 0) {
            return;
        }
        List<KeyValue<String, String>> due = new ArrayList<>();
        try (KeyValueIterator<String, String> it = pending.range("", pad(streamTime) + "|\uffff")) {
            it.forEachRemaining(due::add);
        }
        long now = context.currentSystemTimeMs();
        if (settleMs > 0) {
            List<KeyValue<String, String>> settled = new ArrayList<>();
            for (KeyValue<String, String> kv : due) {
                if (kv.value == null || kv.value.isEmpty()) {
                    pending.put(kv.key, Long.toString(now)); // due from now on; finalised once settled
                } else if (now - Long.parseLong(kv.value) >= settleMs) {
                    settled.add(kv);
                }
            }
            due = settled;
        }
        List<String> dueWindows = due.stream().map(kv -> kv.key.substring(kv.key.indexOf('|') + 1)).toList();
        Map<String, NavigableMap<LocalDate, DayBucket>> dueDays = preload(dueWindows);
        for (int i = 0; i < due.size(); i++) {
            pending.delete(due.get(i).key);
            emit(dueWindows.get(i), true, dueDays);
        }
    }

    private Map<String, NavigableMap<LocalDate, DayBucket>> preload(List<String> windowKeys) {
        Map<String, LocalDate[]> span = new HashMap<>();
        for (String key : windowKeys) {
            String[] parts = key.split("\\|");
            Iv5Indicator def = defs.get(Integer.parseInt(parts[0]));
            String area = areaOf(parts[1]);
            LocalDate start = LocalDate.parse(parts[2]);
            LocalDate last = def.windowEnd(start).minusDays(1);
            span.merge(area, new LocalDate[] {start, last}, (a, b) -> new LocalDate[] {
                a[0].isBefore(b[0]) ? a[0] : b[0], a[1].isAfter(b[1]) ? a[1] : b[1]});
        }
        Map<String, NavigableMap<LocalDate, DayBucket>> out = new HashMap<>();
        span.forEach((area, range) -> {
            NavigableMap<LocalDate, DayBucket> m = new TreeMap<>();
            try (KeyValueIterator<String, DayBucket> it = buckets.range(bucketKey(area, range[0]), bucketKey(area, range[1]))) {
                it.forEachRemaining(kv -> m.put(LocalDate.parse(kv.key.substring(kv.key.lastIndexOf('|') + 1)), kv.value));
            }
            out.put(area, m);
        });
        return out;
    }

    private static String areaOf(String scope) {
        int slash = scope.indexOf('/');
        return slash < 0 ? scope : scope.substring(0, slash);
    }

    /** Record header read by the publish side's read model ({@code feed: simulated}). */
    public static final String SIMULATED_HEADER = "feed";

    private void emit(String windowKey, boolean finalising, Map<String, NavigableMap<LocalDate, DayBucket>> days) {
        String[] parts = windowKey.split("\\|");
        Iv5Indicator def = defs.get(Integer.parseInt(parts[0]));
        String scope = parts[1];
        LocalDate start = LocalDate.parse(parts[2]);
        LocalDate end = def.windowEnd(start);
        Optional<Snapshot> snap = compute(def, scope, start, end, days.get(areaOf(scope)));
        Integer rev = revisions.get(windowKey);
        if (snap.isEmpty()) {
            return;
        }
        IndicatorStatus status;
        int revision;
        if (finalising) {
            if (rev != null) {
                return; // already FINAL (a revision may have been emitted meanwhile)
            }
            status = IndicatorStatus.FINAL;
            revision = 1;
        } else if (rev != null) {
            status = IndicatorStatus.FINAL;
            revision = rev + 1;
            revised.increment();
        } else {
            status = IndicatorStatus.PROVISIONAL;
            revision = 0;
            long closeMs = end.atStartOfDay(zone).toInstant().toEpochMilli() + def.graceMs();
            pending.put(pad(closeMs) + "|" + windowKey, "");
        }
        if (revision > 0) {
            revisions.put(windowKey, revision);
        }
        Instant startInstant = start.atStartOfDay(zone).toInstant();
        Snapshot s = snap.get();
        IndicatorValue value = new IndicatorValue(def.id(), def.goal(), scope, startInstant, end.atStartOfDay(zone).toInstant(),
                zone.getId(), s.value(), def.unit(), s.observed(), s.observed(), 1.0, s.valid(), status, revision,
                clock.instant(), s.lastIngestedMs() == Long.MIN_VALUE ? null : Instant.ofEpochMilli(s.lastIngestedMs()));
        Record<String, IndicatorValue> out = new Record<>(IndicatorKeys.key(def.id(), scope, startInstant, zone), value,
                startInstant.toEpochMilli());
        if (s.simulated()) {
            // The publish side shows values computed from simulated input as such (dashboard badge, API flag).
            out.headers().add(SIMULATED_HEADER, DayBucket.SIMULATED_FEED.getBytes(StandardCharsets.UTF_8));
        }
        context.forward(out);
        (status == IndicatorStatus.FINAL ? finals : provisional).increment();
    }

    /** The value of one window, or empty when it has nothing to say (see the class comment). */
    private Optional<Snapshot> compute(Iv5Indicator def, String scope, LocalDate start, LocalDate end,
                                       NavigableMap<LocalDate, DayBucket> areaDays) {
        int slash = scope.indexOf('/');
        String area = slash < 0 ? scope : scope.substring(0, slash);
        IncidentCategory category = slash < 0 ? null : IncidentCategory.valueOf(scope.substring(slash + 1).toUpperCase(Locale.ROOT));
        long residents = 0;
        if (def.measure().perResident()) {
            Optional<PopulationTable.Figure> figure = isRegion(area) ? Optional.empty()
                    : population.residents(area, end.minusDays(1).getYear());
            if (figure.isEmpty()) {
                return Optional.empty();
            }
            residents = figure.get().residents();
        }
        long lastIngested = Long.MIN_VALUE;
        boolean simulated = false;
        Collection<DayBucket> days = (areaDays == null ? new TreeMap<LocalDate, DayBucket>() : areaDays)
                .subMap(start, true, end, false).values();
        for (DayBucket b : days) {
            lastIngested = Math.max(lastIngested, b.lastIngestedAtMs);
            simulated |= b.simulatedIncidents > 0;
        }
        long ingested = lastIngested;
        boolean fromSimulation = simulated;
        return def.measure().measure(days, category, residents)
                .map(m -> new Snapshot(m.value(), m.observed(), true, ingested, fromSimulation));
    }

    /** @param simulated some incident behind the value came from a simulated feed */
    private record Snapshot(Double value, int observed, boolean valid, long lastIngestedMs, boolean simulated) {
    }

    static boolean isRegion(String scope) {
        return scope.startsWith(REGION_PREFIX);
    }

    static String bucketKey(String area, LocalDate day) {
        return area + '|' + day;
    }

    private static String pad(long ms) {
        return String.format(Locale.ROOT, "%016d", ms);
    }
}
