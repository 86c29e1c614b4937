package pl.krakow.pulse.embedded;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricsReporter;

/**
 * A Kafka {@code metric.reporters} class that remembers the configuration each client handed it, by client id: a test
 * passes it as a client property and sees which clients were built with that property.
 */
public final class RecordingMetricsReporter implements MetricsReporter {

    static final Map<String, Map<String, ?>> CONFIGS_BY_CLIENT_ID = new ConcurrentHashMap<>();

    @Override
    public void configure(Map<String, ?> configs) {
        Object clientId = configs.get("client.id");
        CONFIGS_BY_CLIENT_ID.put(String.valueOf(clientId), Map.copyOf(configs));
    }

    @Override
    public void init(List<KafkaMetric> metrics) {
    }

    @Override
    public void metricChange(KafkaMetric metric) {
    }

    @Override
    public void metricRemoval(KafkaMetric metric) {
    }

    @Override
    public void close() {
    }
}
