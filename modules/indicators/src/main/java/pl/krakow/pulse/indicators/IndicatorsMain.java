package pl.krakow.pulse.indicators;

import pl.krakow.pulse.runtime.streams.StreamsApplication;
import pl.krakow.pulse.runtime.streams.TopologyOptions;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.registry.HttpSchemaRegistryClient;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.TopicProvisioner;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * Runs the IV.3 indicators service alone against an existing Kafka cluster and schema registry (the
 * embedded platform is started by {@code pulse run}). Only wiring: configuration from the usual places
 * ({@code pulse.properties}, {@code $PULSE_CONFIG}, {@code PULSE_*} variables), topics created when
 * {@code topics.create} is on, state under {@code <data.dir>/streams}, stops on SIGTERM.
 */
public final class IndicatorsMain {

    private static final Logger LOG = LoggerFactory.getLogger(IndicatorsMain.class);

    private IndicatorsMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        PulseConfig config = PulseConfig.load(IndicatorsConfig.SERVICE_KEYS, null, System.getenv(), Map.of());
        if (config.embeddedKafka() || config.embeddedRegistry()) {
            System.err.println("running the indicators service alone needs bootstrap.servers and schema.registry.url "
                    + "(PULSE_BOOTSTRAP_SERVERS, PULSE_SCHEMA_REGISTRY_URL); use 'pulse run' for the embedded platform");
            System.exit(2);
        }
        KafkaClients clients = new KafkaClients(config.get(PlatformConfig.BOOTSTRAP_SERVERS), config);
        if (config.get(PlatformConfig.TOPICS_CREATE)) {
            try (Admin admin = Admin.create(clients.admin("pulse-indicators-provisioner"))) {
                TopicProvisioner.ensure(admin, Topics.all(), config.get(PlatformConfig.TOPIC_REPLICATION_FACTOR),
                        config.get(PlatformConfig.TOPIC_PARTITIONS));
            }
        }
        PulseSerdes serdes = new PulseSerdes(new HttpSchemaRegistryClient(config.get(PlatformConfig.SCHEMA_REGISTRY_URL)));
        PulseMetrics metrics = new PulseMetrics("pulse-indicators");
        Path stateDir = Path.of(config.get(PlatformConfig.DATA_DIR), "streams");
        ZoneId zone = ZoneId.of(config.get(PlatformConfig.TIME_ZONE));
        // The same tuning as pulse run (emit interval, idle timeout, punctuation): the defaults emit per event.
        StreamsApplication app = Iv3EnvironmentTopology.application(clients, serdes, IndicatorCatalog.bundled(), zone, metrics,
                stateDir, TopologyOptions.fromConfig(config, metrics.registry()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            metrics.close();
            stopped.countDown();
        }, "pulse-indicators-shutdown"));
        app.start();
        LOG.info("{} started against {}", app.applicationId(), clients.bootstrapServers());
        stopped.await();
    }
}
