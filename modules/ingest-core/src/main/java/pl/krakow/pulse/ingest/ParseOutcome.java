package pl.krakow.pulse.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import pl.krakow.pulse.events.ingest.RejectedRecord;
import pl.krakow.pulse.platform.topics.RejectedRecords;
import pl.krakow.pulse.platform.topics.TopicSpec;

/**
 * What a {@link FeedParser} makes of one record of its input: either an {@link Accepted} event,
 * ready to be published to its topic, or a {@link Rejected} record bound for the dead-letter queue.
 * A parser emits exactly one outcome per value it could have published, or per source record it had
 * to refuse as a whole (a malformed line), so nothing a feed delivers disappears without a trace.
 */
public sealed interface ParseOutcome permits ParseOutcome.Accepted, ParseOutcome.Rejected {

    /** The feed (format) name, e.g. {@code gios-wide-csv}; the {@code feed} tag of the ingest metrics. */
    String feed();

    /** Where in the input the record came from, e.g. {@code krakow_pm_hourly_2017Q1.csv:123}. */
    String sourceId();

    /**
     * A validated event.
     *
     * @param feed      the feed name
     * @param topic     the topic it goes to
     * @param key       the Kafka key (e.g. the station code)
     * @param value     the Avro event
     * @param eventTime the event's own time (UTC), used for ordering a replay and as the Kafka record timestamp
     * @param eventId   the stable idempotency key of the event (also inside {@code value})
     * @param sourceId  where in the input it came from
     * @param <V>       the generated Avro class of the topic's values
     */
    record Accepted<V extends SpecificRecord>(String feed, TopicSpec<V> topic, String key, V value,
                                              Instant eventTime, String eventId, String sourceId)
            implements ParseOutcome {
        public Accepted {
            Objects.requireNonNull(feed, "feed");
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(eventTime, "eventTime");
            Objects.requireNonNull(eventId, "eventId");
            Objects.requireNonNull(sourceId, "sourceId");
        }
    }

    /**
     * A refused record.
     *
     * @param feed          the feed name
     * @param reason        the machine-readable reason
     * @param message       a human-readable explanation naming the offending field and value
     * @param rawPayload    the record's bytes exactly as received (e.g. the CSV line without its line break);
     *                      not copied, so callers must not modify it
     * @param sourceId      where in the input it came from, e.g. {@code file.csv:123}
     * @param contentType   MIME type of {@code rawPayload}, e.g. {@code text/csv}, or null
     * @param intendedTopic the topic the record would have gone to, or null
     * @param rejectedAt    when it was rejected, UTC
     * @param rawPayloadLength length of the record as received: {@code rawPayload.length}, or more when the reader
     *                      kept only the beginning of an overlong record ({@link TextLines.Line#cut()})
     * @param rawPayloadSha256 SHA-256 (hex) of the whole record when {@code rawPayload} is only its beginning, else null
     */
    record Rejected(String feed, ReasonCode reason, String message, byte[] rawPayload, String sourceId,
                    String contentType, TopicSpec<?> intendedTopic, Instant rejectedAt, long rawPayloadLength,
                    String rawPayloadSha256) implements ParseOutcome {

        /** A rejection holding the whole record. */
        public Rejected(String feed, ReasonCode reason, String message, byte[] rawPayload, String sourceId,
                        String contentType, TopicSpec<?> intendedTopic, Instant rejectedAt) {
            this(feed, reason, message, rawPayload, sourceId, contentType, intendedTopic, rejectedAt,
                    Objects.requireNonNull(rawPayload, "rawPayload").length, null);
        }

        public Rejected {
            Objects.requireNonNull(feed, "feed");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(rawPayload, "rawPayload");
            Objects.requireNonNull(sourceId, "sourceId");
            Objects.requireNonNull(rejectedAt, "rejectedAt");
            if (rawPayloadLength < rawPayload.length || (rawPayloadLength > rawPayload.length && rawPayloadSha256 == null)) {
                throw new IllegalArgumentException("a cut payload needs its whole length and SHA-256: " + rawPayloadLength
                        + " bytes, " + rawPayload.length + " kept, sha256 " + rawPayloadSha256);
            }
        }

        /** This rejection of a record of which {@code rawPayload} is only the beginning (an overlong line). */
        public Rejected ofCutRecord(long wholeLength, String wholeSha256) {
            return new Rejected(feed, reason, message, rawPayload, sourceId, contentType, intendedTopic, rejectedAt,
                    wholeLength, Objects.requireNonNull(wholeSha256, "wholeSha256"));
        }

        /** The raw payload decoded as UTF-8 (for tests and log lines). */
        public String rawText() {
            return new String(rawPayload, StandardCharsets.UTF_8);
        }

        /**
         * The dead-letter record for {@code ingest.rejected.v1}: the raw payload cut to the limit of {@code records},
         * with its full length and SHA-256.
         */
        public RejectedRecord toAvro(RejectedRecords records) {
            return records.rejected(feed, sourceId, reason.name(), message, intendedTopic == null ? null : intendedTopic.name(),
                    contentType, rawPayload, rawPayloadLength, rawPayloadSha256, rejectedAt);
        }

        @Override
        public String toString() {
            return "Rejected[" + feed + " " + sourceId + " " + reason + ": " + message + "]";
        }
    }
}
