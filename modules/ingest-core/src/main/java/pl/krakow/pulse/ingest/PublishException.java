package pl.krakow.pulse.ingest;

/**
 * A record could not even be handed to Kafka: it could not be serialized (e.g. the schema registry
 * is unreachable or refuses the schema) or the publisher is closed. Unlike an asynchronous send
 * failure, which is counted and reported, this stops the caller: nothing else would get through.
 */
public class PublishException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
