package pl.krakow.pulse.ingest.poll;

import java.io.IOException;
import java.net.URI;

/** A polled URL answered with a status that is neither 2xx nor an expected 304. */
public final class HttpStatusException extends IOException {

    private final int status;

    public HttpStatusException(URI uri, int status) {
        super("HTTP " + status + " from " + uri);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
