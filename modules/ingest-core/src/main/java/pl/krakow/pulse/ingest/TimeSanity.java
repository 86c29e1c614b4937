package pl.krakow.pulse.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Is an event's time plausible? Not later than now + {@code maxFuture} (clock skew allowance,
 * {@code ingest.max.future}) and not earlier than now − {@code maxAge} (the horizon,
 * {@code ingest.max.age}). Both bounds are inclusive: an event exactly on a bound is accepted.
 * Stateless apart from the clock; thread-safe.
 */
public final class TimeSanity {

    private final Clock clock;
    private final Duration maxFuture;
    private final Duration maxAge;

    public TimeSanity(Clock clock, Duration maxFuture, Duration maxAge) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxFuture = Objects.requireNonNull(maxFuture, "maxFuture");
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
    }

    /** {@link ReasonCode#IN_FUTURE}, {@link ReasonCode#TOO_OLD}, or empty when the time is plausible. */
    public Optional<Violation> check(Instant eventTime) {
        Instant now = clock.instant();
        Instant latest = now.plus(maxFuture);
        if (eventTime.isAfter(latest)) {
            return Optional.of(new Violation(ReasonCode.IN_FUTURE, "event time " + eventTime + " is more than "
                    + maxFuture + " after now (" + now + ")"));
        }
        Instant earliest = now.minus(maxAge);
        if (eventTime.isBefore(earliest)) {
            return Optional.of(new Violation(ReasonCode.TOO_OLD, "event time " + eventTime + " is before the horizon "
                    + earliest + " (ingest.max.age " + maxAge + ")"));
        }
        return Optional.empty();
    }

    public Duration maxFuture() {
        return maxFuture;
    }

    public Duration maxAge() {
        return maxAge;
    }
}
