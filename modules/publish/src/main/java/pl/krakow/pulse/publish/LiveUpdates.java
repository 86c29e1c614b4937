package pl.krakow.pulse.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.platform.config.PulseConfig;

/**
 * Server-Sent Events of indicator updates ({@code event: indicator}, data = the API's value JSON) and alert changes
 * ({@code event: alert}, data = the API's alert JSON) to every connected client, none of which can hold up another.
 *
 * <p><b>Isolation.</b> The read models call {@link #indicator}/{@link #alert} on their consumer threads, which never
 * wait: each client has its own bounded queue ({@code sse.client.queue.size}) and its own writer thread. A client
 * whose queue overflows, or one of whose writes blocks longer than {@code sse.write.timeout} (a browser that stopped
 * reading), is dropped: its connection is aborted, {@code pulse_publish_sse_clients_dropped_total{reason}} counts it
 * and one WARN line names it. Every other client keeps receiving. At most {@code sse.max.clients} streams are open;
 * one more is answered 503 problem+json with {@code Retry-After}.
 *
 * <p><b>Ids and resume.</b> Every event carries {@code id: <instance>-<sequence>}: the instance part (this server's
 * start time, base 36) tells a restarted or another instance apart, the sequence counts events in the order they were
 * broadcast. The last {@code sse.replay.size} events are kept. A client that reconnects with {@code Last-Event-ID}
 * (a browser's EventSource sends it by itself) first receives every kept event after that id, exactly once and in
 * order, then the live ones; when the id is not one this instance can continue from (an older event than the buffer
 * holds, another instance, garbage) it receives {@code event: reload} instead, telling it to re-read the REST API,
 * which is always complete. A client without {@code Last-Event-ID} gets only what happens after it connected.
 *
 * <p>Only values applied after the read model caught up are streamed (the caller decides): a start-up replay is
 * history, not news. A comment on connect flushes the headers (EventSource reports "open" at once), and a
 * {@code keep-alive} comment every {@value #HEARTBEAT_SECONDS} s keeps an idle stream open through proxies.
 */
final class LiveUpdates implements AutoCloseable {

    /** The limits of the live stream; {@link #fromConfig} reads the {@code sse.*} keys. */
    record Settings(int maxClients, int clientQueueSize, Duration writeTimeout, int replaySize) {
        Settings {
            if (maxClients < 1 || clientQueueSize < 1 || replaySize < 0 || writeTimeout.isNegative() || writeTimeout.isZero()) {
                throw new IllegalArgumentException("invalid live-update settings: " + maxClients + ", " + clientQueueSize
                        + ", " + writeTimeout + ", " + replaySize);
            }
        }

        static Settings defaults() {
            return new Settings(PublishConfig.SSE_MAX_CLIENTS.defaultValue(), PublishConfig.SSE_CLIENT_QUEUE_SIZE.defaultValue(),
                    PublishConfig.SSE_WRITE_TIMEOUT.defaultValue(), PublishConfig.SSE_REPLAY_SIZE.defaultValue());
        }

        static Settings fromConfig(PulseConfig config) {
            return new Settings(config.get(PublishConfig.SSE_MAX_CLIENTS), config.get(PublishConfig.SSE_CLIENT_QUEUE_SIZE),
                    config.get(PublishConfig.SSE_WRITE_TIMEOUT), config.get(PublishConfig.SSE_REPLAY_SIZE));
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(LiveUpdates.class);
    static final long HEARTBEAT_SECONDS = 15;
    static final String EVENT_INDICATOR = "indicator";
    static final String EVENT_ALERT = "alert";
    static final String EVENT_RELOAD = "reload";
    static final String LAST_EVENT_ID = "Last-Event-ID";
    static final String EVENT_STREAM = "text/event-stream";
    static final String METRIC_DROPPED = "pulse.publish.sse.clients.dropped";
    static final String METRIC_REJECTED = "pulse.publish.sse.clients.rejected";
    static final String METRIC_RESUMED = "pulse.publish.sse.resumes";
    /** Seconds a client turned away by the client limit is asked to wait. */
    static final int RETRY_AFTER_SECONDS = 10;

    /** One frame of the stream: an event with its id, or a comment (name null). */
    private record Frame(long sequence, String name, String data, String id) {
        /** Ends a writer waiting for the next frame (an interrupt would also hit a write, which Jetty logs). */
        static final Frame STOP = new Frame(-1, null, null, null);

        static Frame comment(String text) {
            return new Frame(-1, null, text, null);
        }

        void writeTo(SseClient client) {
            if (name == null) {
                client.sendComment(data);
            } else {
                client.sendEvent(name, data, id);
            }
        }
    }

    private final ObjectMapper json;
    private final Settings settings;
    private final String instance = Long.toString(System.currentTimeMillis(), 36);
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    /** Streams admitted (the handler reserved a slot), open or being opened; at most maxClients. */
    private final AtomicInteger admitted = new AtomicInteger();
    private final AtomicLong clientNumbers = new AtomicLong();
    /** Guards sequence, replay and the hand-over of the replay to a resuming client. */
    private final Object lock = new Object();
    private final ArrayDeque<Frame> replay = new ArrayDeque<>();
    private long sequence;
    private final MeterRegistry registry;
    private final Counter sent;
    private final Counter rejected;
    private final Gauge clientsGauge;
    private final ScheduledExecutorService watchdog;
    private volatile boolean closed;

    LiveUpdates(ObjectMapper json, MeterRegistry registry, Settings settings) {
        this.json = json;
        this.settings = settings;
        this.registry = registry;
        clientsGauge = Gauge.builder("pulse.publish.sse.clients", clients, Set::size)
                .description("Connected Server-Sent-Events clients").register(registry);
        sent = Counter.builder("pulse.publish.sse.events")
                .description("Live events broadcast to the connected clients").register(registry);
        rejected = Counter.builder(METRIC_REJECTED)
                .description("Live-stream connections refused because sse.max.clients were open").register(registry);
        watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pulse-publish-sse-watchdog");
            t.setDaemon(true);
            return t;
        });
        long checkMillis = Math.max(50, Math.min(1_000, settings.writeTimeout().toMillis() / 4));
        watchdog.scheduleWithFixedDelay(this::dropBlockedWriters, checkMillis, checkMillis, TimeUnit.MILLISECONDS);
        // A comment every 15 s keeps idle streams open through proxies and idle timeouts, and finds dead clients.
        watchdog.scheduleWithFixedDelay(this::heartbeat, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * The {@code GET /api/v1/stream} handler: 503 problem+json with {@code Retry-After} when {@code sse.max.clients}
     * streams are open, else Javalin's SSE handler with {@link #connect}.
     */
    Handler handler() {
        SseHandler sse = new SseHandler(this::connect);
        return ctx -> {
            if (!EVENT_STREAM.equals(ctx.header("Accept"))) {
                sse.handle(ctx); // Javalin opens a stream only for exactly this Accept header; no slot is taken
                return;
            }
            if (!reserve()) {
                rejected.increment();
                ctx.header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
                throw new HttpResponseException(503, "the live stream serves at most " + settings.maxClients()
                        + " clients at a time; retry in " + RETRY_AFTER_SECONDS + " s or read the REST API", Map.of());
            }
            // connect() runs on Javalin's async executor; the client frees its slot when it goes.
            sse.handle(ctx);
        };
    }

    private boolean reserve() {
        while (true) {
            int now = admitted.get();
            if (now >= settings.maxClients() || closed) {
                return false;
            }
            if (admitted.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Registers an admitted client: replays what it missed (Last-Event-ID), then streams until it goes. */
    private void connect(SseClient sse) {
        sse.keepAlive();
        Client client = new Client(sse, clientNumbers.incrementAndGet(), sse.ctx().ip());
        sse.onClose(() -> client.gone());
        // An immediate comment flushes the headers, so the browser's EventSource reports "open" at once.
        client.queue.offer(Frame.comment("connected to Kraków Pulse live updates"));
        String lastEventId = sse.ctx().header(LAST_EVENT_ID);
        synchronized (lock) {
            // Under the lock no event is broadcast: each one is either in the replay or in the live queue, never both.
            if (lastEventId != null && !lastEventId.isBlank()) {
                resume(client, lastEventId.trim());
            }
            clients.add(client);
        }
        client.start();
    }

    /** Queues the events after {@code lastEventId}, or a reload event when they cannot all be given. Holds the lock. */
    private void resume(Client client, String lastEventId) {
        long last = sequenceOf(lastEventId);
        long oldestKept = replay.isEmpty() ? sequence + 1 : replay.peekFirst().sequence();
        String why = null;
        if (last < 0 || last > sequence) {
            why = "the id " + lastEventId + " is not from this server instance (restarted, or another instance)";
        } else if (last + 1 < oldestKept) {
            why = (oldestKept - last - 1) + " or more events were missed, more than the " + settings.replaySize() + " kept";
        } else if (sequence - last > settings.clientQueueSize() - 1) {
            why = (sequence - last) + " events were missed, more than one client's queue holds";
        }
        if (why != null) {
            registry.counter(METRIC_RESUMED, "outcome", "reload").increment();
            String data = "{\"reason\":" + quote(why + "; read the REST API again") + ",\"lastEventId\":" + quote(lastEventId) + "}";
            client.queue.offer(new Frame(sequence, EVENT_RELOAD, data, id(sequence)));
            return;
        }
        registry.counter(METRIC_RESUMED, "outcome", "replayed").increment();
        for (Frame f : replay) {
            if (f.sequence() > last) {
                client.queue.offer(f);
            }
        }
    }

    /** The sequence of an id of this instance, or -1 for any other id. */
    private long sequenceOf(String id) {
        int dash = id.lastIndexOf('-');
        if (dash < 0 || !id.substring(0, dash).equals(instance)) {
            return -1;
        }
        try {
            return Long.parseLong(id.substring(dash + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private String id(long seq) {
        return instance + "-" + seq;
    }

    private String quote(String s) {
        try {
            return json.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    void indicator(ApiJson.Value value) {
        broadcast(EVENT_INDICATOR, value);
    }

    void alert(ApiJson.AlertJson alert) {
        broadcast(EVENT_ALERT, alert);
    }

    int clients() {
        return clients.size();
    }

    private void broadcast(String event, Object data) {
        if (closed) {
            return;
        }
        String body;
        try {
            body = json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            LOG.warn("Cannot render a live {} event: {}", event, e.toString());
            return;
        }
        List<Client> overflowing = new ArrayList<>(0);
        synchronized (lock) {
            long seq = ++sequence;
            Frame frame = new Frame(seq, event, body, id(seq));
            if (settings.replaySize() > 0) {
                if (replay.size() == settings.replaySize()) {
                    replay.removeFirst();
                }
                replay.addLast(frame);
            }
            for (Client c : clients) {
                if (!c.queue.offer(frame)) {
                    overflowing.add(c);
                }
            }
        }
        sent.increment();
        // Outside the lock: aborting a connection must never delay the read model's thread for the next event.
        overflowing.forEach(c -> c.drop("queue-full", "its queue of " + settings.clientQueueSize() + " events is full"));
    }

    private void dropBlockedWriters() {
        long now = System.nanoTime();
        for (Client c : clients) {
            long started = c.writeStartedNanos;
            if (started != 0 && now - started > settings.writeTimeout().toNanos()) {
                c.drop("write-timeout", "one write has been blocked for more than " + settings.writeTimeout());
            }
        }
    }

    private void heartbeat() {
        for (Client c : clients) {
            if (c.queue.isEmpty() && !c.queue.offer(Frame.comment("keep-alive"))) {
                c.drop("queue-full", "its queue is full");
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        watchdog.shutdownNow();
        registry.remove(clientsGauge);
        for (Client c : clients) {
            c.gone();
            try {
                c.sse.close();
            } catch (RuntimeException e) {
                // already gone
            }
        }
        clients.clear();
    }

    /** One connected stream: its queue and the thread that writes it. */
    private final class Client {
        final SseClient sse;
        final BlockingQueue<Frame> queue = new ArrayBlockingQueue<>(settings.clientQueueSize());
        final String name;
        final Thread writer;
        final AtomicBoolean done = new AtomicBoolean();
        /** System.nanoTime() when the write in progress started, 0 between writes. */
        volatile long writeStartedNanos;

        Client(SseClient sse, long number, String address) {
            this.sse = sse;
            this.name = "#" + number + " (" + address + ")";
            this.writer = new Thread(this::write, "pulse-publish-sse-" + number);
            this.writer.setDaemon(true);
        }

        void start() {
            writer.start();
        }

        private void write() {
            try {
                while (!done.get()) {
                    Frame f = queue.take();
                    if (f == Frame.STOP) {
                        break;
                    }
                    writeStartedNanos = System.nanoTime();
                    f.writeTo(sse);
                    writeStartedNanos = 0;
                    if (sse.terminated()) {
                        break; // the browser went away; Javalin noticed on this write
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the server is stopping
            } catch (RuntimeException e) {
                // the browser went away mid-write
            } finally {
                writeStartedNanos = 0;
                gone();
            }
        }

        /** Unregisters the client once and frees its slot; false when it was already gone. */
        boolean gone() {
            if (!done.compareAndSet(false, true)) {
                return false;
            }
            clients.remove(this);
            admitted.decrementAndGet();
            queue.clear();
            queue.offer(Frame.STOP); // removed from clients first, so no broadcast can fill the queue again
            return true;
        }

        void drop(String reason, String detail) {
            if (!gone()) {
                return;
            }
            registry.counter(METRIC_DROPPED, "reason", reason).increment();
            LOG.warn("Live-stream client {} dropped: {}; its connection is closed, the others are unaffected", name, detail);
            try {
                // Aborting the connection fails a write blocked on a client that does not read; close() would wait for it.
                Request.getBaseRequest(sse.ctx().req()).getHttpChannel().abort(new IOException("live-stream client dropped: " + reason));
            } catch (RuntimeException e) {
                LOG.debug("aborting the connection of live-stream client {} failed", name, e);
            }
        }
    }
}
