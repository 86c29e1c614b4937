package pl.krakow.pulse.indicators.completeness;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.runtime.streams.watermark.Progress;

/**
 * Data completeness per station and local day, downstream of the daily-mean processor of the definition's
 * pollutant in the same task (fed in process, by child name; no topic, no store).
 *
 * <p>For each daily value (PROVISIONAL or FINAL) it emits {@code value = observedCount ÷ expectedCount × 100}
 * (%; expected = the local day's 23, 24 or 25 hours), with the same window, observed/expected counts,
 * coverage, status and revision. Completeness is a measurement of the data itself, so it is always
 * {@code valid=true}. A daily value that changes neither the hour count nor the status (a correction of an
 * hour already held) emits nothing; the last emitted (day, hours, status) per station is kept in memory only —
 * after a restart at most one equal value is emitted again (idempotent on the compacted table).
 */
public final class CompletenessProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    private static final int MEMO_LIMIT = 10_000;

    private final CompletenessDefinition definition;
    private final Clock clock;
    private final Counter provisional;
    private final Counter finals;
    private final Map<String, Long> lastEmitted = new HashMap<>();
    private final String valuesChild;
    private final String progressChild;
    private ProcessorContext<String, SpecificRecord> context;

    /** Forwards values to every child; progress markers of the daily-mean processor are not passed on. */
    public CompletenessProcessor(CompletenessDefinition definition, Clock clock, MeterRegistry meters) {
        this(definition, clock, meters, null, Optional.empty());
    }

    /**
     * @param valuesChild   the indicator-table sink (gets values only)
     * @param progressChild the city stage's re-key node, when there is a city value: gets the values and, after
     *                      them, the daily-mean processor's progress markers (in the order received)
     */
    public CompletenessProcessor(CompletenessDefinition definition, Clock clock, MeterRegistry meters, String valuesChild,
                                 Optional<String> progressChild) {
        this.valuesChild = valuesChild;
        this.progressChild = progressChild.orElse(null);
        this.definition = definition;
        this.clock = clock;
        this.provisional = Counter.builder("pulse.indicators.values").description("Indicator values emitted")
                .tag("indicator", definition.indicatorId()).tag("status", IndicatorStatus.PROVISIONAL.name()).register(meters);
        this.finals = Counter.builder("pulse.indicators.values").description("Indicator values emitted")
                .tag("indicator", definition.indicatorId()).tag("status", IndicatorStatus.FINAL.name()).register(meters);
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        if (Progress.isMarker(record)) {
            if (progressChild != null) {
                context.forward(record, progressChild);
            }
            return;
        }
        if (!(record.value() instanceof IndicatorValue daily) || daily.getExpectedCount() <= 0) {
            return;
        }
        boolean fin = daily.getStatus() == IndicatorStatus.FINAL;
        // (day start, hours, final) in one long: day start in minutes fits in 35 bits.
        long memo = (daily.getWindowStart().toEpochMilli() / 60_000L) << 8 | (long) daily.getObservedCount() << 1 | (fin ? 1 : 0);
        Long previous = lastEmitted.get(daily.getScope());
        if (previous != null && previous == memo) {
            return;
        }
        if (lastEmitted.size() >= MEMO_LIMIT) {
            lastEmitted.clear();
        }
        lastEmitted.put(daily.getScope(), memo);
        int observed = daily.getObservedCount();
        int expected = daily.getExpectedCount();
        IndicatorValue out = new IndicatorValue(definition.indicatorId(), definition.goal(), daily.getScope(),
                daily.getWindowStart(), daily.getWindowEnd(), daily.getTimeZone(), observed * 100.0 / expected,
                definition.unit(), observed, expected, (double) observed / expected, true, daily.getStatus(),
                daily.getRevision(), Instant.ofEpochMilli(clock.millis()), daily.getLastEventIngestedAt());
        String key = record.key();
        // The daily key is <daily id>|<scope>|<window start>: keep scope and window, swap the id.
        Record<String, SpecificRecord> value = new Record<>(definition.indicatorId() + key.substring(key.indexOf('|')), out,
                record.timestamp());
        if (valuesChild == null) {
            context.forward(value);
        } else {
            context.forward(value, valuesChild);
            if (progressChild != null) {
                context.forward(value, progressChild);
            }
        }
        (fin ? finals : provisional).increment();
    }

    @Override
    public void close() {
        lastEmitted.clear();
    }
}
