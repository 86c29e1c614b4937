package pl.krakow.pulse.ingest;

import java.util.List;
import java.util.Objects;

/**
 * The broker did not acknowledge every record of a batch handed to {@link EventSink#publishAll}: the batch must
 * not be reported as stored. {@link #unacknowledged()} lists the outcomes without an acknowledgement — those that
 * failed, those still pending when the wait ended, and those never handed to the producer — so a caller can make a
 * re-delivery of exactly those acceptable again (they did not land, so a resend is not a duplicate).
 *
 * <p>A record listed here that timed out may still have been written (the broker wrote it but the answer was
 * lost): "unacknowledged" means "not known to be stored", not "known to be absent".
 */
public final class NotAcknowledgedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why the batch was not acknowledged; the {@code cause} tag of the push endpoints' unavailable counter. */
    public enum Reason {
        /** The producer gave up on at least one record (broker unreachable past the delivery timeout, record too large…). */
        SEND_FAILED,
        /** The bounded wait for the acknowledgements passed. */
        TIMED_OUT,
        /** A record could not even be handed to the producer ({@link PublishException}: closed, not serializable). */
        REFUSED;

        /** The tag value, e.g. {@code send_failed}. */
        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Reason reason;
    private final transient List<ParseOutcome> unacknowledged;

    public NotAcknowledgedException(Reason reason, String message, Throwable cause, List<ParseOutcome> unacknowledged) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.unacknowledged = List.copyOf(unacknowledged);
    }

    public Reason reason() {
        return reason;
    }

    /** The outcomes of the batch not known to be stored, in batch order. */
    public List<ParseOutcome> unacknowledged() {
        return unacknowledged;
    }

    /** The accepted events among {@link #unacknowledged()}: what a parser's duplicate check must forget. */
    public List<ParseOutcome.Accepted<?>> unacknowledgedEvents() {
        return unacknowledged.stream().filter(o -> o instanceof ParseOutcome.Accepted<?>)
                .<ParseOutcome.Accepted<?>>map(o -> (ParseOutcome.Accepted<?>) o).toList();
    }
}
