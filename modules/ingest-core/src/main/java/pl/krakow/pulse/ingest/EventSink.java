package pl.krakow.pulse.ingest;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where ingest sources put their outcomes: accepted events to their topic, rejections to the
 * dead-letter queue. {@link EventPublisher} is the Kafka implementation; tests hand a recording fake
 * to sources such as {@link FileReplayer}.
 *
 * <p>Publishing may be asynchronous: {@link #flush()} returns once everything handed in so far was
 * either written or counted as a send failure. Sources that read files or poll use {@link #publish} and
 * {@link #flush()}; sources that must answer a sender (HTTP push, MQTT QoS 1) use {@link #publishAll}, whose
 * future says whether every record of that batch was acknowledged.
 */
public interface EventSink {

    void accept(ParseOutcome.Accepted<?> event);

    void reject(ParseOutcome.Rejected rejection);

    /** Dispatches to {@link #accept} or {@link #reject}. */
    default void publish(ParseOutcome outcome) {
        if (outcome instanceof ParseOutcome.Accepted<?> a) {
            accept(a);
        } else {
            reject((ParseOutcome.Rejected) outcome);
        }
    }

    /**
     * Publishes a batch (the accepted events and the dead letters of one push) and tells when the broker has
     * acknowledged <b>every</b> record of it. The future completes normally only then; it completes exceptionally
     * with a {@link NotAcknowledgedException} when any record failed, could not be handed in, or was not
     * acknowledged within the sink's bounded wait. It never stays pending longer than that bound.
     *
     * <p>This default suits sinks that write synchronously in {@link #accept}/{@link #reject} and throw
     * {@link PublishException} when they cannot (test fakes, collectors); a sink that writes asynchronously must
     * override it ({@link EventPublisher} does, with per-record acknowledgements).
     */
    default CompletableFuture<Void> publishAll(List<? extends ParseOutcome> outcomes) {
        int handed = 0;
        try {
            for (ParseOutcome o : outcomes) {
                publish(o);
                handed++;
            }
            flush();
            return CompletableFuture.completedFuture(null);
        } catch (PublishException e) {
            return CompletableFuture.failedFuture(new NotAcknowledgedException(NotAcknowledgedException.Reason.REFUSED,
                    e.getMessage(), e, List.copyOf(outcomes.subList(handed, outcomes.size()))));
        }
    }

    /** Blocks until every record handed in so far is written or has failed. */
    void flush();

    /** Records handed in that could not be written (cumulative since the sink was created). */
    default long sendFailures() {
        return 0;
    }
}
