package pl.krakow.pulse.platform.serde;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent wire format: byte 0 = magic 0, bytes 1-4 = schema id (big-endian int),
 * then the Avro binary encoding of the value. Interoperates with every Confluent-compatible
 * serializer (Confluent, Karapace, Redpanda, Apicurio in ccompat mode).
 */
public final class ConfluentWireFormat {

    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_LENGTH = 5;

    private ConfluentWireFormat() {
    }

    /** The schema id of a wire-format payload; throws a clear error on anything else. */
    public static int schemaId(byte[] payload) {
        if (payload == null || payload.length < HEADER_LENGTH) {
            throw new SerializationException("not Confluent wire format: " + (payload == null ? "null" : payload.length + " bytes")
                    + ", need at least " + HEADER_LENGTH);
        }
        if (payload[0] != MAGIC_BYTE) {
            throw new SerializationException("not Confluent wire format: magic byte is " + payload[0] + ", expected 0");
        }
        return ByteBuffer.wrap(payload, 1, 4).getInt();
    }
}
