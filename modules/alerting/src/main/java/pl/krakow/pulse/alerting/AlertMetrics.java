package pl.krakow.pulse.alerting;

import io.micrometer.core.instrument.MeterRegistry;
import pl.krakow.pulse.events.alerts.Alert;

/**
 * The alerting app's own counters. {@code pulse.alerting.alerts{kind,state,level,provisional}} counts
 * every announced state change (so raised and cleared by level are two of its series);
 * {@code pulse.alerting.stale.finals{indicator}} FINAL values that arrived after a newer window had been judged.
 */
public final class AlertMetrics {

    public static final String ALERTS = "pulse.alerting.alerts";
    public static final String STALE_FINALS = "pulse.alerting.stale.finals";
    /** Wall-clock time an alert is announced − ingestedAt of the newest event behind the indicator value. */
    public static final String LATENCY = "pulse.alerting.latency";

    private final MeterRegistry meters;

    public AlertMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    public void announced(Alert alert) {
        meters.counter(ALERTS, "kind", alert.getKind().name(), "state", alert.getState().name(),
                "level", alert.getLevel().name(), "provisional", Boolean.toString(alert.getProvisional())).increment();
    }

    /**
     * Event-to-alert latency, up to the moment the alert is handed to Kafka Streams (the exactly-once commit,
     * at most {@code commit.interval.ms} later, comes on top). Recorded for threshold alerts whose value
     * names its newest event's ingestion time.
     */
    public void latency(long millis) {
        io.micrometer.core.instrument.Timer.builder(LATENCY)
                .description("event ingestedAt to alert announced")
                .publishPercentiles(0.5, 0.99)
                .publishPercentileHistogram()
                .register(meters)
                .record(java.time.Duration.ofMillis(Math.max(0, millis)));
    }

    public void staleFinal(String indicatorId) {
        meters.counter(STALE_FINALS, "indicator", indicatorId).increment();
    }
}
