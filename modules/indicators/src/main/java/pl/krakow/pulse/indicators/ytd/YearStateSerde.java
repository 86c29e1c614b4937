package pl.krakow.pulse.indicators.ytd;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** State-store serde of {@link YearState}: its own compact binary form (private state, no registry). */
public final class YearStateSerde implements Serde<YearState> {

    @Override
    public Serializer<YearState> serializer() {
        return (topic, state) -> state == null ? null : state.toBytes();
    }

    @Override
    public Deserializer<YearState> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return YearState.fromBytes(bytes);
            } catch (RuntimeException e) {
                throw new SerializationException("corrupt year-to-date state in " + topic + ": " + e.getMessage(), e);
            }
        };
    }
}
