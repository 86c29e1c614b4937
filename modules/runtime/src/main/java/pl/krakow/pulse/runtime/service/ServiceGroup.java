package pl.krakow.pulse.runtime.service;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ordered list of services run as one: started in the order they were added, stopped in the
 * reverse order, ready when every member is ready, DOWN when any member is DOWN. What {@code pulse run}
 * is (the embedded platform, each goal's Streams application, alerting, the read side, the feeds) and
 * what a composite component is made of (alerting: its Streams application and one notifier each).
 *
 * <p>Members may be added after a {@link #start()}: the next {@code start()} starts only the members not
 * started yet, so a member whose construction needs an earlier member running (the clients need the
 * embedded broker's address) is built after that start. {@link #close()} closes every member, started
 * or not (a member may hold clients from its construction), in reverse order. If a member's start
 * throws, the group closes itself and rethrows: a port in use leaves no consumer thread behind.
 * Members must have distinct names (they key {@link #checks()}).
 */
public final class ServiceGroup implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceGroup.class);

    private final String name;
    // Copy-on-write: the probes read the members while start() (which may take seconds) holds the lock.
    private final List<Service> members = new CopyOnWriteArrayList<>();
    /** Members that are shared resources (see {@link #resource}): closed in order, never probed. */
    private final Set<Service> resources = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    private int started;
    private boolean closed;

    public ServiceGroup(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public String name() {
        return name;
    }

    /** Appends a member (not started yet); returns it for the caller to keep. */
    public synchronized <T extends Service> T add(T service) {
        Objects.requireNonNull(service, "service");
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
        if (probed().anyMatch(s -> s.name().equals(service.name()))) {
            throw new IllegalArgumentException(name + " already has a service named " + service.name());
        }
        members.add(service);
        return service;
    }

    /**
     * Appends a resource the members after it share (a Kafka producer, the schema-registry client, the
     * meter registry): it has no lifecycle of its own, is closed in the same reverse order as the members
     * (so after every member added later, which may still use it) and is left out of readiness, health and
     * {@link #checks()}. Returns it.
     */
    public synchronized <T extends AutoCloseable> T resource(T resource) {
        Objects.requireNonNull(resource, "resource");
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
        Service member = Service.of(resource.getClass().getSimpleName(), () -> { }, () -> true, resource);
        resources.add(member);
        members.add(member);
        return resource;
    }

    /** Appends a member and starts it (and any member added before it and not started yet). */
    public <T extends Service> T start(T service) {
        add(service);
        start();
        return service;
    }

    /** Starts, in order, every member not started yet; see the class comment for a failure. */
    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
        while (started < members.size()) {
            Service next = members.get(started);
            try {
                next.start();
            } catch (RuntimeException e) {
                close();
                throw e;
            }
            started++;
        }
    }

    /** True when every member is ready (an empty group is ready). */
    @Override
    public boolean isReady() {
        return probed().allMatch(Service::isReady);
    }

    /** DOWN when any member is DOWN; {@link #down()} names them. */
    @Override
    public Health health() {
        return down().isEmpty() ? Health.UP : Health.DOWN;
    }

    /** Each member that is DOWN, by name, with its {@link Service#status()}, in order. */
    public Map<String, String> down() {
        Map<String, String> out = new LinkedHashMap<>();
        probed().filter(s -> s.health() == Health.DOWN).forEach(s -> out.put(s.name(), s.status()));
        return out;
    }

    /** The members' {@link Service#checks()}, in order. */
    @Override
    public Map<String, String> checks() {
        Map<String, String> out = new LinkedHashMap<>();
        probed().forEach(s -> out.putAll(s.checks()));
        return out;
    }

    @Override
    public String status() {
        Map<String, String> down = down();
        if (!down.isEmpty()) {
            return "DOWN: " + String.join(", ", down.keySet());
        }
        List<String> notReady = probed().filter(s -> !s.isReady()).map(Service::name).toList();
        return notReady.isEmpty() ? "ready" : "waiting for " + String.join(", ", notReady);
    }

    /** The members, in start order (resources left out). */
    public List<Service> members() {
        return probed().toList();
    }

    private Stream<Service> probed() {
        return members.stream().filter(s -> !resources.contains(s));
    }

    /** Closes every member in reverse order; a member that throws is logged and the others still close. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = members.size() - 1; i >= 0; i--) {
            Service s = members.get(i);
            try {
                s.close();
            } catch (RuntimeException e) {
                LOG.warn("Error stopping {}: {}", s.name(), e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return name + probed().map(Service::name).toList();
    }
}
