package pl.krakow.pulse.publish;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.runtime.service.CompositeService;
import pl.krakow.pulse.runtime.service.Service;
import pl.krakow.pulse.runtime.service.ServiceGroup;

/**
 * Everything one {@code publish} instance runs, from configuration: the replicated read models of
 * the indicator tables ({@code read-model}, its history on disk under {@code <data.dir>/publish}) and of
 * {@code alerts.v1} ({@code alerts}), the HTTP server
 * ({@code http-api}: REST API, live stream, dashboard, OpenAPI, /metrics with the indicator gauges)
 * and, when {@code export.directory} is set, the periodic open-data export ({@code open-data-export}).
 * Instances share nothing but the topics: start as many as needed.
 *
 * <p>A {@link Service} named {@code publish}: {@link #fromConfig} builds it, {@link #start()} starts its
 * members in that order (a port in use stops the read models again, leaving no consumer thread behind);
 * ready when the read models have caught up and the server listens. {@code GET /ready} and
 * {@code GET /health} report on the services {@code reportOn} holds — in {@code pulse run} every service
 * of the process, this one included — by name and status.
 */
public final class PublishApplication implements CompositeService {

    public static final String NAME = "publish";

    private final IndicatorReadModel indicators;
    private final AlertReadModel alerts;
    private final ApiServer api;
    private final PeriodicExport export;
    private final ServiceGroup members = new ServiceGroup(NAME);

    private PublishApplication(PulseConfig config, KafkaClients clients, PulseSerdes serdes, IndicatorCatalog catalog,
                               PulseMetrics metrics, ServiceGroup reportOn) {
        try {
            indicators = new IndicatorReadModel(clients, serdes, metrics, historyDirectory(config),
                    HistoryRetention.fromConfig(config));
            members.add(Service.of(ApiServer.READ_MODEL_CHECK, indicators::start, indicators::isCaughtUp, indicators::status,
                    indicators));
            alerts = new AlertReadModel(clients, serdes, metrics);
            members.add(Service.of("alerts", alerts::start, alerts::isCaughtUp, alerts::status, alerts));
            ServiceGroup reported = reportOn != null ? reportOn : members;
            api = members.add(ApiServer.fromConfig(config, indicators, alerts, catalog, metrics,
                    () -> new ReadinessReport(reported.isReady(), reported.checks())).withHealth(health(reported)));
            export = PeriodicExport.fromConfig(config, indicators, catalog);
            if (export != null) {
                members.add(export);
            }
        } catch (RuntimeException e) {
            members.close();
            throw e;
        }
    }

    /** Not started; see the class comment. */
    public static PublishApplication fromConfig(PulseConfig config, KafkaClients clients, PulseSerdes serdes,
                                                IndicatorCatalog catalog, PulseMetrics metrics, ServiceGroup reportOn) {
        return new PublishApplication(config, clients, serdes, catalog, metrics, Objects.requireNonNull(reportOn, "reportOn"));
    }

    /** A publish instance on its own, not started: {@code /ready} and {@code /health} report on its own members. */
    public static PublishApplication fromConfig(PulseConfig config, KafkaClients clients, PulseSerdes serdes,
                                                IndicatorCatalog catalog, PulseMetrics metrics) {
        return new PublishApplication(config, clients, serdes, catalog, metrics, null);
    }

    /** Where the indicator read model keeps its history: {@code <data.dir>/publish} (a {@code history-N} of its own). */
    static Path historyDirectory(PulseConfig config) {
        return Path.of(config.get(PlatformConfig.DATA_DIR)).toAbsolutePath().normalize().resolve("publish");
    }

    /** UP, or DOWN with the state of each service that is DOWN. */
    private static Supplier<ReadinessReport> health(ServiceGroup services) {
        return () -> {
            Map<String, String> down = services.down();
            return down.isEmpty() ? ReadinessReport.up(Map.of()) : ReadinessReport.down(down);
        };
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start() {
        members.start();
    }

    /** One check per member ({@code read-model}, {@code alerts}, {@code http-api}, {@code open-data-export}). */
    @Override
    public Map<String, String> checks() {
        return members.checks();
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

    @Override
    public ServiceGroup members() {
        return members;
    }
}
