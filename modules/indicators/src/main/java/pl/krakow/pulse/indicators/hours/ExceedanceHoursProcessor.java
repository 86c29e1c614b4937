package pl.krakow.pulse.indicators.hours;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.catalog.IndicatorKeys;

/**
 * Hours above a threshold per station and calendar year to date (kind {@code exceedance_hours}, e.g.
 * {@code iv3.no2.hours_above_200}), downstream of the pollutant's hourly-value processor in the same task (fed in
 * process, by child name; no topic, no repartitioning — both are per station).
 *
 * <p><b>Input.</b> Every hourly value the hourly processor emits: PROVISIONAL on arrival and on each correction,
 * FINAL once per hour. <b>State</b> ({@link HourYearState}): per station-year the hours with a value and the
 * hours whose latest value is strictly above the threshold; an hour's latest value overwrites its bit, so a
 * corrected hour is recounted (a correction from 250 to 150 removes it), never double counted.
 *
 * <p><b>Value.</b> {@code value} = distinct hours above the threshold; {@code observedCount} = hours with a value;
 * {@code expectedCount} = hours elapsed (local 1 January 00:00 through the station's latest hour with a value);
 * {@code valid} iff observed ≥ ⌈minCoverage × elapsed⌉ (project rule, as for the daily year-to-date values).
 * A PROVISIONAL value (revision 0) is emitted when the counts change.
 *
 * <p><b>FINAL</b> (revision 1, state deleted) when the FINAL value of the year's last hour arrives, or — station
 * silent in that hour — when a value of the same station for a later year arrives while stream time is at or past
 * the year's end + grace (the hourly processor has closed every hour of the year by then). A station silent for
 * the whole next year keeps its year PROVISIONAL (as for the daily year-to-date values).
 */
public final class ExceedanceHoursProcessor implements Processor<String, SpecificRecord, String, IndicatorValue> {

    private static final long MILLIS_PER_HOUR = 3_600_000L;

    private final ExceedanceHoursDefinition definition;
    private final ZoneId zone;
    private final long graceMs;
    private final Clock clock;
    private final Counter provisional;
    private final Counter finals;

    private ProcessorContext<String, IndicatorValue> context;
    private KeyValueStore<String, HourYearState> years;
    private Year lastYear;

    private record Year(int year, long startMs, long endMs, String isoStart) {
        boolean contains(long ms) {
            return ms >= startMs && ms < endMs;
        }
    }

    public ExceedanceHoursProcessor(ExceedanceHoursDefinition definition, ZoneId zone, long graceMs, Clock clock,
                                    MeterRegistry meters) {
        this.definition = Objects.requireNonNull(definition);
        this.zone = Objects.requireNonNull(zone);
        this.graceMs = graceMs;
        this.clock = Objects.requireNonNull(clock);
        this.provisional = Counter.builder("pulse.indicators.values").description("Indicator values emitted")
                .tag("indicator", definition.indicatorId()).tag("status", IndicatorStatus.PROVISIONAL.name()).register(meters);
        this.finals = Counter.builder("pulse.indicators.values").description("Indicator values emitted")
                .tag("indicator", definition.indicatorId()).tag("status", IndicatorStatus.FINAL.name()).register(meters);
    }

    @Override
    public void init(ProcessorContext<String, IndicatorValue> context) {
        this.context = context;
        this.years = context.getStateStore(definition.storeName());
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        if (!(record.value() instanceof IndicatorValue hourly) || hourly.getValue() == null) {
            return;
        }
        long hourStartMs = hourly.getWindowStart().toEpochMilli();
        Year year = yearOf(hourStartMs);
        String scope = hourly.getScope();
        closePreviousYear(scope, year);

        String key = scope + '|' + year.year();
        HourYearState state = years.get(key);
        if (state == null) {
            state = new HourYearState(year.startMs(), year.endMs());
        }
        int hourIndex = (int) ((hourStartMs - year.startMs()) / MILLIS_PER_HOUR);
        long ingested = hourly.getLastEventIngestedAt() == null ? Long.MIN_VALUE : hourly.getLastEventIngestedAt().toEpochMilli();
        boolean changed = state.put(hourIndex, hourly.getValue() > definition.thresholdUgM3(), ingested);
        if (hourly.getStatus() == IndicatorStatus.FINAL && hourly.getWindowEnd().toEpochMilli() == year.endMs()) {
            emit(scope, year.isoStart(), state, IndicatorStatus.FINAL, 1, record.timestamp());
            years.delete(key);
            return;
        }
        if (!changed) {
            return;
        }
        years.put(key, state);
        emit(scope, year.isoStart(), state, IndicatorStatus.PROVISIONAL, 0, record.timestamp());
    }

    /** Finalises the station's previous year once stream time has passed its end + grace (one point lookup). */
    private void closePreviousYear(String scope, Year current) {
        String previousKey = scope + '|' + (current.year() - 1);
        HourYearState previous = years.get(previousKey);
        if (previous == null || previous.yearEndMs() + graceMs > context.currentStreamTimeMs()) {
            return;
        }
        Year y = yearOf(previous.yearStartMs());
        emit(scope, y.isoStart(), previous, IndicatorStatus.FINAL, 1, previous.yearEndMs() + graceMs);
        years.delete(previousKey);
        lastYear = current;
    }

    private void emit(String scope, String isoYearStart, HourYearState state, IndicatorStatus status, int revision,
                      long timestampMs) {
        int observed = state.hoursObserved();
        int elapsed = state.hoursElapsed();
        double coverage = elapsed == 0 ? 0 : (double) observed / elapsed;
        boolean valid = elapsed > 0 && observed >= definition.minValidHours(elapsed);
        long ingested = state.lastIngestedAtMs();
        IndicatorValue value = new IndicatorValue(definition.indicatorId(), definition.goal(), scope,
                Instant.ofEpochMilli(state.yearStartMs()), Instant.ofEpochMilli(state.yearEndMs()), zone.getId(),
                (double) state.hoursAbove(), definition.unit(), observed, elapsed, coverage, valid, status, revision,
                Instant.ofEpochMilli(clock.millis()), ingested == Long.MIN_VALUE ? null : Instant.ofEpochMilli(ingested));
        // Same key layout as IndicatorKeys.key, with the year start formatted once per year.
        context.forward(new Record<>(definition.indicatorId() + '|' + scope + '|' + isoYearStart, value, timestampMs));
        (status == IndicatorStatus.FINAL ? finals : provisional).increment();
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
        Year fresh = new Year(y, start.toEpochMilli(), end.toEpochMilli(), IndicatorKeys.isoWithOffset(start, zone));
        lastYear = fresh;
        return fresh;
    }
}
