package pl.krakow.pulse.indicators.hours;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Store serde of {@link HourYearState}. */
public final class HourYearStateSerde implements Serde<HourYearState> {

    @Override
    public Serializer<HourYearState> serializer() {
        return (topic, state) -> state == null ? null : state.toBytes();
    }

    @Override
    public Deserializer<HourYearState> deserializer() {
        return (topic, bytes) -> bytes == null ? null : HourYearState.fromBytes(bytes);
    }
}
