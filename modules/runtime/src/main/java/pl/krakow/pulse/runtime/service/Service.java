package pl.krakow.pulse.runtime.service;

/**
 * The one lifecycle every Kraków Pulse component has — an ingest feed, a goal's Streams application,
 * alerting, the read side, the HTTP server — so that {@code pulse run} and a single-component command
 * start, probe and stop them alike.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #start()} is called once, returns promptly (long work runs on the service's own
 *       threads) and throws when the service cannot start at all (bad configuration, port in use);</li>
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

    /** Stops the service; idempotent. */
    @Override
    void close();

    /** Whether a supervisor should leave the service alone (UP) or restart it (DOWN). */
    enum Health { UP, DOWN }
}
