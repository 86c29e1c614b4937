package pl.krakow.pulse.alerting;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.alerting.missing.MissingDataSpec;
import pl.krakow.pulse.alerting.notify.AlertNotifier;
import pl.krakow.pulse.alerting.notify.KafkaDeadLetterSink;
import pl.krakow.pulse.alerting.notify.LogNotifier;
import pl.krakow.pulse.alerting.notify.NotifierRunner;
import pl.krakow.pulse.alerting.notify.WebhookNotifier;
import pl.krakow.pulse.alerting.notify.WebhookTarget;
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
 * unless switched off, one per named webhook, its group keyed by the name and, when new, starting at the present).
 * A {@link Service} named {@code alerting}: {@link #fromConfig} builds it, {@link #start()} starts the notifiers then
 * the application; ready when alerting is off, or
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
        StreamsApplication app = null;
        try {
            app = AlertingTopology.application(clients, serdes, metrics, stateDir, rules, missing, options);
            String prefix = config.get(PlatformConfig.APPLICATION_ID_PREFIX) + "-" + AlertingTopology.APPLICATION_SUFFIX + "-notify-";
            if (config.get(AlertingConfig.LOG_NOTIFIER)) {
                runners.add(members.add(new NotifierRunner(clients, serdes, prefix + "log", new LogNotifier(metrics.registry()),
                        java.time.Duration.ZERO)));
            }
            List<WebhookTarget> webhooks = config.get(AlertingConfig.WEBHOOK_URLS);
            Map<String, String> secrets = new HashMap<>(config.get(AlertingConfig.WEBHOOK_SIGNING_SECRETS));
            webhooks.forEach(w -> secrets.remove(w.name()));
            if (!secrets.isEmpty()) {
                throw new IllegalArgumentException(AlertingConfig.WEBHOOK_SIGNING_SECRETS.name() + " names webhooks that "
                        + AlertingConfig.WEBHOOK_URLS.name() + " does not have: " + secrets.keySet() + "; configured: "
                        + webhooks.stream().map(WebhookTarget::name).toList());
            }
            if (!webhooks.isEmpty()) {
                KafkaDeadLetterSink dlq = new KafkaDeadLetterSink(clients, serdes, prefix + "dead-letters", clock);
                // Added before the webhooks, so closed after them: a last failed delivery can still be dead-lettered.
                members.add(Service.of("webhook-dead-letters", () -> { }, () -> true, dlq));
                WebhookNotifier.Settings settings = new WebhookNotifier.Settings(config.get(AlertingConfig.WEBHOOK_MAX_ATTEMPTS),
                        config.get(AlertingConfig.WEBHOOK_INITIAL_BACKOFF), config.get(AlertingConfig.WEBHOOK_MAX_BACKOFF),
                        config.get(AlertingConfig.WEBHOOK_TIMEOUT));
                Map<String, String> signingSecrets = config.get(AlertingConfig.WEBHOOK_SIGNING_SECRETS);
                for (WebhookTarget w : webhooks) {
                    // Keyed by the webhook's name, never its place in the list: reordering moves no position.
                    String name = "webhook-" + w.name();
                    AlertNotifier webhook = new WebhookNotifier(name, w.url(), signingSecrets.get(w.name()), settings, dlq,
                            metrics.registry(), d -> Thread.sleep(d.toMillis()), clock);
                    runners.add(members.add(new NotifierRunner(clients, serdes, prefix + name, webhook, settings.worstCase(),
                            NotifierRunner.StartAt.PRESENT)));
                    LOG.info("webhook {} -> {} ({})", name, w.shown(), signingSecrets.containsKey(w.name()) ? "signed" : "unsigned");
                }
            }
            // Last, so started after the notifiers: a new webhook's "present" is read before this app writes an alert.
            members.add(app);
        } catch (RuntimeException e) {
            members.close();
            if (app != null && !members.members().contains(app)) {
                app.close();
            }
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

    /** Starts the notifiers, then the Streams application; on failure stops what it started and rethrows. */
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
