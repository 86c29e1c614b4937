package pl.krakow.pulse.platform.topics;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import pl.krakow.pulse.events.ingest.RejectedRecord;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.platform.config.PulseConfig;

/**
 * Builds every {@link RejectedRecord} of {@code ingest.rejected.v1} — ingest rejections, Streams dead letters,
 * failed notifications — so that a dead letter always fits the topic, however large the input was.
 *
 * <p>Contract: {@code rawPayload} holds at most {@link #maxPayloadBytes()} bytes, the first ones of the
 * payload as received; {@code rawPayloadLength} is the length of the whole payload, {@code rawPayloadSha256}
 * the SHA-256 of the whole payload (lower-case hex) and {@code rawPayloadTruncated} tells whether bytes were
 * cut. The text fields ({@code sourceId}, {@code reason}) are cut to {@value #MAX_TEXT_CHARS} characters,
 * since a reason may quote a value of the payload. Why: the broker refuses a record above the topic's
 * {@code max.message.bytes} (1 MiB by default), and a producer gives up on it with a
 * {@code RecordTooLargeException}, so a dead letter carrying a 10 MB CSV line was counted but never stored.
 *
 * <p>Immutable and thread-safe.
 */
public final class RejectedRecords {

    /** Longest {@code sourceId} or {@code reason} kept, in characters. */
    public static final int MAX_TEXT_CHARS = 4096;

    private static final HexFormat HEX = HexFormat.of();

    private final int maxPayloadBytes;

    /**
     * @param maxPayloadBytes how many bytes of a raw payload a dead letter keeps; within the bounds of
     *                        {@link PlatformConfig#DEAD_LETTER_PAYLOAD_MAX_BYTES}, else {@link IllegalArgumentException}
     */
    public RejectedRecords(int maxPayloadBytes) {
        this.maxPayloadBytes = PlatformConfig.DEAD_LETTER_PAYLOAD_MAX_BYTES.parse(Integer.toString(maxPayloadBytes));
    }

    /** With the limit the configuration sets ({@link PlatformConfig#DEAD_LETTER_PAYLOAD_MAX_BYTES}). */
    public static RejectedRecords from(PulseConfig config) {
        return new RejectedRecords(config.get(PlatformConfig.DEAD_LETTER_PAYLOAD_MAX_BYTES));
    }

    /** With the default limit, for callers without a configuration (tests, tools). */
    public static RejectedRecords withDefaultLimit() {
        return new RejectedRecords(PlatformConfig.DEAD_LETTER_PAYLOAD_MAX_BYTES.defaultValue());
    }

    /** How many bytes of a raw payload a dead letter keeps. */
    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /**
     * The dead letter of one refused record.
     *
     * @param feed          who refused it (also the Kafka key)
     * @param sourceId      where it came from
     * @param reasonCode    machine-readable reason
     * @param reason        human-readable explanation
     * @param intendedTopic the topic it would have gone to, or null
     * @param contentType   MIME type of the payload, or null
     * @param rawPayload    the bytes as received (null = none); not modified, not kept
     * @param rejectedAt    when it was refused
     */
    public RejectedRecord rejected(String feed, String sourceId, String reasonCode, String reason, String intendedTopic,
                                   String contentType, byte[] rawPayload, Instant rejectedAt) {
        byte[] raw = rawPayload == null ? new byte[0] : rawPayload;
        return rejected(feed, sourceId, reasonCode, reason, intendedTopic, contentType, raw, raw.length, null, rejectedAt);
    }

    /**
     * The dead letter of a refused record of which the caller holds only the beginning (a reader that does not keep
     * an overlong line in memory), as above otherwise.
     *
     * @param rawPayload  the first bytes of the record (not null)
     * @param wholeLength the length of the whole record, at least {@code rawPayload.length}
     * @param wholeSha256 SHA-256 (hex) of the whole record, or null to compute it from {@code rawPayload} when that is all of it
     */
    public RejectedRecord rejected(String feed, String sourceId, String reasonCode, String reason, String intendedTopic,
                                   String contentType, byte[] rawPayload, long wholeLength, String wholeSha256,
                                   Instant rejectedAt) {
        byte[] raw = Objects.requireNonNull(rawPayload, "rawPayload");
        if (wholeLength < raw.length || (wholeSha256 == null && wholeLength != raw.length)) {
            throw new IllegalArgumentException("whole length " + wholeLength + " and hash " + wholeSha256 + " do not fit "
                    + raw.length + " payload bytes");
        }
        byte[] kept = raw.length > maxPayloadBytes ? Arrays.copyOf(raw, maxPayloadBytes) : raw;
        boolean truncated = kept.length < wholeLength;
        return RejectedRecord.newBuilder()
                .setFeed(feed)
                .setSourceId(cut(sourceId))
                .setReasonCode(reasonCode)
                .setReason(cut(reason))
                .setIntendedTopic(intendedTopic)
                .setContentType(contentType)
                .setRawPayload(ByteBuffer.wrap(kept))
                .setRejectedAt(rejectedAt)
                .setRawPayloadLength(wholeLength)
                .setRawPayloadSha256(wholeSha256 != null ? wholeSha256 : sha256Hex(raw))
                .setRawPayloadTruncated(truncated)
                .build();
    }

    /** SHA-256 of {@code bytes}, lower-case hex: what {@code rawPayloadSha256} holds (e.g. {@code sha256sum} of a file). */
    public static String sha256Hex(byte[] bytes) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String cut(String text) {
        if (text == null || text.length() <= MAX_TEXT_CHARS) {
            return text;
        }
        int end = MAX_TEXT_CHARS;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // never split a surrogate pair: the half would be encoded as '?'
        }
        return text.substring(0, end) + "… (" + text.length() + " chars)";
    }

    @Override
    public String toString() {
        return "RejectedRecords[maxPayloadBytes=" + maxPayloadBytes + "]";
    }
}
