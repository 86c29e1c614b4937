package pl.krakow.pulse.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/** An {@link EventSink} that remembers what it was given (and, optionally, when). */
final class RecordingSink implements EventSink {

    final List<ParseOutcome.Accepted<?>> accepted = new ArrayList<>();
    final List<ParseOutcome.Rejected> rejected = new ArrayList<>();
    final List<Long> acceptedAtNanos = new ArrayList<>();
    int flushes;
    private final LongSupplier nanos;

    RecordingSink() {
        this(() -> 0L);
    }

    RecordingSink(LongSupplier nanos) {
        this.nanos = nanos;
    }

    @Override
    public void accept(ParseOutcome.Accepted<?> event) {
        accepted.add(event);
        acceptedAtNanos.add(nanos.getAsLong());
    }

    @Override
    public void reject(ParseOutcome.Rejected rejection) {
        rejected.add(rejection);
    }

    @Override
    public void flush() {
        flushes++;
    }
}
