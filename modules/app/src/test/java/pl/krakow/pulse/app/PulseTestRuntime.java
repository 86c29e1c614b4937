package pl.krakow.pulse.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.publish.PublishConfig;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.platform.topics.Topics;

/** Starts the real {@code pulse run} components on free loopback ports in a temporary data dir. */
final class PulseTestRuntime {

    private PulseTestRuntime() {
    }

    static PulseConfig config(Path dataDir, boolean replay) {
        return ConfigCatalog.load(null, Map.of(), Map.of(
                PlatformConfig.DATA_DIR.name(), dataDir.toString(),
                RunConfig.EMBEDDED_KAFKA_PORT.name(), "0",
                RunConfig.EMBEDDED_REGISTRY_PORT.name(), "0",
                RunConfig.EMBEDDED_MQTT_PORT.name(), "0",
                PublishConfig.HTTP_HOST.name(), "127.0.0.1",
                PublishConfig.HTTP_PORT.name(), "0",
                RunConfig.REPLAY_ON_START.name(), Boolean.toString(replay)));
    }

    /**
     * Values of the IV.3 indicators held by the runtime's read model: what {@link #readTable} reads from
     * the topic should all be there. The read model also holds IV.4 and IV.5 values (bundled mobility
     * replay, simulated incidents), which change on their own schedule.
     */
    static long readModelIv3Size(PulseRuntime runtime) {
        var model = runtime.readModel();
        long n = 0;
        for (String id : model.indicatorIds()) {
            if (id.startsWith("iv3.")) {
                for (String scope : model.scopes(id)) {
                    n += model.history(id, scope, java.time.Instant.EPOCH, java.time.Instant.parse("2100-01-01T00:00:00Z")).size();
                }
            }
        }
        return n;
    }

    /** The indicator table as a table: the last value per key, read to the end of every partition. */
    static Map<String, IndicatorValue> readTable(PulseRuntime runtime) {
        Map<String, IndicatorValue> table = new HashMap<>();
        try (KafkaConsumer<String, IndicatorValue> consumer = new KafkaConsumer<>(
                runtime.clients().consumer("it-table-reader-" + UUID.randomUUID(), null),
                runtime.serdes().key().deserializer(), runtime.serdes().value(Topics.INDICATORS_IV3).deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.INDICATORS_IV3.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.currentTimeMillis() + 30_000;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("could not read indicators.iv3.v1 to its end within 30 s");
                }
                for (ConsumerRecord<String, IndicatorValue> r : consumer.poll(Duration.ofMillis(200))) {
                    table.put(r.key(), r.value());
                }
            }
        }
        return table;
    }
}
