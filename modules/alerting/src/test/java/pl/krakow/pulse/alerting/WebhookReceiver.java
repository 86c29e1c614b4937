package pl.krakow.pulse.alerting;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver on loopback (JDK HttpServer, port 0) that de-duplicates by the Idempotency-Key
 * header, as a real receiver would, and can be told to fail its next N requests with 503.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One request; {@code timestamp} and {@code signature} are the X-Pulse-Timestamp/-Signature headers (null if absent). */
    public record Request(String idempotencyKey, int attempt, String body, String timestamp, String signature) {
    }

    private final HttpServer server;
    private final AtomicInteger failNext = new AtomicInteger();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> accepted = Collections.synchronizedMap(new LinkedHashMap<>());
    private final AtomicInteger duplicates = new AtomicInteger();

    public WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/alerts", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            String attempt = exchange.getRequestHeaders().getFirst("X-Pulse-Attempt");
            requests.add(new Request(key, attempt == null ? 0 : Integer.parseInt(attempt), body,
                    exchange.getRequestHeaders().getFirst("X-Pulse-Timestamp"), exchange.getRequestHeaders().getFirst("X-Pulse-Signature")));
            int status;
            if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                status = 503;
            } else {
                synchronized (accepted) {
                    if (accepted.containsKey(key)) {
                        duplicates.incrementAndGet();
                    } else {
                        accepted.put(key, body);
                    }
                }
                status = 204;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/alerts";
    }

    public void failNext(int n) {
        failNext.set(n);
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Bodies accepted, by idempotency key, each key once. */
    public Map<String, String> accepted() {
        synchronized (accepted) {
            return new LinkedHashMap<>(accepted);
        }
    }

    /** Requests that repeated an already accepted key (a receiver would ignore them). */
    public int duplicates() {
        return duplicates.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
