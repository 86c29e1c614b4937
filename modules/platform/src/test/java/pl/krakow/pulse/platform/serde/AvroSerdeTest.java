package pl.krakow.pulse.platform.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.platform.registry.InMemorySchemaRegistryClient;
import pl.krakow.pulse.platform.topics.Topics;

public class AvroSerdeTest {

    private static final Instant T0 = Instant.parse("2017-01-01T00:00:00Z");

    public static AirQualityMeasurement sample() {
        return AirQualityMeasurement.newBuilder()
                .setEventId("gios-wide-csv:MpKrakAlKras:PM10:1483228800")
                .setEventTime(T0)
                .setFeed("gios-wide-csv")
                .setSourceId("krakow_pm_hourly_2017Q1.csv:2")
                .setStationCode("MpKrakAlKras")
                .setPollutant(Pollutant.PM10)
                .setConcentrationUgM3(213.733)
                .setAveragingPeriodSeconds(3600)
                .setValidated(false)
                .setIngestedAt(T0.plusSeconds(5))
                .build();
    }

    @Test
    void roundTripPreservesEveryField() {
        PulseSerdes serdes = new PulseSerdes(new InMemorySchemaRegistryClient());
        Serde<AirQualityMeasurement> serde = serdes.value(Topics.AIR_QUALITY);
        byte[] bytes = serde.serializer().serialize(Topics.AIR_QUALITY.name(), sample());
        AirQualityMeasurement back = serde.deserializer().deserialize(Topics.AIR_QUALITY.name(), bytes);
        assertThat(back).isEqualTo(sample());
    }

    @Test
    void wireBytesAreMagicByteThenBigEndianIdThenAvroBinary() throws Exception {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        // Occupy ids 1 and 2 so the id under test is not trivially 1.
        registry.register("other-value", SchemaBuilder.record("A").fields().requiredInt("a").endRecord());
        registry.register("other2-value", SchemaBuilder.record("B").fields().requiredInt("b").endRecord());
        byte[] bytes = new PulseSerdes(registry).value(Topics.AIR_QUALITY).serializer()
                .serialize(Topics.AIR_QUALITY.name(), sample());

        ByteArrayOutputStream avro = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(avro, null);
        new SpecificDatumWriter<AirQualityMeasurement>(AirQualityMeasurement.getClassSchema()).write(sample(), enc);
        enc.flush();

        assertThat(bytes[0]).isEqualTo((byte) 0);
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(3);
        assertThat(bytes).startsWith(0, 0, 0, 0, 3);
        byte[] payload = java.util.Arrays.copyOfRange(bytes, 5, bytes.length);
        assertThat(payload).isEqualTo(avro.toByteArray());
        assertThat(registry.latest("environment.air-quality.v1-value").id()).isEqualTo(3);
    }

    @Test
    void readsRecordsWrittenWithAnOlderWriterSchema() throws Exception {
        // An older producer that did not yet send `validated`/`averagingPeriodSeconds`: defaults fill them in.
        Schema full = AirQualityMeasurement.getClassSchema();
        SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record(full.getName()).namespace(full.getNamespace()).fields();
        for (Schema.Field f : full.getFields()) {
            if (!f.name().equals("validated") && !f.name().equals("averagingPeriodSeconds")) {
                fields = fields.name(f.name()).type(f.schema()).noDefault();
            }
        }
        Schema older = fields.endRecord();
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        int olderId = registry.register("environment.air-quality.v1-value", older);

        GenericRecord rec = new GenericData.Record(older);
        AirQualityMeasurement s = sample();
        rec.put("eventId", s.getEventId());
        rec.put("eventTime", s.getEventTime().toEpochMilli());
        rec.put("feed", s.getFeed());
        rec.put("sourceId", s.getSourceId());
        rec.put("stationCode", s.getStationCode());
        rec.put("pollutant", new GenericData.EnumSymbol(older.getField("pollutant").schema(), "PM10"));
        rec.put("concentrationUgM3", 99.5);
        rec.put("ingestedAt", s.getIngestedAt().toEpochMilli());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0, 0, 0, 0, (byte) olderId});
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(older).write(rec, enc);
        enc.flush();

        AirQualityMeasurement read = new PulseSerdes(registry).value(Topics.AIR_QUALITY).deserializer()
                .deserialize(Topics.AIR_QUALITY.name(), out.toByteArray());
        assertThat(read.getConcentrationUgM3()).isEqualTo(99.5);
        assertThat(read.getAveragingPeriodSeconds()).isEqualTo(3600);
        assertThat(read.getValidated()).isFalse();
    }

    @Test
    void payloadWithoutMagicByteIsAClearError() {
        PulseSerdes serdes = new PulseSerdes(new InMemorySchemaRegistryClient());
        assertThatThrownBy(() -> serdes.value(Topics.AIR_QUALITY).deserializer()
                .deserialize("t", "{\"json\":true}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("magic byte");
    }

    @Test
    void nullIsATombstoneBothWays() {
        PulseSerdes serdes = new PulseSerdes(new InMemorySchemaRegistryClient());
        assertThat(serdes.value(Topics.AIR_QUALITY).serializer().serialize("t", null)).isNull();
        assertThat(serdes.value(Topics.AIR_QUALITY).deserializer().deserialize("t", null)).isNull();
    }
}
