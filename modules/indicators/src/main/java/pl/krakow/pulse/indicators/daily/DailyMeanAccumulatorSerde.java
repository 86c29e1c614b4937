package pl.krakow.pulse.indicators.daily;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * State-store serde of {@link DailyMeanAccumulator}: its own compact binary form (31 + 8 × hours bytes),
 * not Avro — the state is private to the topology, so it needs no registry round trip or schema id.
 */
public final class DailyMeanAccumulatorSerde implements Serde<DailyMeanAccumulator> {

    @Override
    public Serializer<DailyMeanAccumulator> serializer() {
        return (topic, acc) -> acc == null ? null : acc.toBytes();
    }

    @Override
    public Deserializer<DailyMeanAccumulator> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return DailyMeanAccumulator.fromBytes(bytes);
            } catch (RuntimeException e) {
                throw new SerializationException("corrupt daily-mean state in " + topic + ": " + e.getMessage(), e);
            }
        };
    }
}
