package pl.krakow.pulse.runtime.streams;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
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
import pl.krakow.pulse.runtime.streams.errors.DeadLetterDeserializationExceptionHandler;
import pl.krakow.pulse.runtime.streams.errors.DeadLetterProcessingExceptionHandler;
import pl.krakow.pulse.runtime.streams.errors.DeadLetterProductionExceptionHandler;
import pl.krakow.pulse.runtime.streams.errors.DeadLetters;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.RejectedRecords;
import pl.krakow.pulse.runtime.service.Service;
import pl.krakow.pulse.runtime.streams.watermark.SourcePartitions;

/**
 * One Kafka Streams application of Kraków Pulse — a goal's indicator topology
 * ({@code <prefix>-indicators-iv3}, {@code -iv4}, …) or the alerting topology — exactly-once, every
 * internal resource explicitly named. Goal-neutral: the topology is given as a {@link GoalTopology};
 * one application per goal so a goal's failure, rebalance or state restore never holds up another
 * goal's table.
 *
 * <p>Bad input never stops it and is never dropped silently: records that cannot be deserialized,
 * that fail in a processor, or whose output cannot be serialized are counted
 * ({@code pulse.indicators.deserialization.errors}, {@code .processing.errors}, {@code .production.errors})
 * and written to {@code ingest.rejected.v1} as Avro {@code RejectedRecord}s (KIP-1034 dead-letter
 * records, inside the task's transaction), then processing continues. An error that escapes the
 * handlers (state corruption, fenced producer beyond recovery) shuts the client down: {@link #state()}
 * becomes ERROR and {@link #isRunning()} false, which the readiness probe reports.
 *
 * <p>As a {@link Service}: named by its application suffix ({@code indicators-iv3}, {@code alerting}),
 * ready while RUNNING (not while rebalancing or restoring), DOWN once the client is in ERROR or has
 * stopped without being closed — states Kafka Streams does not leave by itself.
 *
 * <p>Topics are not created here; whoever starts the service provisions them first
 * ({@code TopicProvisioner}). Logs one line per state change.
 */
public final class StreamsApplication implements Service {

    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SOURCE_DESCRIBE_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(StreamsApplication.class);

    private final Topology topology;
    private final KafkaStreams streams;
    private final String applicationId;
    private final String name;
    private final Path stateDir;
    private volatile boolean started;
    private volatile boolean closing;

    /** Adds a goal's processors to the builder; sources, stores and sinks all named explicitly. */
    @FunctionalInterface
    public interface GoalTopology {
        void build(StreamsBuilder builder);
    }

    /**
     * Any goal's topology as its own application {@code <prefix>-<applicationSuffix>} (e.g.
     * {@code indicators-iv4}), with the dead-letter error handling described in the class comment.
     * State lives in {@code stateDir} (one directory per application id below it).
     */
    public StreamsApplication(KafkaClients clients, PulseSerdes serdes, PulseMetrics metrics, Path stateDir,
                                 String applicationSuffix, MeterRegistry meters,
                                 Clock clock, GoalTopology goalTopology) {
        this.stateDir = stateDir.toAbsolutePath();
        this.name = applicationSuffix;
        Properties props = clients.streams(applicationSuffix, this.stateDir.toString());
        applicationId = props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
        configureErrorHandling(props, new DeadLetters(applicationId, serdes, meters, clock, RejectedRecords.from(clients.config())));

        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
        goalTopology.build(builder);
        topology = builder.build(props);
        // Processors that report event-time progress to a later stage need the source partition counts.
        SourcePartitions.describeInto(props, topology.describe(), applicationId, clients.admin(applicationId + "-describe"),
                SOURCE_DESCRIBE_TIMEOUT);
        streams = new KafkaStreams(topology, props);
        streams.setStateListener((next, previous) -> LOG.info("{} {} -> {}", applicationId, previous, next));
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("{} stops: unhandled error in a stream thread", applicationId, e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        metrics.bind(streams);
    }

    /**
     * Sets the deserialization, processing and production exception handlers that count, dead-letter
     * and continue (see the class comment). Kafka Streams instantiates handlers itself and passes them
     * the original configuration values, which is how they receive {@code deadLetters}.
     */
    @SuppressWarnings("deprecation") // the global flag is deprecated because "true" becomes the default
    public static Properties configureErrorHandling(Properties props, DeadLetters deadLetters) {
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationExceptionHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingExceptionHandler.class);
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProductionExceptionHandler.class);
        // No global stores here; Kafka 4.4 warns at every start-up unless the flag is set.
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(DeadLetters.CONFIG, deadLetters);
        return props;
    }

    /** The application suffix, e.g. {@code indicators-iv3}: the name {@code /ready} lists it under. */
    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() {
        LOG.info("{} starting, state in {}", applicationId, stateDir);
        started = true;
        streams.start();
    }

    /** {@link #isRunning()}. */
    @Override
    public boolean isReady() {
        return isRunning();
    }

    /** DOWN in ERROR (or on the way there), or when started and no longer running though nobody closed it. */
    @Override
    public Health health() {
        KafkaStreams.State state = streams.state();
        boolean failed = state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
                || (started && !closing && (state == KafkaStreams.State.NOT_RUNNING || state == KafkaStreams.State.PENDING_SHUTDOWN));
        return failed ? Health.DOWN : Health.UP;
    }

    /** The Kafka Streams state, e.g. {@code RUNNING}. */
    @Override
    public String status() {
        return String.valueOf(streams.state());
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** True when every stream thread is processing (state RUNNING, not rebalancing). */
    public boolean isRunning() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    public String applicationId() {
        return applicationId;
    }

    /** The topology as built, e.g. for {@code describe()}. */
    public Topology topology() {
        return topology;
    }

    /** The underlying client, for interactive queries of the stores. */
    public KafkaStreams streams() {
        return streams;
    }

    /** Closes within {@link #DEFAULT_CLOSE_TIMEOUT}. */
    @Override
    public void close() {
        close(DEFAULT_CLOSE_TIMEOUT);
    }

    /** Stops processing, commits and closes; returns false when the timeout elapsed first. */
    public boolean close(Duration timeout) {
        closing = true;
        boolean closed = streams.close(timeout);
        if (!closed) {
            LOG.warn("{} did not close within {}", applicationId, timeout);
        }
        return closed;
    }
}
