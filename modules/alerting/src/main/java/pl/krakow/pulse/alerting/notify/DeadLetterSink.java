package pl.krakow.pulse.alerting.notify;

/** Where a notifier puts an alert it finally could not deliver. */
@FunctionalInterface
public interface DeadLetterSink {

    void deadLetter(String notifier, String target, byte[] body, String reason);
}
