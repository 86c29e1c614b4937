package pl.krakow.pulse.alerting.notify;

import pl.krakow.pulse.events.alerts.Alert;

/**
 * Tells someone about one alert record. Runs on its {@link NotifierRunner}'s thread, never on a stream
 * thread, so a slow or failing receiver delays only its own notifier. An implementation retries as it
 * sees fit and dead-letters what it finally cannot deliver; it throws only when interrupted.
 */
public interface AlertNotifier {

    /** Short name for metrics, logs and the consumer group, e.g. {@code webhook-1}. */
    String name();

    /**
     * @param idempotencyKey stable for this record across redeliveries (a restart re-reads uncommitted
     *                       records), so a receiver can de-duplicate
     */
    void deliver(String idempotencyKey, Alert alert) throws InterruptedException;
}
