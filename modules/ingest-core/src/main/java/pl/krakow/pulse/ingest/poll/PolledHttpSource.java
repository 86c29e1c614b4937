package pl.krakow.pulse.ingest.poll;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.runtime.Backoff;
import pl.krakow.pulse.runtime.service.Service;

/**
 * The shared part of every feed that is fetched over HTTP on a schedule (the GIOŚ API, GTFS-Realtime, GBFS):
 * the schedule, the backoff after failures, the failure metric, the log lines and the {@link Service}
 * lifecycle. A subclass adds one or more named <em>targets</em>, each a {@link Poll} that fetches (usually
 * with {@link HttpGet}), parses and publishes its bytes, and throws when the target failed; the base knows
 * no format.
 *
 * <p><b>Schedule.</b> Each target is polled at {@link #start()} and then on its own schedule on one daemon
 * thread: {@code interval} after the end of a successful poll; after the n-th consecutive failed poll
 * {@link Backoff#delay(int) backoff.delay(n)} (the subclass picks the policy); a success resets it. A failing
 * target never delays the others. A poll that is interrupted ends its target's schedule (closing).
 *
 * <p><b>Logs and metrics.</b> One WARN when a target starts failing and one INFO when it recovers, never one
 * per poll; {@value #FAILURES_METRIC}{target} counts failed polls.
 *
 * <p><b>Readiness.</b> {@link #isReady()} is true once every target has finished its first poll, whether it
 * succeeded or not, and stays true while a remote feed fails: a poller does its job by polling on, an outage
 * of the remote server is not a state of this process (no restart cures it), and a feed down for hours must
 * not hold the readiness of the whole pipeline. Whether the last polls failed is {@link #failing()} and the
 * metric. {@link #health()} is DOWN only when a poll threw an {@link Error}: that target's schedule has ended.
 */
public abstract class PolledHttpSource implements Service {

    public static final String FAILURES_METRIC = "pulse.ingest.poll.failures";

    /** One poll of one target: fetch, parse, publish; throws when the target failed this time. */
    @FunctionalInterface
    protected interface Poll {
        void poll() throws Exception;
    }

    private final class Target {
        final String name;
        final Poll poll;
        int consecutiveFailures;
        final Counter failures;
        volatile boolean polledOnce;
        volatile boolean failing;

        Target(String name, Poll poll) {
            this.name = name;
            this.poll = poll;
            this.failures = Counter.builder(FAILURES_METRIC).description("Failed polls of an HTTP feed")
                    .tag("target", name).register(meters);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(PolledHttpSource.class);

    private final String name;
    private final Duration interval;
    private final Backoff backoff;
    private final MeterRegistry meters;
    private final List<Target> targets = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private volatile ScheduledExecutorService scheduler;
    private volatile boolean closed;
    private volatile boolean died;

    /**
     * @param name     the service name, also the polling thread's
     * @param interval time between the end of one successful poll of a target and the start of the next
     * @param backoff  the wait after consecutive failed polls of a target
     */
    protected PolledHttpSource(String name, Duration interval, Backoff backoff, MeterRegistry meters) {
        this.name = Objects.requireNonNull(name, "name");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.meters = Objects.requireNonNull(meters, "meters");
    }

    /** Adds a target; polled at once if the source has started, else from {@link #start()}. */
    protected final void addTarget(String target, Poll poll) {
        Target t = new Target(Objects.requireNonNull(target, "target"), Objects.requireNonNull(poll, "poll"));
        synchronized (lock) {
            targets.add(t);
            if (scheduler != null && !closed) {
                scheduler.execute(() -> cycle(t));
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    /** Starts polling every target now; idempotent. */
    @Override
    public void start() {
        synchronized (lock) {
            if (scheduler != null || closed) {
                return;
            }
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "pulse-" + name);
                t.setDaemon(true);
                return t;
            });
            targets.forEach(t -> scheduler.execute(() -> cycle(t)));
        }
    }

    @Override
    public boolean isReady() {
        return scheduler != null && !closed && targets.stream().allMatch(t -> t.polledOnce);
    }

    @Override
    public Health health() {
        return died ? Health.DOWN : Health.UP;
    }

    /** Whether the last poll of some target failed. */
    public boolean failing() {
        return targets.stream().anyMatch(t -> t.failing);
    }

    /** The wait before the next poll after {@code failures} consecutive failed polls of a target. */
    public Duration delayAfter(int failures) {
        return failures <= 0 ? interval : backoff.delay(failures);
    }

    protected Duration interval() {
        return interval;
    }

    private void cycle(Target t) {
        if (closed) {
            return;
        }
        try {
            t.poll.poll();
            if (t.failing) {
                LOG.info("{}: {} recovered after {} failed poll(s)", name, t.name, t.consecutiveFailures);
            }
            t.consecutiveFailures = 0;
            t.failing = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            if (closed) {
                return;
            }
            t.failures.increment();
            t.consecutiveFailures++;
            if (!t.failing) {
                LOG.warn("{}: polling {} failed ({}); backing off, next try in {}", name, t.name, e.toString(),
                        delayAfter(t.consecutiveFailures));
            }
            t.failing = true;
        } catch (Error e) {
            died = true;
            LOG.error("{}: polling {} died; its schedule has ended", name, t.name, e);
            throw e;
        } finally {
            t.polledOnce = true;
        }
        synchronized (lock) {
            if (!closed) {
                scheduler.schedule(() -> cycle(t), delayAfter(t.consecutiveFailures).toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Stops polling and waits up to 10 s for a running poll; idempotent. */
    @Override
    public void close() {
        ScheduledExecutorService s;
        synchronized (lock) {
            closed = true;
            s = scheduler;
        }
        if (s != null) {
            s.shutdownNow();
            try {
                s.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
