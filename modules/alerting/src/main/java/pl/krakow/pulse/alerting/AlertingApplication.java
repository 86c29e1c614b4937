package pl.krakow.pulse.alerting;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import pl.krakow.pulse.alerting.missing.MissingDataSpec;
import pl.krakow.pulse.alerting.rules.AlertRules;
import pl.krakow.pulse.runtime.streams.StreamsApplication;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.serde.PulseSerdes;

/**
 * The alerting Kafka Streams application {@code <prefix>-alerting}: {@link AlertingTopology} run by the
 * same machinery as every goal's indicators application ({@link StreamsApplication}: exactly-once v2,
 * explicit names, dead-letter handling — bad input counted, written to {@code ingest.rejected.v1},
 * processing continues). Its own application id, so its failure, rebalance or restore never holds up an
 * indicator table.
 */
public final class AlertingApplication implements AutoCloseable {

    public static final String APPLICATION_SUFFIX = "alerting";

    private final StreamsApplication app;

    public AlertingApplication(KafkaClients clients, PulseSerdes serdes, PulseMetrics metrics, Path stateDir, AlertRules rules,
                               MissingDataSpec missing, AlertingTopology.Options options) {
        app = new StreamsApplication(clients, serdes, metrics, stateDir, APPLICATION_SUFFIX, options.meters(), options.clock(),
                builder -> AlertingTopology.build(builder, serdes, rules, missing, options));
    }

    public void start() {
        app.start();
    }

    public KafkaStreams.State state() {
        return app.state();
    }

    public boolean isRunning() {
        return app.isRunning();
    }

    public String applicationId() {
        return app.applicationId();
    }

    public Topology topology() {
        return app.topology();
    }

    @Override
    public void close() {
        app.close();
    }

    public boolean close(Duration timeout) {
        return app.close(timeout);
    }
}
