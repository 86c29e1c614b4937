package pl.krakow.pulse.publish;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.serde.PulseSerdes;

/**
 * Everything one {@code publish} instance runs, from configuration: the replicated read models of
 * the indicator tables and of {@code alerts.v1}, the HTTP server (REST API, live stream, dashboard,
 * OpenAPI, /metrics with the indicator gauges) and, when {@code export.directory} is set, the
 * periodic open-data export. Instances share nothing but the topics: start as many as needed.
 */
public final class PublishApplication implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PublishApplication.class);

    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private final IndicatorReadModel indicators;
    private final AlertReadModel alerts;
    private final ApiServer api;
    private final PeriodicExport export;

    private PublishApplication(PulseConfig config, KafkaClients clients, PulseSerdes serdes, IndicatorCatalog catalog,
                               PulseMetrics metrics, Supplier<ReadinessReport> readiness) {
        IndicatorReadModel indicatorModel = null;
        AlertReadModel alertModel = null;
        ApiServer server = null;
        PeriodicExport periodic = null;
        try {
            indicatorModel = track(new IndicatorReadModel(clients, serdes, metrics).start());
            alertModel = track(new AlertReadModel(clients, serdes, metrics).start());
            AlertReadModel alertsForReadiness = alertModel;
            server = track(ApiServer.fromConfig(config, indicatorModel, alertModel, catalog, metrics, () -> {
                ReadinessReport app = readiness.get();
                java.util.Map<String, String> checks = new java.util.LinkedHashMap<>(app.checks());
                checks.put("alerts", alertsForReadiness.status());
                return new ReadinessReport(app.ready() && alertsForReadiness.isCaughtUp(), checks);
            }).start());
            periodic = PeriodicExport.fromConfig(config, indicatorModel, catalog);
            if (periodic != null) {
                track(periodic);
            }
        } catch (RuntimeException e) {
            close(); // a port in use must not leave consumer threads behind
            throw e;
        }
        indicators = indicatorModel;
        alerts = alertModel;
        api = server;
        export = periodic;
    }

    /** Starts the read models, the HTTP server and (if configured) the periodic export; stops what started on failure. */
    public static PublishApplication start(PulseConfig config, KafkaClients clients, PulseSerdes serdes,
                                           IndicatorCatalog catalog, PulseMetrics metrics,
                                           Supplier<ReadinessReport> readiness) {
        return new PublishApplication(config, clients, serdes, catalog, metrics, readiness);
    }

    public IndicatorReadModel indicators() {
        return indicators;
    }

    public AlertReadModel alerts() {
        return alerts;
    }

    public ApiServer api() {
        return api;
    }

    /** The periodic export, or null when {@code export.directory} is empty. */
    public PeriodicExport export() {
        return export;
    }

    private <T extends AutoCloseable> T track(T c) {
        toClose.push(c);
        return c;
    }

    @Override
    public void close() {
        while (!toClose.isEmpty()) {
            AutoCloseable c = toClose.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("Error stopping {}: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
