package pl.krakow.pulse.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * The one exponential backoff policy: after the n-th consecutive failure wait
 * {@code min(initial × multiplier^(n−1), max)}, optionally shortened by up to {@code jitter} of itself (so
 * that many clients failing together do not retry together; {@code max} stays an upper bound). A success
 * resets the count. The policy is immutable and pure: {@link #delay(int)} computes, nothing sleeps, and the
 * jitter's randomness is handed in, so tests need no clock and no sleeps.
 *
 * <p>{@link #state()} gives the mutable per-resource companion ({@link State}): failures so far and the
 * instant before which the resource rests, with time handed in. One state per polled resource, target or
 * consumer; not thread-safe.
 */
public final class Backoff {

    private final Duration initial;
    private final Duration max;
    private final double multiplier;
    private final double jitter;
    private final DoubleSupplier random;

    /**
     * @param initial    wait after the first failure (≥ 0)
     * @param max        longest wait (≥ 0); a smaller {@code max} than {@code initial} caps every wait at {@code max}
     * @param multiplier growth per consecutive failure (≥ 1)
     * @param jitter     fraction in [0, 1) by which a wait may be shortened at random; 0 = none
     * @param random     uniform values in [0, 1) for the jitter
     */
    public Backoff(Duration initial, Duration max, double multiplier, double jitter, DoubleSupplier random) {
        this.initial = Objects.requireNonNull(initial, "initial");
        this.max = Objects.requireNonNull(max, "max");
        this.random = Objects.requireNonNull(random, "random");
        if (initial.isNegative() || max.isNegative()) {
            throw new IllegalArgumentException("backoff durations must not be negative: " + initial + ", " + max);
        }
        if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be >= 1: " + multiplier);
        }
        if (!(jitter >= 0 && jitter < 1)) {
            throw new IllegalArgumentException("jitter must be in [0, 1): " + jitter);
        }
        this.multiplier = multiplier;
        this.jitter = jitter;
    }

    /** Doubling from {@code initial} up to {@code max}, no jitter. */
    public Backoff(Duration initial, Duration max) {
        this(initial, max, 2, 0, () -> 0);
    }

    /** The same wait after every failure. */
    public static Backoff constant(Duration wait) {
        return new Backoff(wait, wait, 1, 0, () -> 0);
    }

    /** This policy with up to {@code fraction} of each wait taken off at random. */
    public Backoff withJitter(double fraction, DoubleSupplier random) {
        return new Backoff(initial, max, multiplier, fraction, random);
    }

    public Duration initial() {
        return initial;
    }

    public Duration max() {
        return max;
    }

    /** The wait after the {@code failures}-th consecutive failure (1-based); zero for none. */
    public Duration delay(int failures) {
        if (failures <= 0) {
            return Duration.ZERO;
        }
        double nanos = Math.min(initial.toNanos(), max.toNanos());
        double maxNanos = max.toNanos();
        for (int i = 1; i < failures && nanos < maxNanos; i++) {
            nanos = Math.min(nanos * multiplier, maxNanos);
        }
        if (jitter > 0) {
            nanos -= nanos * jitter * random.getAsDouble();
        }
        return Duration.ofNanos(Math.round(nanos));
    }

    /** A fresh per-resource state under this policy. */
    public State state() {
        return new State();
    }

    /** Consecutive failures of one resource and when it may be asked again; time is handed in. */
    public final class State {
        private int failures;
        private Instant notBefore = Instant.MIN;

        private State() {
        }

        /** Whether the resource may be asked at {@code now}. */
        public boolean ready(Instant now) {
            return !now.isBefore(notBefore);
        }

        /** Records a failure at {@code now}; returns how long the resource now rests. */
        public Duration failure(Instant now) {
            failures++;
            Duration wait = delay(failures);
            notBefore = now.plus(wait);
            return wait;
        }

        /** Records a success: the next failure waits {@code initial} again. */
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
}
