package pl.krakow.pulse.ingest.push;

import java.time.Instant;
import java.util.List;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReasonCode;

/**
 * Turns one pushed message — an HTTP request body, an MQTT payload — into {@link ParseOutcome}s,
 * one per value it could have published or per record it refused as a whole. Unlike a
 * {@link pl.krakow.pulse.ingest.FeedParser}, which reads a stream, a push parser sees one small
 * message at a time and is called by several threads (HTTP workers, the MQTT callback thread):
 * implementations must be thread-safe.
 */
@FunctionalInterface
public interface PushParser {

    /**
     * @param body            the message bytes exactly as received
     * @param sourceId        where it came from, e.g. {@code http:<client>} or the MQTT topic; element
     *                        outcomes of a batch extend it with {@code [index]}
     * @param channelSensorId the sensor id the channel names (the MQTT topic level), or null when the
     *                        channel names none (HTTP); a payload naming another sensor is refused
     * @return the outcomes in message order; never empty (an empty message is one rejection)
     */
    List<ParseOutcome> parse(byte[] body, String sourceId, String channelSensorId);

    /**
     * The rejection of a message refused before parsing (e.g. {@link pl.krakow.pulse.ingest.ReasonCode#TOO_LARGE}), in
     * this parser's feed, content type and clock. The default names the feed {@code push} and stamps the system
     * clock; a parser of a real feed overrides it.
     */
    default ParseOutcome.Rejected refuse(ReasonCode reason, String message, byte[] body, String sourceId) {
        return new ParseOutcome.Rejected("push", reason, message, body, sourceId, null, null, Instant.now());
    }

    /**
     * Told that these accepted events were not stored (their batch was not acknowledged and the sender was told
     * so): a parser that refuses re-deliveries as {@code DUPLICATE} forgets their event ids, so the sender's resend
     * is accepted. The default does nothing (a parser without duplicate detection).
     */
    default void notStored(List<ParseOutcome.Accepted<?>> events) {
    }
}
