package pl.krakow.pulse.platform.serde;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import pl.krakow.pulse.platform.registry.SchemaRegistryClient;

/**
 * Reads Confluent-wire-format Avro into a generated class, resolving the writer schema (looked up
 * by the id in the payload, cached) against the reader schema of {@code T}: records written with an
 * older or newer compatible schema read correctly. Thread-safe.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    static {
        AvroSerde.trustGeneratedPackages();
    }

    private final SchemaRegistryClient registry;
    private final Schema readerSchema;
    private final Map<Integer, SpecificDatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();
    private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();

    public AvroDeserializer(SchemaRegistryClient registry, Class<T> type) {
        this.registry = registry;
        this.readerSchema = AvroSerde.schemaOf(type);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int id = ConfluentWireFormat.schemaId(data);
        SpecificDatumReader<T> reader = readersByWriterId.computeIfAbsent(id,
                writerId -> new SpecificDatumReader<>(registry.getById(writerId), readerSchema));
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, ConfluentWireFormat.HEADER_LENGTH,
                    data.length - ConfluentWireFormat.HEADER_LENGTH, decoders.get());
            decoders.set(decoder);
            return reader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot read " + readerSchema.getFullName() + " (writer schema id " + id
                    + ") from topic " + topic + ": " + e.getMessage(), e);
        }
    }
}
