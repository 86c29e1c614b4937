package pl.krakow.pulse.alerting.notify;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.events.alerts.Alert;

/** Writes one log line per alert state change (logger {@code pl.krakow.pulse.alerts}), for operators. */
public final class LogNotifier implements AlertNotifier {

    private static final Logger ALERTS = LoggerFactory.getLogger("pl.krakow.pulse.alerts");

    private final NotifierMetrics metrics;

    public LogNotifier(MeterRegistry meters) {
        this.metrics = new NotifierMetrics(meters, name());
    }

    @Override
    public String name() {
        return "log";
    }

    @Override
    public void deliver(String idempotencyKey, Alert a) {
        ALERTS.info("ALERT {} {}{} {} {} {}: value {} {} vs threshold {} ({}), window {} .. {}, alert {}",
                a.getState(), a.getLevel(), a.getProvisional() ? " (provisional)" : "", a.getIndicatorId(), a.getScope(),
                a.getRuleId(), a.getValue(), a.getUnit(), a.getThreshold(), a.getThresholdSource(), a.getWindowStart(),
                a.getWindowEnd(), a.getAlertId());
        metrics.delivered();
    }
}
