package pl.krakow.pulse.indicators.daily;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import pl.krakow.pulse.events.indicators.IndicatorStatus;

/**
 * The per-record meters of one daily-mean indicator. Meters are looked up once and kept, so counting a
 * record is a field read and an atomic add. Every meter carries the tag {@code indicator}.
 *
 * <ul>
 *   <li>{@value #VALUES} {status=PROVISIONAL|FINAL}: indicator values emitted;</li>
 *   <li>{@value #LATE}: events that arrived after their day's grace and went to the late topic;</li>
 *   <li>{@value #DUPLICATES}: re-delivered hourly values equal to the one held (no emission);</li>
 *   <li>{@value #CORRECTIONS}: re-delivered hourly values that differ and replace the one held;</li>
 *   <li>{@value #IGNORED} {reason}: events a daily mean cannot use (not hourly, not a number, tombstone);</li>
 *   <li>{@value #IDLE_FINALISED}: days finalised by the wall-clock punctuator because stream time stalled;</li>
 *   <li>{@value #LATENCY}: event-to-indicator latency, computedAt − ingestedAt of the triggering event,
 *       with a percentile histogram (Prometheus {@code _bucket}s).</li>
 * </ul>
 */
public final class DailyMeanMetrics {

    public static final String VALUES = "pulse.indicators.values";
    public static final String LATE = "pulse.indicators.late.events";
    public static final String DUPLICATES = "pulse.indicators.duplicate.events";
    public static final String CORRECTIONS = "pulse.indicators.corrected.events";
    public static final String IGNORED = "pulse.indicators.ignored.events";
    public static final String IDLE_FINALISED = "pulse.indicators.idle.finalised.windows";
    public static final String LATENCY = "pulse.indicators.latency";

    public static final String TAG_INDICATOR = "indicator";

    private final Counter provisional;
    private final Counter finals;
    private final Counter late;
    private final Counter duplicates;
    private final Counter corrections;
    private final Counter ignoredNotHourly;
    private final Counter ignoredNotFinite;
    private final Counter ignoredTombstone;
    private final Counter idleFinalised;
    private final Timer latency;

    public DailyMeanMetrics(MeterRegistry registry, String indicatorId) {
        provisional = Counter.builder(VALUES).description("Indicator values emitted")
                .tag(TAG_INDICATOR, indicatorId).tag("status", IndicatorStatus.PROVISIONAL.name()).register(registry);
        finals = Counter.builder(VALUES).description("Indicator values emitted")
                .tag(TAG_INDICATOR, indicatorId).tag("status", IndicatorStatus.FINAL.name()).register(registry);
        late = Counter.builder(LATE).description("Events later than their window's grace, sent to the late topic")
                .tag(TAG_INDICATOR, indicatorId).register(registry);
        duplicates = Counter.builder(DUPLICATES).description("Re-delivered values equal to the one held; counted once")
                .tag(TAG_INDICATOR, indicatorId).register(registry);
        corrections = Counter.builder(CORRECTIONS).description("Re-delivered values that replaced the one held")
                .tag(TAG_INDICATOR, indicatorId).register(registry);
        ignoredNotHourly = ignored(registry, indicatorId, "not_hourly");
        ignoredNotFinite = ignored(registry, indicatorId, "not_finite");
        ignoredTombstone = ignored(registry, indicatorId, "tombstone");
        idleFinalised = Counter.builder(IDLE_FINALISED)
                .description("Windows finalised by the wall-clock punctuator because stream time stalled")
                .tag(TAG_INDICATOR, indicatorId).register(registry);
        latency = Timer.builder(LATENCY).description("Event-to-indicator latency: computedAt - ingestedAt")
                .tag(TAG_INDICATOR, indicatorId)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
    }

    private static Counter ignored(MeterRegistry registry, String indicatorId, String reason) {
        return Counter.builder(IGNORED).description("Events a daily mean cannot use")
                .tag(TAG_INDICATOR, indicatorId).tag("reason", reason).register(registry);
    }

    void emitted(IndicatorStatus status) {
        (status == IndicatorStatus.FINAL ? finals : provisional).increment();
    }

    void late() {
        late.increment();
    }

    void duplicate() {
        duplicates.increment();
    }

    void corrected() {
        corrections.increment();
    }

    void ignoredNotHourly() {
        ignoredNotHourly.increment();
    }

    void ignoredNotFinite() {
        ignoredNotFinite.increment();
    }

    void ignoredTombstone() {
        ignoredTombstone.increment();
    }

    void idleFinalised(int windows) {
        idleFinalised.increment(windows);
    }

    void latency(long millis) {
        if (millis >= 0) {
            latency.record(millis, TimeUnit.MILLISECONDS);
        }
    }
}
