package pl.krakow.pulse.platform.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.embedded.CompatibilityLevel;
import pl.krakow.pulse.embedded.SchemaStore;
import pl.krakow.pulse.events.ingest.RejectedRecord;
import pl.krakow.pulse.platform.config.PlatformConfig;

class RejectedRecordsTest {

    static final Instant AT = Instant.parse("2026-03-01T10:00:00Z");
    /** {@code printf abc | sha256sum}. */
    static final String SHA256_OF_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    final RejectedRecords records = new RejectedRecords(1024);

    @Test
    void payloadWithinTheLimitIsKeptWholeWithItsLengthAndHash() {
        RejectedRecord r = records.rejected("feed", "src:1", "MALFORMED", "bad", "environment.air-quality.v1", "text/csv",
                "abc".getBytes(StandardCharsets.US_ASCII), AT);

        assertThat(bytes(r.getRawPayload())).isEqualTo("abc".getBytes(StandardCharsets.US_ASCII));
        assertThat(r.getRawPayloadLength()).isEqualTo(3L);
        assertThat(r.getRawPayloadSha256()).isEqualTo(SHA256_OF_ABC);
        assertThat(r.getRawPayloadTruncated()).isFalse();
        assertThat(r.getFeed()).isEqualTo("feed");
        assertThat(r.getIntendedTopic()).isEqualTo("environment.air-quality.v1");
        assertThat(r.getRejectedAt()).isEqualTo(AT);
    }

    @Test
    void payloadOverTheLimitKeepsItsFirstBytesAndTheLengthAndHashOfTheWhole() {
        byte[] raw = new byte[10 * 1024 * 1024 + 7];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) ('a' + i % 26);
        }

        RejectedRecord r = records.rejected("feed", "src:1", "MALFORMED", "bad", null, null, raw, AT);

        assertThat(bytes(r.getRawPayload())).isEqualTo(Arrays.copyOf(raw, 1024));
        assertThat(r.getRawPayloadLength()).isEqualTo(raw.length);
        assertThat(r.getRawPayloadSha256()).isEqualTo(RejectedRecords.sha256Hex(raw)).hasSize(64);
        assertThat(r.getRawPayloadTruncated()).isTrue();
    }

    @Test
    void payloadOfExactlyTheLimitIsNotTruncated() {
        RejectedRecord r = records.rejected("feed", "src", "MALFORMED", "bad", null, null, new byte[1024], AT);

        assertThat(r.getRawPayloadTruncated()).isFalse();
        assertThat(r.getRawPayload().remaining()).isEqualTo(1024);
    }

    @Test
    void missingPayloadIsAnEmptyOne() {
        RejectedRecord r = records.rejected("feed", "src", "DESERIALIZATION", "bad", null, null, null, AT);

        assertThat(r.getRawPayload().remaining()).isZero();
        assertThat(r.getRawPayloadLength()).isZero();
        assertThat(r.getRawPayloadSha256()).isEqualTo(RejectedRecords.sha256Hex(new byte[0]));
    }

    @Test
    void longReasonAndSourceIdAreCutSinceAReasonMayQuoteThePayload() {
        String huge = "x".repeat(3 * 1024 * 1024);

        String reason = "not a number: '" + huge + "'";

        RejectedRecord r = records.rejected("feed", huge, "NOT_A_NUMBER", reason, null, null, new byte[0], AT);

        assertThat(r.getReason().length()).isLessThan(RejectedRecords.MAX_TEXT_CHARS + 32);
        assertThat(r.getReason()).startsWith("not a number: 'xxx").endsWith("(" + reason.length() + " chars)");
        assertThat(r.getSourceId()).hasSizeLessThan(RejectedRecords.MAX_TEXT_CHARS + 32);
    }

    @Test
    void limitOutsideItsBoundsIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> new RejectedRecords(100)).hasMessageContaining("dead.letter.payload.max.bytes");
        assertThatThrownBy(() -> new RejectedRecords(1024 * 1024)).hasMessageContaining("dead.letter.payload.max.bytes");
        assertThat(RejectedRecords.withDefaultLimit().maxPayloadBytes())
                .isEqualTo(PlatformConfig.DEAD_LETTER_PAYLOAD_MAX_BYTES.defaultValue()).isEqualTo(64 * 1024);
    }

    /** A data directory whose registry holds the schema before the length/hash fields must still start. */
    @Test
    void newSchemaIsCompatibleWithTheFirstVersionUnderTheTopicsLevel() throws IOException {
        Schema v1 = firstVersion();
        CompatibilityLevel level = CompatibilityLevel.valueOf(Topics.REJECTED.compatibility().name());

        assertThat(SchemaStore.incompatibilities(level, RejectedRecord.getClassSchema(), List.of(v1))).isEmpty();
        // The registry checks transitively; FULL would also let old consumers read new dead letters.
        assertThat(SchemaStore.incompatibilities(CompatibilityLevel.FULL_TRANSITIVE, RejectedRecord.getClassSchema(),
                List.of(v1))).isEmpty();
    }

    @Test
    void deadLetterWrittenWithTheFirstVersionReadsWithoutLengthOrHash() throws IOException {
        Schema v1 = firstVersion();
        GenericRecord old = new GenericData.Record(v1);
        old.put("feed", "gios-wide-csv");
        old.put("sourceId", "a.csv:2");
        old.put("reasonCode", "MALFORMED");
        old.put("reason", "bad");
        old.put("rawPayload", ByteBuffer.wrap("x,y".getBytes(StandardCharsets.UTF_8)));
        old.put("rejectedAt", AT.toEpochMilli());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(v1).write(old, encoder);
        encoder.flush();

        RejectedRecord read = new SpecificDatumReader<RejectedRecord>(v1, RejectedRecord.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));

        assertThat(read.getFeed()).isEqualTo("gios-wide-csv");
        assertThat(read.getRawPayloadLength()).isNull();
        assertThat(read.getRawPayloadSha256()).isNull();
        assertThat(read.getRawPayloadTruncated()).isFalse();
    }

    private static Schema firstVersion() throws IOException {
        try (InputStream in = RejectedRecordsTest.class.getResourceAsStream("/schema-history/RejectedRecord.v1.avsc")) {
            return new Schema.Parser().parse(in);
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
