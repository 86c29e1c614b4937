package pl.krakow.pulse.alerting;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.alerting.missing.MissingDataSpec;
import pl.krakow.pulse.alerting.notify.AlertNotifier;
import pl.krakow.pulse.alerting.notify.KafkaDeadLetterSink;
import pl.krakow.pulse.alerting.notify.LogNotifier;
import pl.krakow.pulse.alerting.notify.NotifierRunner;
import pl.krakow.pulse.alerting.notify.WebhookNotifier;
import pl.krakow.pulse.alerting.rules.AlertRules;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.runtime.service.CompositeService;
import pl.krakow.pulse.runtime.service.Service;
import pl.krakow.pulse.runtime.service.ServiceGroup;
import pl.krakow.pulse.runtime.streams.StreamsApplication;

/**
 * Everything alerting runs, built from the configuration ({@code alerting.*} keys): the Streams
 * application ({@link AlertingTopology#application}) and one {@link NotifierRunner} per notifier (log
 * unless switched off, one per webhook URL). A {@link Service} named {@code alerting}: {@link #fromConfig}
 * builds it, {@link #start()} starts the application then the notifiers; ready when alerting is off, or
 * the application is RUNNING and every notifier thread lives; DOWN when the application or a notifier
 * is. Topics must exist (the caller provisions them).
 */
public final class AlertingService implements CompositeService {

    public static final String NAME = "alerting";

    private static final Logger LOG = LoggerFactory.getLogger(AlertingService.class);

    private final StreamsApplication application;
    private final List<NotifierRunner> notifiers;
    private final ServiceGroup members;
    private final String summary;

    private AlertingService(StreamsApplication application, List<NotifierRunner> notifiers, ServiceGroup members, String summary) {
        this.application = application;
        this.notifiers = notifiers;
        this.members = members;
        this.summary = summary;
    }

    /** Alerting as configured, not started; one that runs nothing when {@code alerting.enabled=false}. */
    public static AlertingService fromConfig(PulseConfig config, KafkaClients clients, PulseSerdes serdes, PulseMetrics metrics,
                                             IndicatorCatalog catalog, Path stateDir) {
        return fromConfig(config, clients, serdes, metrics, catalog, stateDir, Clock.systemUTC());
    }

    public static AlertingService fromConfig(PulseConfig config, KafkaClients clients, PulseSerdes serdes, PulseMetrics metrics,
                                             IndicatorCatalog catalog, Path stateDir, Clock clock) {
        ServiceGroup members = new ServiceGroup(NAME);
        if (!config.get(AlertingConfig.ENABLED)) {
            return new AlertingService(null, List.of(), members, null);
        }
        String rulesFile = config.get(AlertingConfig.RULES_FILE);
        AlertRules rules = AlertRules.load(catalog, new AlertRules.Defaults(config.get(AlertingConfig.CLEAR_MARGIN_PERCENT),
                        config.get(AlertingConfig.MIN_DURATION), config.get(AlertingConfig.PROVISIONAL)),
                rulesFile.isBlank() ? null : Path.of(rulesFile));
        MissingDataSpec missing = config.get(AlertingConfig.MISSING_DATA);
        AlertingTopology.Options options = AlertingTopology.Options.defaults()
                .withClock(clock)
                .withMeters(metrics.registry())
                .withReorderWait(config.get(AlertingConfig.REORDER_WAIT))
                .withMissingDataCheckInterval(config.get(AlertingConfig.MISSING_DATA_CHECK_INTERVAL));
        List<NotifierRunner> runners = new ArrayList<>();
        StreamsApplication app;
        try {
            app = members.add(AlertingTopology.application(clients, serdes, metrics, stateDir, rules, missing, options));
            String prefix = config.get(PlatformConfig.APPLICATION_ID_PREFIX) + "-" + AlertingTopology.APPLICATION_SUFFIX + "-notify-";
            if (config.get(AlertingConfig.LOG_NOTIFIER)) {
                runners.add(members.add(new NotifierRunner(clients, serdes, prefix + "log", new LogNotifier(metrics.registry()),
                        java.time.Duration.ZERO)));
            }
            List<URI> urls = config.get(AlertingConfig.WEBHOOK_URLS);
            if (!urls.isEmpty()) {
                KafkaDeadLetterSink dlq = new KafkaDeadLetterSink(clients, serdes, prefix + "dead-letters", clock);
                // Added before the webhooks, so closed after them: a last failed delivery can still be dead-lettered.
                members.add(Service.of("webhook-dead-letters", () -> { }, () -> true, dlq));
                WebhookNotifier.Settings settings = new WebhookNotifier.Settings(config.get(AlertingConfig.WEBHOOK_MAX_ATTEMPTS),
                        config.get(AlertingConfig.WEBHOOK_INITIAL_BACKOFF), config.get(AlertingConfig.WEBHOOK_MAX_BACKOFF),
                        config.get(AlertingConfig.WEBHOOK_TIMEOUT));
                int n = 0;
                for (URI url : urls) {
                    n++;
                    AlertNotifier webhook = new WebhookNotifier("webhook-" + n, url, settings, dlq, metrics.registry());
                    runners.add(members.add(new NotifierRunner(clients, serdes, prefix + "webhook-" + n, webhook, settings.worstCase())));
                }
            }
        } catch (RuntimeException e) {
            members.close();
            throw e;
        }
        String summary = rules.indicatorsWithRules().size() + " rule-bearing indicators, " + missing.entries().size()
                + " missing-data sources, notifiers " + runners.stream().map(NotifierRunner::name).toList();
        return new AlertingService(app, List.copyOf(runners), members, summary);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Starts the Streams application, then the notifiers; on failure stops what it started and rethrows. */
    @Override
    public void start() {
        if (application == null) {
            LOG.info("alerting is off (alerting.enabled=false)");
            return;
        }
        members.start();
        LOG.info("alerting started: {}", summary);
    }

    /** True when alerting is off, or its Streams app is RUNNING and every notifier thread lives. */
    /** DOWN when the Streams application or a notifier is DOWN. */
    /** For /ready: the Streams state, or {@code disabled}. */
    @Override
    public String status() {
        if (application == null) {
            return "disabled";
        }
        KafkaStreams.State state = application.state();
        long dead = notifiers.stream().filter(n -> !n.isAlive()).count();
        return dead == 0 ? String.valueOf(state) : state + ", " + dead + " notifier(s) stopped";
    }

    /** The Streams application, or null when alerting is off. */
    public StreamsApplication application() {
        return application;
    }

    @Override
    public ServiceGroup members() {
        return members;
    }
}
