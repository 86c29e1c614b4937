package pl.krakow.pulse.publish;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import pl.krakow.pulse.platform.config.PulseConfig;

/**
 * How long the read model keeps the values of each window grain, counted back from the <b>newest window start
 * seen in the same series</b> (indicator and scope) — event time, not the wall clock, so a replay of 2017 data keeps
 * its 2017 values, and a series that stops keeps its last stretch.
 *
 * <p>The grain is a value's own window length ({@code windowEnd - windowStart}), since one indicator may publish
 * several (hourly and daily on-time shares): shorter than an hour ({@code short}: the per-minute vehicles in service,
 * the 15-minute bike availability), an hour up to a day ({@code hourly}), a day or longer ({@code long}). A zero
 * duration keeps that grain for ever.
 *
 * <p>Values are removed, never down-sampled: what the read side serves are published indicator values (counts,
 * shares, percentiles, means, classes) and an hourly mean of per-minute counts or percentiles is a number no
 * topology computed; where a coarser grain is meaningful the topologies already publish it (on-time shares and delay
 * percentiles per hour and per day, PM10 per hour and per day), and those are kept longer.
 *
 * @param shortWindows  retention of values whose window is shorter than an hour
 * @param hourlyWindows retention of values whose window is an hour or longer, but shorter than a day
 * @param longWindows   retention of values whose window is a day or longer
 */
record HistoryRetention(Duration shortWindows, Duration hourlyWindows, Duration longWindows) {

    /** Keeps everything. */
    static final HistoryRetention FOREVER = new HistoryRetention(Duration.ZERO, Duration.ZERO, Duration.ZERO);

    HistoryRetention {
        for (Duration d : new Duration[] {shortWindows, hourlyWindows, longWindows}) {
            if (Objects.requireNonNull(d, "retention").isNegative()) {
                throw new IllegalArgumentException("a retention must not be negative: " + d);
            }
        }
    }

    static HistoryRetention fromConfig(PulseConfig config) {
        return new HistoryRetention(config.get(PublishConfig.HISTORY_RETENTION_SHORT),
                config.get(PublishConfig.HISTORY_RETENTION_HOURLY), config.get(PublishConfig.HISTORY_RETENTION_LONG));
    }

    /** The retention of values with this window length; zero = for ever. */
    Duration of(Duration windowLength) {
        if (windowLength.compareTo(Duration.ofHours(1)) < 0) {
            return shortWindows;
        }
        return windowLength.compareTo(Duration.ofDays(1)) < 0 ? hourlyWindows : longWindows;
    }

    /** Whether a value with this window start and length has expired when the series' newest window starts at newest. */
    boolean expired(Instant windowStart, Duration windowLength, Instant newest) {
        Duration keep = of(windowLength);
        // Duration.between, not newest.minus(keep): newest is Instant.MIN for a series not seen yet.
        return !keep.isZero() && Duration.between(windowStart, newest).compareTo(keep) > 0;
    }

    /** The longest finite retention (zero when every grain is kept for ever): nothing older can still expire. */
    Duration longestFinite() {
        Duration longest = Duration.ZERO;
        for (Duration d : new Duration[] {shortWindows, hourlyWindows, longWindows}) {
            if (d.compareTo(longest) > 0) {
                longest = d;
            }
        }
        return longest;
    }

    /** Whether every grain is kept for ever. */
    boolean keepsEverything() {
        return longestFinite().isZero();
    }
}
