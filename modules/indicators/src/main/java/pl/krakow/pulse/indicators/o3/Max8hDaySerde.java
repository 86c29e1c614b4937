package pl.krakow.pulse.indicators.o3;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Store serde of {@link Max8hDay}. */
public final class Max8hDaySerde implements Serde<Max8hDay> {

    @Override
    public Serializer<Max8hDay> serializer() {
        return (topic, day) -> day == null ? null : day.toBytes();
    }

    @Override
    public Deserializer<Max8hDay> deserializer() {
        return (topic, bytes) -> bytes == null ? null : Max8hDay.fromBytes(bytes);
    }
}
