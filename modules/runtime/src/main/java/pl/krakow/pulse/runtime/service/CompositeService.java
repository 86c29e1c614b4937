package pl.krakow.pulse.runtime.service;

/**
 * A service made of other services run as one {@link ServiceGroup} (alerting: its Streams application
 * and notifiers; the read side: read models, HTTP server, export): ready when every member is, DOWN
 * when any member is, closed by closing the members in reverse order.
 */
public interface CompositeService extends Service {

    /** The members, in start order. */
    ServiceGroup members();

    @Override
    default boolean isReady() {
        return members().isReady();
    }

    @Override
    default Health health() {
        return members().health();
    }

    @Override
    default void close() {
        members().close();
    }
}
