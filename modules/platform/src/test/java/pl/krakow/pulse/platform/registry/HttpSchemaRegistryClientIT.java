package pl.krakow.pulse.platform.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.embedded.EmbeddedKafkaBroker;
import pl.krakow.pulse.embedded.EmbeddedSchemaRegistry;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.Compatibility;
import pl.krakow.pulse.platform.topics.Topics;

/** Our registry client against a real Confluent-REST registry (the embedded one, over a real broker). */
class HttpSchemaRegistryClientIT {

    @TempDir
    static Path dataDir;
    static EmbeddedKafkaBroker broker;
    static EmbeddedSchemaRegistry registry;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).build().start();
        registry = EmbeddedSchemaRegistry.builder().bootstrapServers(broker.bootstrapServers()).build().start();
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void registerFetchByIdAndTheSameSchemaGetsTheSameId() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(registry.url());
        Schema schema = AirQualityMeasurement.getClassSchema();
        int id = client.register("client-it-value", schema);
        assertThat(id).isPositive();
        // A second client has no cache: the registry itself must answer with the same id and schema.
        HttpSchemaRegistryClient fresh = new HttpSchemaRegistryClient(registry.url());
        assertThat(fresh.register("client-it-value", schema)).isEqualTo(id);
        assertThat(fresh.getById(id)).isEqualTo(schema);
        assertThat(fresh.latest("client-it-value").version()).isEqualTo(1);
        assertThat(fresh.latest("no-such-subject")).isNull();
    }

    @Test
    void incompatibleChangeIsRefusedWith409UnderFullTransitive() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(registry.url());
        Schema v1 = SchemaBuilder.record("Indicator").fields().requiredString("id").requiredDouble("value").endRecord();
        Schema v2 = SchemaBuilder.record("Indicator").fields().requiredString("id").requiredDouble("value")
                .name("unit").type().stringType().stringDefault("").endRecord();
        Schema breaking = SchemaBuilder.record("Indicator").fields().requiredString("id").requiredLong("value").endRecord();
        client.setCompatibility("indicators-it-value", Compatibility.FULL_TRANSITIVE);
        client.register("indicators-it-value", v1);
        assertThat(client.isCompatible("indicators-it-value", v2)).isTrue();
        client.register("indicators-it-value", v2);
        assertThat(client.isCompatible("indicators-it-value", breaking)).isFalse();
        assertThatThrownBy(() -> client.register("indicators-it-value", breaking))
                .isInstanceOf(SchemaRegistryException.class)
                .satisfies(e -> assertThat(((SchemaRegistryException) e).httpStatus()).isEqualTo(409));
    }

    @Test
    void serdeRoundTripsThroughTheRealRegistry() {
        PulseSerdes writer = new PulseSerdes(new HttpSchemaRegistryClient(registry.url()));
        PulseSerdes reader = new PulseSerdes(new HttpSchemaRegistryClient(registry.url()));
        AirQualityMeasurement m = pl.krakow.pulse.platform.serde.AvroSerdeTest.sample();
        byte[] bytes = writer.value(Topics.AIR_QUALITY).serializer().serialize(Topics.AIR_QUALITY.name(), m);
        assertThat(reader.value(Topics.AIR_QUALITY).deserializer().deserialize(Topics.AIR_QUALITY.name(), bytes)).isEqualTo(m);
    }
}
