package pl.krakow.pulse.indicators.city;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Store serde of {@link CityDayState} (its compact binary form). */
public final class CityDayStateSerde implements Serde<CityDayState> {

    @Override
    public Serializer<CityDayState> serializer() {
        return (topic, state) -> state == null ? null : state.toBytes();
    }

    @Override
    public Deserializer<CityDayState> deserializer() {
        return (topic, bytes) -> bytes == null ? null : CityDayState.fromBytes(bytes);
    }
}
