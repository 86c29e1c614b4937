package pl.krakow.pulse.ingest.environment.gios;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Exponential backoff of one polled resource: after the n-th consecutive failure the resource is not
 * asked again for {@code min(initial × 2^(n−1), max)}; a success resets it. Pure (time is handed in),
 * not thread-safe.
 */
public final class Backoff {

    private final Duration initial;
    private final Duration max;
    private int failures;
    private Instant notBefore = Instant.MIN;

    public Backoff(Duration initial, Duration max) {
        this.initial = Objects.requireNonNull(initial, "initial");
        this.max = Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 < initial <= max: " + initial + ", " + max);
        }
    }

    /** Whether the resource may be asked at {@code now}. */
    public boolean ready(Instant now) {
        return !now.isBefore(notBefore);
    }

    /** Records a failure at {@code now}; returns how long the resource now rests. */
    public Duration failure(Instant now) {
        failures++;
        Duration delay = initial;
        for (int i = 1; i < failures && delay.compareTo(max) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        if (delay.compareTo(max) > 0) {
            delay = max;
        }
        notBefore = now.plus(delay);
        return delay;
    }

    public void success() {
        failures = 0;
        notBefore = Instant.MIN;
    }

    /** Consecutive failures so far (0 after a success). */
    public int failures() {
        return failures;
    }

    public Instant notBefore() {
        return notBefore;
    }
}
