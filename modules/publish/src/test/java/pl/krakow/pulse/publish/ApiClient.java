package pl.krakow.pulse.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A tiny HTTP client for the API tests: plain {@link HttpClient}, JSON parsed with Jackson. */
final class ApiClient {

    /** One answer: status, content type, raw body and (for JSON answers) the parsed body. */
    record Response(int status, String contentType, String body, JsonNode json) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ApiClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    Response get(String pathAndQuery) {
        return send("GET", pathAndQuery);
    }

    Response send(String method, String pathAndQuery) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        try {
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            String body = new String(r.body(), StandardCharsets.UTF_8);
            String contentType = r.headers().firstValue("Content-Type").orElse("");
            JsonNode json = (contentType.startsWith("application/json") || contentType.startsWith("application/problem+json")) && !body.isEmpty() ? JSON.readTree(body) : null;
            return new Response(r.statusCode(), contentType, body, json);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + pathAndQuery, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
