package pl.krakow.pulse.ingest.environment.gios;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A loopback JDK HTTP server (port 0) serving a {@link GiosApiFixture} under both pjp-api prefixes, with injected faults. */
public final class FakeGiosServer implements AutoCloseable {

    static final String V1 = "/pjp-api/v1/rest/";
    static final String LEGACY = "/pjp-api/rest/";

    public final GiosApiFixture fixture;
    private final HttpServer server;
    /** path (relative to rest/) → number of 500 answers still to give. */
    public final Map<String, Integer> failures = new ConcurrentHashMap<>();
    /** path → body served instead of the fixture's (e.g. malformed JSON). */
    public final Map<String, byte[]> bodies = new ConcurrentHashMap<>();
    /** Every request path (relative to rest/) in order. */
    public final List<String> requests = new CopyOnWriteArrayList<>();

    public FakeGiosServer(GiosApiFixture fixture) throws IOException {
        this.fixture = fixture;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI baseUrl(GiosApiFormat format) {
        String prefix = format == GiosApiFormat.V1 ? V1 : LEGACY;
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + prefix.substring(0, prefix.length() - 1));
    }

    public long requestsFor(String path) {
        return requests.stream().filter(path::equals).count();
    }

    private void handle(HttpExchange ex) throws IOException {
        String full = ex.getRequestURI().getPath();
        GiosApiFormat format = full.startsWith(V1) ? GiosApiFormat.V1 : GiosApiFormat.LEGACY;
        String path = full.substring((format == GiosApiFormat.V1 ? V1 : LEGACY).length());
        requests.add(path);
        int page = 0;
        int size = 20;
        String query = ex.getRequestURI().getQuery();
        if (query != null) {
            for (String p : query.split("&")) {
                String[] kv = p.split("=");
                if (kv[0].equals("page")) {
                    page = Integer.parseInt(kv[1]);
                } else if (kv[0].equals("size")) {
                    size = Integer.parseInt(kv[1]);
                }
            }
        }
        Integer failuresLeft = failures.get(path);
        if (failuresLeft != null && failuresLeft > 0) {
            failures.put(path, failuresLeft - 1);
            send(ex, 500, "{\"error\":\"simulated\"}".getBytes());
            return;
        }
        byte[] body = bodies.containsKey(path) ? bodies.get(path) : fixture.body(format, path, page, size);
        if (body == null) {
            send(ex, 404, new byte[0]);
        } else {
            send(ex, 200, body);
        }
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/ld+json; charset=utf-8");
        // Header values are ISO-8859-1: the label without the Polish letter.
        ex.getResponseHeaders().set(GiosApiFixture.PROVENANCE_HEADER, GiosApiFixture.PROVENANCE.replace("Ś", "S"));
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
