package pl.krakow.pulse.ingest;

/**
 * Where ingest sources put their outcomes: accepted events to their topic, rejections to the
 * dead-letter queue. {@link EventPublisher} is the Kafka implementation; tests hand a recording fake
 * to sources such as {@link FileReplayer}.
 *
 * <p>Publishing may be asynchronous: {@link #flush()} returns once everything handed in so far was
 * either written or counted as a send failure.
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

    /** Blocks until every record handed in so far is written or has failed. */
    void flush();

    /** Records handed in that could not be written (cumulative since the sink was created). */
    default long sendFailures() {
        return 0;
    }
}
