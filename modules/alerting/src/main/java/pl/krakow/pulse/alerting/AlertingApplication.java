package pl.krakow.pulse.alerting;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.alerting.missing.MissingDataSpec;
import pl.krakow.pulse.alerting.rules.AlertRules;
import pl.krakow.pulse.indicators.IndicatorsApplication;
import pl.krakow.pulse.indicators.errors.DeadLetters;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.serde.PulseSerdes;

/**
 * The alerting Kafka Streams application {@code <prefix>-alerting}: {@link AlertingTopology} with the
 * project's Streams configuration (exactly-once v2, explicit names) and the indicators apps' dead-letter
 * handling (bad input counted, written to {@code ingest.rejected.v1}, processing continues). Its own
 * application id, so its failure, rebalance or restore never holds up an indicator table.
 */
public final class AlertingApplication implements AutoCloseable {

    public static final String APPLICATION_SUFFIX = "alerting";

    private static final Logger LOG = LoggerFactory.getLogger(AlertingApplication.class);

    private final KafkaStreams streams;
    private final Topology topology;
    private final String applicationId;

    public AlertingApplication(KafkaClients clients, PulseSerdes serdes, PulseMetrics metrics, Path stateDir, AlertRules rules,
                               MissingDataSpec missing, AlertingTopology.Options options) {
        Properties props = clients.streams(APPLICATION_SUFFIX, stateDir.toAbsolutePath().toString());
        applicationId = props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
        IndicatorsApplication.configureErrorHandling(props, new DeadLetters(applicationId, serdes, options.meters(), options.clock()));
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
        AlertingTopology.build(builder, serdes, rules, missing, options);
        topology = builder.build(props);
        streams = new KafkaStreams(topology, props);
        streams.setStateListener((next, previous) -> LOG.info("{} {} -> {}", applicationId, previous, next));
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("{} stops: unhandled error in a stream thread", applicationId, e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        metrics.bind(streams);
    }

    public void start() {
        LOG.info("{} starting", applicationId);
        streams.start();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public boolean isRunning() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    public String applicationId() {
        return applicationId;
    }

    public Topology topology() {
        return topology;
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    public boolean close(Duration timeout) {
        boolean closed = streams.close(timeout);
        if (!closed) {
            LOG.warn("{} did not close within {}", applicationId, timeout);
        }
        return closed;
    }
}
