package pl.krakow.pulse.platform.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import pl.krakow.pulse.platform.registry.SchemaRegistryClient;

/**
 * Serializes generated Avro records in the Confluent wire format, registering the writer schema
 * under {@code <topic>-value} (or {@code -key}) on first use; the client caches the id, so the
 * registry is called once per topic and schema. Thread-safe.
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    private final SchemaRegistryClient registry;
    private final Schema schema;
    private final SpecificDatumWriter<T> writer;
    private final boolean isKey;
    private final ThreadLocal<BinaryEncoder> encoders = new ThreadLocal<>();
    /** Schema id per topic: a Streams task's producer writes several topics, and this is on every record's path. */
    private final Map<String, Integer> idByTopic = new ConcurrentHashMap<>();

    public AvroSerializer(SchemaRegistryClient registry, Class<T> type, boolean isKey) {
        this.registry = registry;
        this.schema = AvroSerde.schemaOf(type);
        this.writer = new SpecificDatumWriter<>(schema);
        this.isKey = isKey;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null; // a tombstone stays a tombstone
        }
        int id = schemaId(topic);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(ConfluentWireFormat.MAGIC_BYTE);
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, encoders.get());
            encoders.set(encoder);
            writer.write(data, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot serialize " + schema.getFullName() + " for topic " + topic
                    + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private int schemaId(String topic) {
        Integer id = idByTopic.get(topic);
        if (id == null) {
            id = registry.register(topic + (isKey ? "-key" : "-value"), schema);
            idByTopic.put(topic, id);
        }
        return id;
    }
}
