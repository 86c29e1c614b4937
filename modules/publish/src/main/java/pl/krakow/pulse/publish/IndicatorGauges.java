package pl.krakow.pulse.publish;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import pl.krakow.pulse.events.indicators.IndicatorValue;

/**
 * Prometheus gauges of the latest value of every indicator and scope the read model holds:
 * {@code pulse_indicator_value{goal="IV.3",indicator="iv3.pm10.daily_mean",scope="station:MpKrakAlKras"}},
 * plus {@code pulse_indicator_valid} (1/0) and {@code pulse_indicator_window_start_seconds} (epoch
 * seconds of the latest window), so an alert rule in Prometheus can tell a stale or invalid value
 * from a low one. "Latest" is the value of the latest window, as the API's goal route answers.
 *
 * <p>A gauge is registered the first time a series is seen (on the read model's consumer thread) and
 * reads the model on every scrape; a series whose windows were all deleted reads NaN, which
 * Prometheus treats as absent. Label cardinality is one per indicator and scope — the same bound as
 * the table itself.
 */
final class IndicatorGauges implements AutoCloseable {

    static final String METRIC_VALUE = "pulse.indicator.value";
    static final String METRIC_VALID = "pulse.indicator.valid";
    static final String METRIC_WINDOW_START = "pulse.indicator.window.start.seconds";

    private final IndicatorReadModel model;
    private final MeterRegistry registry;
    private final Map<String, Meter[]> bySeries = new ConcurrentHashMap<>();
    private final IndicatorReadModel.Subscription subscription;

    IndicatorGauges(IndicatorReadModel model, MeterRegistry registry) {
        this.model = model;
        this.registry = registry;
        for (String id : model.indicatorIds()) {
            model.latest(id).forEach(this::register);
        }
        this.subscription = model.onUpdate(this::register);
    }

    private void register(IndicatorValue v) {
        String id = v.getIndicatorId();
        String scope = v.getScope();
        bySeries.computeIfAbsent(id + '|' + scope, k -> new Meter[] {
            Gauge.builder(METRIC_VALUE, () -> latest(id, scope, "value"))
                    .description("Latest value of an indicator for one scope, in the indicator's unit")
                    .tag("goal", v.getGoal()).tag("indicator", id).tag("scope", scope).register(registry),
            Gauge.builder(METRIC_VALID, () -> latest(id, scope, "valid"))
                    .description("1 when the indicator's latest value meets its validity rule, else 0")
                    .tag("goal", v.getGoal()).tag("indicator", id).tag("scope", scope).register(registry),
            Gauge.builder(METRIC_WINDOW_START, () -> latest(id, scope, "window"))
                    .description("Start of the latest value's window, epoch seconds")
                    .tag("goal", v.getGoal()).tag("indicator", id).tag("scope", scope).register(registry)
        });
    }

    private double latest(String id, String scope, String what) {
        return model.latest(id, scope).map(v -> switch (what) {
            case "value" -> v.getValue() == null ? Double.NaN : v.getValue();
            case "valid" -> v.getValid() ? 1.0 : 0.0;
            default -> (double) v.getWindowStart().getEpochSecond();
        }).orElse(Double.NaN);
    }

    int series() {
        return bySeries.size();
    }

    @Override
    public void close() {
        subscription.close();
        bySeries.values().forEach(ms -> {
            for (Meter m : ms) {
                registry.remove(m);
            }
        });
        bySeries.clear();
    }
}
