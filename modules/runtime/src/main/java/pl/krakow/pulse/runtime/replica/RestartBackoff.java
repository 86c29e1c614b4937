package pl.krakow.pulse.runtime.replica;

import pl.krakow.pulse.runtime.Backoff;
import java.time.Duration;
import java.util.Objects;

/**
 * How long a failed consumer rests before it restarts: {@code initial × 2^(failure−1)}, at most {@code max},
 * for at most {@code maxRestarts} consecutive failures (a failure counter that a healthy poll resets).
 *
 * <p>The waits are the project's one policy, {@link Backoff} (doubling, capped); this record only adds the
 * restart limit a replica needs.
 *
 * @param initial     rest after the first failure
 * @param max         longest rest
 * @param maxRestarts consecutive failures after which the consumer is given up ({@link #UNLIMITED}: never)
 */
public record RestartBackoff(Duration initial, Duration max, int maxRestarts) {

    public static final int UNLIMITED = Integer.MAX_VALUE;

    /** 5 s, doubling up to 1 min, for ever: a read model outlives any broker or registry outage. */
    public static final RestartBackoff DEFAULT = new RestartBackoff(Duration.ofSeconds(5), Duration.ofMinutes(1), UNLIMITED);

    public RestartBackoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff must satisfy 0 <= initial <= max: " + initial + ", " + max);
        }
        if (maxRestarts < 0) {
            throw new IllegalArgumentException("maxRestarts must not be negative: " + maxRestarts);
        }
    }

    /** No restart: the first failure is final (a one-shot read, which should report the error, not retry it). */
    public static RestartBackoff none() {
        return new RestartBackoff(Duration.ZERO, Duration.ZERO, 0);
    }

    /** Whether the {@code failure}-th consecutive failure (1-based) is followed by a restart. */
    public boolean restartsAfter(int failure) {
        return failure <= maxRestarts;
    }

    /** The rest before the restart that follows the {@code failure}-th consecutive failure (1-based). */
    public Duration delay(int failure) {
        return new Backoff(initial, max).delay(Math.max(failure, 1));
    }
}
