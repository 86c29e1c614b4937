package pl.krakow.pulse.alerting;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
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

/**
 * Everything alerting runs, built from the configuration ({@code alerting.*} keys): the Streams
 * application and one {@link NotifierRunner} per notifier (log unless switched off, one per webhook
 * URL). The one entry point {@code pulse run} calls. Topics must exist (the caller provisions them).
 */
public final class AlertingService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertingService.class);

    private final AlertingApplication application;
    private final List<NotifierRunner> notifiers;
    private final Deque<AutoCloseable> toClose;

    private AlertingService(AlertingApplication application, List<NotifierRunner> notifiers, Deque<AutoCloseable> toClose) {
        this.application = application;
        this.notifiers = notifiers;
        this.toClose = toClose;
    }

    /** Starts alerting as configured, or returns a service that runs nothing when {@code alerting.enabled=false}. */
    public static AlertingService start(PulseConfig config, KafkaClients clients, PulseSerdes serdes, PulseMetrics metrics,
                                        IndicatorCatalog catalog, Path stateDir) {
        return start(config, clients, serdes, metrics, catalog, stateDir, Clock.systemUTC());
    }

    public static AlertingService start(PulseConfig config, KafkaClients clients, PulseSerdes serdes, PulseMetrics metrics,
                                        IndicatorCatalog catalog, Path stateDir, Clock clock) {
        Deque<AutoCloseable> toClose = new ArrayDeque<>();
        if (!config.get(AlertingConfig.ENABLED)) {
            LOG.info("alerting is off (alerting.enabled=false)");
            return new AlertingService(null, List.of(), toClose);
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
        AlertingApplication app = null;
        try {
            app = new AlertingApplication(clients, serdes, metrics, stateDir, rules, missing, options);
            toClose.push(app);
            app.start();
            String prefix = config.get(PlatformConfig.APPLICATION_ID_PREFIX) + "-" + AlertingApplication.APPLICATION_SUFFIX + "-notify-";
            if (config.get(AlertingConfig.LOG_NOTIFIER)) {
                runners.add(run(toClose, new NotifierRunner(clients, serdes, prefix + "log", new LogNotifier(metrics.registry()),
                        java.time.Duration.ZERO)));
            }
            List<URI> urls = config.get(AlertingConfig.WEBHOOK_URLS);
            if (!urls.isEmpty()) {
                KafkaDeadLetterSink dlq = new KafkaDeadLetterSink(clients, serdes, prefix + "dead-letters", clock);
                toClose.push(dlq);
                WebhookNotifier.Settings settings = new WebhookNotifier.Settings(config.get(AlertingConfig.WEBHOOK_MAX_ATTEMPTS),
                        config.get(AlertingConfig.WEBHOOK_INITIAL_BACKOFF), config.get(AlertingConfig.WEBHOOK_MAX_BACKOFF),
                        config.get(AlertingConfig.WEBHOOK_TIMEOUT));
                int n = 0;
                for (URI url : urls) {
                    n++;
                    AlertNotifier webhook = new WebhookNotifier("webhook-" + n, url, settings, dlq, metrics.registry());
                    runners.add(run(toClose, new NotifierRunner(clients, serdes, prefix + "webhook-" + n, webhook, settings.worstCase())));
                }
            }
        } catch (RuntimeException e) {
            closeAll(toClose);
            throw e;
        }
        LOG.info("alerting started: {} rule-bearing indicators, {} missing-data sources, notifiers {}",
                rules.indicatorsWithRules().size(), missing.entries().size(), runners.stream().map(NotifierRunner::name).toList());
        return new AlertingService(app, List.copyOf(runners), toClose);
    }

    private static NotifierRunner run(Deque<AutoCloseable> toClose, NotifierRunner runner) {
        toClose.push(runner);
        return runner.start();
    }

    /** True when alerting is off, or its Streams app is RUNNING and every notifier thread lives. */
    public boolean isReady() {
        return application == null || (application.isRunning() && notifiers.stream().allMatch(NotifierRunner::isAlive));
    }

    /** For /ready: the Streams state, or {@code disabled}. */
    public String status() {
        if (application == null) {
            return "disabled";
        }
        KafkaStreams.State state = application.state();
        long dead = notifiers.stream().filter(n -> !n.isAlive()).count();
        return dead == 0 ? String.valueOf(state) : state + ", " + dead + " notifier(s) stopped";
    }

    /** The Streams application, or null when alerting is off. */
    public AlertingApplication application() {
        return application;
    }

    @Override
    public void close() {
        closeAll(toClose);
    }

    private static void closeAll(Deque<AutoCloseable> toClose) {
        while (!toClose.isEmpty()) {
            AutoCloseable c = toClose.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("error stopping {}: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
