package pl.krakow.pulse.ingest.poll;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP side of every polled source: GETs with the JDK client, a connect and a request timeout, redirects
 * followed, HTTP/1.1 (no h2c upgrade round trip on plain-http servers). A 2xx answer is the body; anything
 * else is an {@link HttpStatusException}.
 *
 * <p>{@link #getIfChanged} makes conditional requests: the {@code ETag} / {@code Last-Modified} of the
 * previous 2xx answer of the same URL are sent back ({@code If-None-Match} / {@code If-Modified-Since}) and a
 * 304 comes back as empty, so an unchanged feed costs no parsing. Thread-safe.
 */
public final class HttpGet {

    /** 10 s to connect, 30 s for the answer: what the feed pollers have always used. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private record Validators(String etag, String lastModified) {
    }

    private final HttpClient client;
    private final Duration requestTimeout;
    private final Map<URI, Validators> validators = new ConcurrentHashMap<>();

    public HttpGet(Duration connectTimeout, Duration requestTimeout) {
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    public HttpGet() {
        this(CONNECT_TIMEOUT, REQUEST_TIMEOUT);
    }

    /**
     * The body of a 2xx answer.
     *
     * @param accept the {@code Accept} header, or null for none
     */
    public byte[] get(URI uri, String accept) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = client.send(request(uri, accept).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() / 100 != 2) {
            throw new HttpStatusException(uri, response.statusCode());
        }
        return response.body();
    }

    /** The body of a 2xx answer, or empty when the server answers 304 Not Modified to the validators of the last one. */
    public Optional<byte[]> getIfChanged(URI uri, String accept) throws IOException, InterruptedException {
        HttpRequest.Builder request = request(uri, accept);
        Validators previous = validators.get(uri);
        if (previous != null && previous.etag() != null) {
            request.header("If-None-Match", previous.etag());
        }
        if (previous != null && previous.lastModified() != null) {
            request.header("If-Modified-Since", previous.lastModified());
        }
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() == 304) {
            return Optional.empty();
        }
        if (response.statusCode() / 100 != 2) {
            throw new HttpStatusException(uri, response.statusCode());
        }
        String etag = response.headers().firstValue("ETag").orElse(previous == null ? null : previous.etag());
        String modified = response.headers().firstValue("Last-Modified").orElse(previous == null ? null : previous.lastModified());
        if (etag != null || modified != null) {
            validators.put(uri, new Validators(etag, modified));
        }
        return Optional.of(response.body());
    }

    private HttpRequest.Builder request(URI uri, String accept) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(requestTimeout).GET();
        return accept == null ? b : b.header("Accept", accept);
    }
}
