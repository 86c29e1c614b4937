package pl.krakow.pulse.runtime.replica;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.embedded.EmbeddedKafkaBroker;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;

/** {@link ConsumerGroupLag} on the real embedded broker: a group is behind until it commits the end of its input. */
class ConsumerGroupLagIT {

    @TempDir
    Path dir;

    @Test
    void aGroupIsBehindUntilItHasCommittedTheEndOfEveryPartition() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(dir.resolve("kafka")).build().start();
             Admin admin = Admin.create(new KafkaClients(broker.bootstrapServers(), PulseConfig.defaults()).admin("lag-it"))) {
            KafkaClients clients = new KafkaClients(broker.bootstrapServers(), PulseConfig.defaults());
            admin.createTopics(List.of(new NewTopic("lag-in", 2, (short) 1))).all().get();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(clients.producer("lag-it-producer"),
                    new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>("lag-in", 0, "k", "v" + i));
                }
                producer.send(new ProducerRecord<>("lag-in", 1, "k", "w"));
                producer.flush();
            }
            assertThat(ConsumerGroupLag.behind(admin)).isEmpty(); // no group yet

            TopicPartition p0 = new TopicPartition("lag-in", 0);
            TopicPartition p1 = new TopicPartition("lag-in", 1);
            try (KafkaConsumer<String, String> group = new KafkaConsumer<>(clients.consumer("lag-it-group", "lag-it-group"),
                    new StringDeserializer(), new StringDeserializer())) {
                group.commitSync(Map.of(p0, new OffsetAndMetadata(3), p1, new OffsetAndMetadata(1)), Duration.ofSeconds(10));
                assertThat(ConsumerGroupLag.behind(admin)).containsExactly("lag-it-group lag-in-0 at 3 of 5");
                assertThat(ConsumerGroupLag.behind(admin, List.of("not-started-yet"))).containsExactly("not-started-yet does not exist (yet)");

                group.commitSync(Map.of(p0, new OffsetAndMetadata(5)), Duration.ofSeconds(10));
                assertThat(ConsumerGroupLag.behind(admin)).isEmpty();
            }
        }
    }
}
