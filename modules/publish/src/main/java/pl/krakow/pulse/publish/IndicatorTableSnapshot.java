package pl.krakow.pulse.publish;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.runtime.replica.TopicReplica;

/**
 * One indicator table read once, directly from its topic, up to the end offsets it had when the read
 * began ({@code read_committed}): the last value per key, tombstones applied — the table as log
 * compaction defines it. {@code pulse export} uses it, so an export needs no running publish instance.
 */
public final class IndicatorTableSnapshot {

    private final Map<String, IndicatorValue> byKey;
    private final Set<String> simulatedKeys;

    private IndicatorTableSnapshot(Map<String, IndicatorValue> byKey, Set<String> simulatedKeys) {
        this.byKey = byKey;
        this.simulatedKeys = simulatedKeys;
    }

    /** Reads the whole table; fails when the topic does not exist or cannot be read to its end within {@code timeout}. */
    public static IndicatorTableSnapshot read(KafkaClients clients, PulseSerdes serdes, TopicSpec<IndicatorValue> table,
                                              Duration timeout) {
        Map<String, IndicatorValue> byKey = new HashMap<>();
        Set<String> simulated = new HashSet<>();
        String clientId = "pulse-export-" + UUID.randomUUID();
        TopicReplica.readToEnd(clientId, clients.consumer(clientId, null), List.of(table.name()), new StringDeserializer(),
                serdes.value(IndicatorValue.class).deserializer(), r -> {
                    if (r.value() == null) {
                        byKey.remove(r.key());
                        return;
                    }
                    IndicatorValue v = r.value();
                    byKey.put(r.key(), v);
                    Header feed = r.headers().lastHeader(IndicatorReadModel.FEED_HEADER);
                    String series = v.getIndicatorId() + '|' + v.getScope();
                    if (feed != null && feed.value() != null && IndicatorReadModel.SIMULATED_FEED.equals(
                            new String(feed.value(), StandardCharsets.UTF_8))) {
                        simulated.add(series);
                    }
                }, timeout);
        return new IndicatorTableSnapshot(byKey, simulated);
    }

    public List<IndicatorValue> values() {
        return List.copyOf(byKey.values());
    }

    public boolean isSimulated(String indicatorId, String scope) {
        return simulatedKeys.contains(indicatorId + '|' + scope);
    }
}
