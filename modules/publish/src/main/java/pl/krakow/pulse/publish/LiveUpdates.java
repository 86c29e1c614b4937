package pl.krakow.pulse.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.sse.SseClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-Sent Events of indicator updates ({@code event: indicator}, data = the API's value JSON) and
 * alert changes ({@code event: alert}, data = the API's alert JSON) to every connected client.
 *
 * <p>The read models call {@link #indicator}/{@link #alert} on their consumer threads, which must
 * never wait on a slow browser: events are handed to one sender thread through a bounded queue
 * ({@value #QUEUE_CAPACITY}); when it is full (a burst such as a replay, or a stuck client) further
 * events are dropped and counted in {@code pulse_publish_sse_events_dropped_total} — a client that
 * misses events re-reads the REST API, which is always complete. Only values applied after the read
 * model caught up are streamed: a start-up replay is history, not news. Each event carries an id
 * (a per-instance sequence) so the browser's EventSource can tell events apart.
 */
final class LiveUpdates implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveUpdates.class);
    static final int QUEUE_CAPACITY = 10_000;
    static final long HEARTBEAT_SECONDS = 15;
    static final String EVENT_INDICATOR = "indicator";
    static final String EVENT_ALERT = "alert";

    private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
    private final ObjectMapper json;
    private final ThreadPoolExecutor sender;
    private final AtomicLong sequence = new AtomicLong();
    private final Counter dropped;
    private final Counter sent;
    private final java.util.concurrent.ScheduledExecutorService heartbeat;

    LiveUpdates(ObjectMapper json, MeterRegistry registry) {
        this.json = json;
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE_CAPACITY),
                r -> {
                    Thread t = new Thread(r, "pulse-publish-sse");
                    t.setDaemon(true);
                    return t;
                }, (r, executor) -> droppedEvent());
        Gauge.builder("pulse.publish.sse.clients", clients, Set::size)
                .description("Connected Server-Sent-Events clients").register(registry);
        dropped = Counter.builder("pulse.publish.sse.events.dropped")
                .description("Live events dropped because the send queue was full").register(registry);
        sent = Counter.builder("pulse.publish.sse.events")
                .description("Live events queued for the connected clients").register(registry);
        // A comment every 15 s keeps idle streams open through proxies and idle timeouts, and finds dead clients.
        heartbeat = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pulse-publish-sse-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleWithFixedDelay(() -> {
            if (clients.isEmpty() || sender.isShutdown() || !sender.getQueue().isEmpty()) {
                return; // nobody to keep alive, or events are flowing anyway
            }
            sender.execute(() -> {
                for (SseClient c : clients) {
                    try {
                        c.sendComment("keep-alive");
                    } catch (RuntimeException e) {
                        clients.remove(c);
                    }
                }
            });
        }, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
    }

    /** Javalin's SSE handler: registers the client until it disconnects. */
    void connect(SseClient client) {
        client.keepAlive();
        clients.add(client);
        client.onClose(() -> clients.remove(client));
        // An immediate comment flushes the headers, so the browser's EventSource reports "open" at once.
        client.sendComment("connected to Kraków Pulse live updates");
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
        if (clients.isEmpty() || sender.isShutdown()) {
            return;
        }
        String body;
        try {
            body = json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            LOG.warn("Cannot render a live {} event: {}", event, e.toString());
            return;
        }
        String id = Long.toString(sequence.incrementAndGet());
        sent.increment();
        sender.execute(() -> {
            for (SseClient c : clients) {
                if (c.terminated()) {
                    clients.remove(c);
                    continue;
                }
                try {
                    c.sendEvent(event, body, id);
                } catch (RuntimeException e) {
                    clients.remove(c); // the browser went away mid-write
                }
            }
        });
    }

    private void droppedEvent() {
        dropped.increment();
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        sender.shutdownNow();
        for (SseClient c : clients) {
            try {
                c.close();
            } catch (RuntimeException e) {
                // already gone
            }
        }
        clients.clear();
    }
}
