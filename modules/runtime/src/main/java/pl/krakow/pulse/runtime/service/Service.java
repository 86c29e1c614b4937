package pl.krakow.pulse.runtime.service;

import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The one lifecycle every Kraków Pulse component has — an ingest feed, a goal's Streams application,
 * alerting, the read side, the HTTP server — so that {@code pulse run} and a single-component command
 * start, probe and stop them alike.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #start()} is called once, returns promptly (long work runs on the service's own
 *       threads) and throws when the service cannot start at all (bad configuration, port in use);
 *       a service that depends on another is started after it ({@link ServiceGroup} keeps the order);</li>
 *   <li>{@link #isReady()} is true once the service does its job (a Streams application RUNNING, a
 *       read model caught up, a server listening), and false again while it cannot (rebalancing,
 *       reconnecting); it never blocks;</li>
 *   <li>{@link #health()} is DOWN only for a state the service will not leave by itself (a Streams
 *       client in ERROR, a thread that died): what a supervisor restarts;</li>
 *   <li>{@link #close()} stops it, releases its threads and clients, is idempotent and never throws
 *       for a service that failed to start.</li>
 * </ul>
 */
public interface Service extends AutoCloseable {

    /** A short stable name for logs, probes and metrics tags, e.g. {@code indicators-iv3}. */
    String name();

    /** Starts the service; see the class comment. */
    void start();

    /** True while the service does its job; never blocks. */
    boolean isReady();

    /** UP unless the service is in a state it will not leave by itself. */
    default Health health() {
        return Health.UP;
    }

    /**
     * One short human-readable line on what the service is doing, as {@code GET /ready} lists it per
     * service, e.g. {@code RUNNING} for a Streams application or {@code caught up} for a read model.
     */
    default String status() {
        return isReady() ? "ready" : "not ready";
    }

    /**
     * What {@code GET /ready} lists for this service: its name and {@link #status()}; a composite of
     * several services the operator should see one by one lists each of them instead.
     */
    default Map<String, String> checks() {
        return Map.of(name(), status());
    }

    /** Stops the service; idempotent. */
    @Override
    void close();

    /**
     * A component that does not implement this interface itself, seen as a service: {@code start} runs on
     * {@link #start()}, {@code ready} answers {@link #isReady()} (it must not block), {@code close} runs
     * once, on the first {@link #close()}, whether or not {@code start} ran. Health is always UP.
     */
    static Service of(String name, Runnable start, BooleanSupplier ready, AutoCloseable close) {
        return new AdaptedService(name, start, ready, () -> ready.getAsBoolean() ? "ready" : "not ready", close);
    }

    /** As {@link #of(String, Runnable, BooleanSupplier, AutoCloseable)}, with the component's own {@link #status()}. */
    static Service of(String name, Runnable start, BooleanSupplier ready, Supplier<String> status, AutoCloseable close) {
        return new AdaptedService(name, start, ready, status, close);
    }

    /** Whether a supervisor should leave the service alone (UP) or restart it (DOWN). */
    enum Health { UP, DOWN }
}
