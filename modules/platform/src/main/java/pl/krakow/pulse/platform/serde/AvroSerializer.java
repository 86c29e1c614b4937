package pl.krakow.pulse.platform.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import pl.krakow.pulse.platform.registry.SchemaRegistryClient;
import pl.krakow.pulse.platform.registry.SchemaRegistryClient.WriterSchema;

/**
 * Serializes generated Avro records in the Confluent wire format under the schema the registry client names for
 * {@code <topic>-value} (or {@code -key}) on first use ({@link SchemaRegistryClient#writerSchema}: the code's schema,
 * registered, by default); the client caches it, so the registry is called once per topic and schema. When the client
 * names another schema (the subject's latest version, {@code use.latest.version=true}), each record is converted to it
 * by Avro schema resolution (fields matched by name, defaults filled), so the bytes always match the id in the header.
 * Thread-safe.
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    private final SchemaRegistryClient registry;
    private final Schema schema;
    private final SpecificDatumWriter<T> writer;
    private final boolean isKey;
    private final ThreadLocal<BinaryEncoder> encoders = new ThreadLocal<>();
    /** Writer per topic: a Streams task's producer writes several topics, and this is on every record's path. */
    private final Map<String, TopicWriter> writerByTopic = new ConcurrentHashMap<>();

    public AvroSerializer(SchemaRegistryClient registry, Class<T> type, boolean isKey) {
        this.registry = registry;
        this.schema = AvroSerde.schemaOf(type);
        this.writer = new SpecificDatumWriter<>(schema);
        this.isKey = isKey;
    }

    @Override
    @SuppressWarnings("unchecked")
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null; // a tombstone stays a tombstone
        }
        TopicWriter target = writerOf(topic);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(ConfluentWireFormat.MAGIC_BYTE);
        int id = target.id();
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, encoders.get());
            encoders.set(encoder);
            if (target.converter() == null) {
                writer.write(data, encoder);
            } else {
                ((Converter<T>) target.converter()).write(data, encoder);
            }
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot serialize " + schema.getFullName() + " for topic " + topic
                    + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private TopicWriter writerOf(String topic) {
        TopicWriter target = writerByTopic.get(topic);
        if (target == null) {
            WriterSchema ws = registry.writerSchema(topic + (isKey ? "-key" : "-value"), schema);
            target = new TopicWriter(ws.id(), ws.schema().equals(schema) ? null : new Converter<>(writer, schema, ws.schema()));
            writerByTopic.put(topic, target);
        }
        return target;
    }

    private record TopicWriter(int id, Converter<?> converter) {
    }

    /** Re-encodes a record of the code's schema in another schema that can read it (Avro schema resolution). */
    private static final class Converter<T> {
        private final SpecificDatumWriter<T> writer;
        private final GenericDatumReader<Object> resolving;
        private final GenericDatumWriter<Object> target;

        Converter(SpecificDatumWriter<T> writer, Schema schema, Schema targetSchema) {
            this.writer = writer;
            this.resolving = new GenericDatumReader<>(schema, targetSchema);
            this.target = new GenericDatumWriter<>(targetSchema);
        }

        void write(T data, BinaryEncoder out) throws IOException {
            ByteArrayOutputStream own = new ByteArrayOutputStream(256);
            BinaryEncoder ownEncoder = EncoderFactory.get().directBinaryEncoder(own, null);
            writer.write(data, ownEncoder);
            ownEncoder.flush();
            Object converted = resolving.read(null, DecoderFactory.get().binaryDecoder(own.toByteArray(), null));
            target.write(converted, out);
        }
    }
}
