package pl.krakow.pulse.alerting.notify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code pulse.alerting.notifier.deliveries{notifier}} (alerts delivered), {@code .failures{notifier}}
 * (failed attempts, retried or not) and {@code .dead.letters{notifier}} (alerts given up on).
 */
final class NotifierMetrics {

    static final String DELIVERIES = "pulse.alerting.notifier.deliveries";
    static final String FAILURES = "pulse.alerting.notifier.failures";
    static final String DEAD_LETTERS = "pulse.alerting.notifier.dead.letters";

    private final Counter deliveries;
    private final Counter failures;
    private final Counter deadLetters;

    NotifierMetrics(MeterRegistry meters, String notifier) {
        deliveries = meters.counter(DELIVERIES, "notifier", notifier);
        failures = meters.counter(FAILURES, "notifier", notifier);
        deadLetters = meters.counter(DEAD_LETTERS, "notifier", notifier);
    }

    void delivered() {
        deliveries.increment();
    }

    void failed() {
        failures.increment();
    }

    void deadLettered() {
        deadLetters.increment();
    }
}
