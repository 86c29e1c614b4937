package pl.krakow.pulse.runtime.service;

import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@link Service#of}: start, readiness and close of a component given as functions. Closes at most
 * once, started or not (the component may hold clients from its construction); a close that throws is
 * rethrown unchecked (the owner, e.g. {@link ServiceGroup}, logs it and goes on).
 */
final class AdaptedService implements Service {

    private final String name;
    private final Runnable start;
    private final BooleanSupplier ready;
    private final Supplier<String> status;
    private final AutoCloseable close;
    private boolean closed;

    AdaptedService(String name, Runnable start, BooleanSupplier ready, Supplier<String> status, AutoCloseable close) {
        this.name = Objects.requireNonNull(name, "name");
        this.start = Objects.requireNonNull(start, "start");
        this.ready = Objects.requireNonNull(ready, "ready");
        this.status = Objects.requireNonNull(status, "status");
        this.close = Objects.requireNonNull(close, "close");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException(name + " was closed");
        }
        start.run();
    }

    @Override
    public boolean isReady() {
        return ready.getAsBoolean();
    }

    @Override
    public String status() {
        return status.get();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            close.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop " + name, e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
