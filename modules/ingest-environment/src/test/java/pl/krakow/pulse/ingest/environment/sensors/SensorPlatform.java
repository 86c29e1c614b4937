package pl.krakow.pulse.ingest.environment.sensors;

import pl.krakow.pulse.runtime.replica.TopicReplica;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import pl.krakow.pulse.embedded.EmbeddedKafkaBroker;
import pl.krakow.pulse.embedded.EmbeddedSchemaRegistry;
import pl.krakow.pulse.ingest.EventPublisher;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.registry.HttpSchemaRegistryClient;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.TopicProvisioner;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.platform.topics.Topics;

/** The embedded Kafka broker and schema registry of the sensor ITs, with the environment and DLQ topics. */
final class SensorPlatform implements AutoCloseable {

    final EmbeddedKafkaBroker broker;
    final EmbeddedSchemaRegistry registry;
    final PulseSerdes serdes;

    SensorPlatform(Path dir) {
        broker = new EmbeddedKafkaBroker(dir.resolve("kafka")).start();
        registry = new EmbeddedSchemaRegistry(broker.bootstrapServers()).start();
        serdes = new PulseSerdes(new HttpSchemaRegistryClient(registry.url()));
        try (Admin admin = Admin.create(clients().admin("it-admin"))) {
            TopicProvisioner.ensure(admin, List.of(Topics.AIR_QUALITY, Topics.NOISE, Topics.REJECTED), 1);
        }
    }

    KafkaClients clients() {
        return new KafkaClients(broker.bootstrapServers(), PulseConfig.defaults());
    }

    EventPublisher publisher(PulseMetrics metrics, String clientId) {
        return new EventPublisher(clients(), serdes, metrics, clientId);
    }

    /** Everything on the topic now. */
    <V extends SpecificRecord> List<ConsumerRecord<String, V>> readAll(TopicSpec<V> topic) {
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        TopicReplica.readToEnd("it-reader", clients().consumer("it-reader", null), List.of(topic.name()), serdes.key().deserializer(),
                serdes.value(topic).deserializer(), out::add, Duration.ofSeconds(30));
        return out;
    }

    @Override
    public void close() {
        registry.close();
        broker.close();
    }
}
