package pl.krakow.pulse.indicators.ytd;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.catalog.IndicatorKeys;
import pl.krakow.pulse.runtime.streams.watermark.Progress;

/**
 * Calendar-year-to-date indicators of one pollutant per station ({@code exceedance_days}, {@code annual_mean}),
 * downstream of that pollutant's daily-mean processor in the same task: its input is every daily value the
 * daily-mean processor emits (PROVISIONAL on each change, FINAL once per day), forwarded in process — no
 * topic, no repartitioning (both are per station, and the input is keyed by station).
 *
 * <p><b>State.</b> One {@link YearState} per station and local calendar year (Europe/Warsaw, 1 January
 * 00:00 to the next 1 January), holding {@code day → {mean, valid}}. A daily value replaces its day's slot;
 * the year-to-date values are recomputed from the slots, so provisional updates, corrections and the FINAL
 * value of a day never double count. A daily value that changes neither the day's mean nor its validity
 * (e.g. the day's FINAL value) changes nothing and emits nothing.
 *
 * <p><b>Rules</b> (days elapsed = 1 January through the latest day with a daily value of that station):
 * <ul>
 *   <li>{@code exceedance_days}: number of <em>valid</em> days (PROVISIONAL or FINAL) whose mean is
 *       strictly above the threshold;</li>
 *   <li>{@code annual_mean}: mean of the valid days' means (null while there is none);</li>
 *   <li>both: {@code observedCount} = valid days, {@code expectedCount} = days elapsed, {@code coverage} =
 *       their ratio, {@code valid} iff valid days ≥ ⌈minCoverage × days elapsed⌉ (75 %).</li>
 * </ul>
 * A PROVISIONAL value (revision 0) is emitted for each indicator whose value, counts or validity changed.
 *
 * <p><b>Closing a year.</b> A station-year is FINAL (revision 1, then deleted from the store) when the
 * FINAL daily value of its last day (31 December) arrives — the daily-mean processor has then closed every
 * earlier day too — or, for a station without a value on 31 December, when a daily value of a later year
 * arrives while stream time is at or past the year's end + grace (the daily-mean processor emits its FINAL
 * values in window order, so every day of the year has been closed by then), or — station silent in the new
 * year — when the daily-mean processor's {@link Progress} marker reports a closing time at or past the year's
 * end + grace (its closing time includes the idle watermark, so a partition gone silent closes its years too).
 */
public final class YearToDateProcessor implements Processor<String, SpecificRecord, String, IndicatorValue> {

    private static final long UNKNOWN = Long.MIN_VALUE;
    private static final long NONE_OPEN = Long.MAX_VALUE;
    private static final double MILLIS_PER_DAY = 86_400_000.0;

    private final List<YearToDateDefinition> definitions;
    private final String storeName;
    private final ZoneId zone;
    private final long graceMs;
    private final Clock clock;
    private final Counter[] provisional;
    private final Counter[] finals;

    private ProcessorContext<String, IndicatorValue> context;
    private KeyValueStore<String, YearState> years;
    private long earliestOpenYearEndMs = UNKNOWN;
    /** The last year looked up: most daily values fall in it. */
    private Year lastYear;

    private record Year(int year, long startMs, long endMs, int days, String isoStart) {
        boolean contains(long ms) {
            return ms >= startMs && ms < endMs;
        }
    }

    private record Snapshot(Double value, int observed, int expected, boolean valid) {
    }

    /**
     * @param definitions the year-to-date indicators of one pollutant, all fed by its daily means
     * @param graceMs     the daily means' grace (a year is due at its end + grace)
     */
    public YearToDateProcessor(List<YearToDateDefinition> definitions, String storeName, ZoneId zone, long graceMs,
                               Clock clock, MeterRegistry meters) {
        this.definitions = List.copyOf(definitions);
        this.storeName = Objects.requireNonNull(storeName);
        this.zone = Objects.requireNonNull(zone);
        this.graceMs = graceMs;
        this.clock = Objects.requireNonNull(clock);
        this.provisional = new Counter[this.definitions.size()];
        this.finals = new Counter[this.definitions.size()];
        for (int i = 0; i < this.definitions.size(); i++) {
            String id = this.definitions.get(i).indicatorId();
            provisional[i] = Counter.builder("pulse.indicators.values").description("Indicator values emitted")
                    .tag("indicator", id).tag("status", IndicatorStatus.PROVISIONAL.name()).register(meters);
            finals[i] = Counter.builder("pulse.indicators.values").description("Indicator values emitted")
                    .tag("indicator", id).tag("status", IndicatorStatus.FINAL.name()).register(meters);
        }
    }

    @Override
    public void init(ProcessorContext<String, IndicatorValue> context) {
        this.context = context;
        this.years = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        Optional<Progress> progress = Progress.of(record);
        if (progress.isPresent()) {
            closeDueYears(Long.MAX_VALUE, progress.get().progressMs());
            return;
        }
        if (!(record.value() instanceof IndicatorValue daily)) {
            return;
        }
        long dayStartMs = daily.getWindowStart().toEpochMilli();
        Year year = yearOf(dayStartMs);
        closeDueYears(year.startMs(), context.currentStreamTimeMs());

        String scope = daily.getScope();
        String key = scope + '|' + year.year();
        YearState state = years.get(key);
        boolean fresh = state == null;
        if (fresh) {
            state = new YearState(year.startMs(), year.endMs(), year.days());
        }
        List<Snapshot> before = fresh ? null : snapshots(state);
        int dayIndex = (int) Math.round((dayStartMs - year.startMs()) / MILLIS_PER_DAY);
        Double mean = daily.getValue();
        boolean dayValid = daily.getValid() && mean != null;
        long ingested = daily.getLastEventIngestedAt() == null ? Long.MIN_VALUE : daily.getLastEventIngestedAt().toEpochMilli();
        // An invalid day's mean is used by nothing, so it is kept as NaN: the hourly updates of a day still
        // short of 18 hours then change nothing after the first and cost a store read only.
        boolean changed = state.put(dayIndex, dayValid ? mean : Double.NaN, dayValid, ingested);
        boolean lastDayFinal = daily.getStatus() == IndicatorStatus.FINAL
                && daily.getWindowEnd().toEpochMilli() == year.endMs();
        if (lastDayFinal) {
            emitAll(scope, year.isoStart(), state, IndicatorStatus.FINAL, 1, record.timestamp());
            years.delete(key);
            earliestOpenYearEndMs = UNKNOWN; // recomputed on demand
            return;
        }
        if (!changed) {
            return;
        }
        years.put(key, state);
        if (fresh && earliestOpenYearEndMs != UNKNOWN && year.endMs() < earliestOpenYearEndMs) {
            earliestOpenYearEndMs = year.endMs();
        }
        List<Snapshot> after = snapshots(state);
        long now = clock.millis();
        for (int i = 0; i < definitions.size(); i++) {
            if (before == null || !before.get(i).equals(after.get(i))) {
                emit(i, scope, year.isoStart(), state, after.get(i), IndicatorStatus.PROVISIONAL, 0, now, record.timestamp());
            }
        }
    }

    /**
     * Finalises the station-years that ended at or before {@code laterThanMs} and whose end + grace
     * {@code closingMs} has reached: on a daily value, the start of its year and stream time; on a progress marker of
     * the daily-mean processor, any year and its closing time (every day of a year whose end + grace it reached has
     * been closed, FINAL, before the marker — so a station silent in the new year has its year closed too).
     */
    private void closeDueYears(long laterThanMs, long closingMs) {
        long streamTime = closingMs;
        if (earliestOpenYearEndMs != UNKNOWN
                && (earliestOpenYearEndMs == NONE_OPEN || earliestOpenYearEndMs > laterThanMs
                    || earliestOpenYearEndMs + graceMs > streamTime)) {
            return; // the common case: no store scan
        }
        List<KeyValue<String, YearState>> due = new ArrayList<>();
        long nextOpen = NONE_OPEN;
        try (KeyValueIterator<String, YearState> it = years.all()) {
            while (it.hasNext()) {
                KeyValue<String, YearState> kv = it.next();
                long end = kv.value.yearEndMs();
                if (end <= laterThanMs && end + graceMs <= streamTime) {
                    due.add(kv);
                } else {
                    nextOpen = Math.min(nextOpen, end);
                }
            }
        }
        earliestOpenYearEndMs = nextOpen;
        for (KeyValue<String, YearState> kv : due) {
            String scope = kv.key.substring(0, kv.key.lastIndexOf('|'));
            Year y = yearOf(kv.value.yearStartMs());
            emitAll(scope, y.isoStart(), kv.value, IndicatorStatus.FINAL, 1, kv.value.yearEndMs() + graceMs);
            years.delete(kv.key);
        }
    }

    private void emitAll(String scope, String isoYearStart, YearState state, IndicatorStatus status, int revision,
                         long timestampMs) {
        List<Snapshot> snaps = snapshots(state);
        long now = clock.millis();
        for (int i = 0; i < definitions.size(); i++) {
            emit(i, scope, isoYearStart, state, snaps.get(i), status, revision, now, timestampMs);
        }
    }

    private void emit(int i, String scope, String isoYearStart, YearState state, Snapshot s, IndicatorStatus status,
                      int revision, long computedAtMs, long timestampMs) {
        YearToDateDefinition def = definitions.get(i);
        double coverage = s.expected() == 0 ? 0 : (double) s.observed() / s.expected();
        long ingested = state.lastIngestedAtMs();
        IndicatorValue value = new IndicatorValue(def.indicatorId(), def.goal(), scope,
                Instant.ofEpochMilli(state.yearStartMs()), Instant.ofEpochMilli(state.yearEndMs()), zone.getId(), s.value(),
                def.unit(), s.observed(), s.expected(), coverage, s.valid(), status, revision,
                Instant.ofEpochMilli(computedAtMs), ingested == Long.MIN_VALUE ? null : Instant.ofEpochMilli(ingested));
        // Same key layout as IndicatorKeys.key, with the year start formatted once per year.
        context.forward(new Record<>(def.indicatorId() + '|' + scope + '|' + isoYearStart, value, timestampMs));
        (status == IndicatorStatus.FINAL ? finals[i] : provisional[i]).increment();
    }

    private List<Snapshot> snapshots(YearState state) {
        int elapsed = state.daysElapsed();
        int validDays = state.validDays();
        List<Snapshot> out = new ArrayList<>(definitions.size());
        for (YearToDateDefinition def : definitions) {
            boolean valid = elapsed > 0 && validDays >= def.minValidDays(elapsed);
            Double value = switch (def.kind()) {
                case EXCEEDANCE_DAYS -> (double) state.validDaysAbove(def.thresholdUgM3());
                case ANNUAL_MEAN -> validDays == 0 ? null : state.validMeanSum() / validDays;
            };
            out.add(new Snapshot(value, validDays, elapsed, valid));
        }
        return out;
    }

    private Year yearOf(long epochMs) {
        Year cached = lastYear;
        if (cached != null && cached.contains(epochMs)) {
            return cached;
        }
        int y = Instant.ofEpochMilli(epochMs).atZone(zone).getYear();
        LocalDate first = LocalDate.of(y, 1, 1);
        Instant start = first.atStartOfDay(zone).toInstant();
        Instant end = first.plusYears(1).atStartOfDay(zone).toInstant();
        Year fresh = new Year(y, start.toEpochMilli(), end.toEpochMilli(), first.lengthOfYear(),
                IndicatorKeys.isoWithOffset(start, zone));
        lastYear = fresh;
        return fresh;
    }
}
