package pl.krakow.pulse.alerting;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import pl.krakow.pulse.alerting.missing.MissingDataSpec;
import pl.krakow.pulse.alerting.notify.WebhookTarget;
import pl.krakow.pulse.platform.config.ConfigKey;

/**
 * The keys of the alerting application and its notifiers: rule defaults and overrides, missing-data
 * watching, the log notifier and the webhooks with their retry policy.
 *
 * <p>{@link #KEYS} lists them in documentation order; {@code pulse config} and the README table show them in
 * that order among the other modules' keys.
 */
public final class AlertingConfig {

    private AlertingConfig() {
    }

    public static final ConfigKey<Boolean> ENABLED = ConfigKey.bool("alerting.enabled", "alerting", true,
            "Run the alerting application (threshold and missing-data alerts on alerts.v1) and its notifiers.");
    public static final ConfigKey<String> RULES_FILE = ConfigKey.string("alerting.rules.file", "alerting", "",
            "YAML file of alert-rule overrides and families applied after the bundled ones (thresholds, margins, minimum "
                    + "durations, rules off, per indicator and scope; format in modules/alerting/README.md). Empty = bundled rules only.");
    public static final ConfigKey<Integer> CLEAR_MARGIN_PERCENT = ConfigKey.integer("alerting.clear.margin.percent", "alerting", 10,
            "Default hysteresis: a raised level clears only when the value is this many percent of the threshold on the safe side of it.")
            .withValidator(v -> v >= 0 && v <= 100 ? null : "must be 0..100");
    public static final ConfigKey<Duration> MIN_DURATION = ConfigKey.duration("alerting.min.duration", "alerting", Duration.ZERO,
            "Default minimum duration of a breach (event time) before it is raised; rule families may override it.");
    public static final ConfigKey<Boolean> PROVISIONAL = ConfigKey.bool("alerting.provisional", "alerting", true,
            "Raise early, flagged provisional, on valid PROVISIONAL indicator values; FINAL values confirm or retract.");
    public static final ConfigKey<Duration> REORDER_WAIT = ConfigKey.duration("alerting.reorder.wait", "alerting",
            Duration.ofSeconds(30), "How long (wall clock) a FINAL value that does not follow the last judged window waits for "
                    + "the windows before it, which travel through other partitions (and until the input is quiet, at most 10x). "
                    + "Longer = robust under load, later alerts after a gap.");
    public static final ConfigKey<MissingDataSpec> MISSING_DATA = ConfigKey.parsed("alerting.missing.data", "alerting",
            "missing-data list", "environment.air-quality.v1/station=PT3H", "Sources watched for silence: "
                    + "<topic>/<grain>=<ISO duration>, comma-separated; grain = scope prefix for one alert per record key "
                    + "(station) or feed for the whole topic. Empty = off.", MissingDataSpec::parse, MissingDataSpec::toText);
    public static final ConfigKey<Duration> MISSING_DATA_CHECK_INTERVAL = ConfigKey.duration("alerting.missing.data.check.interval",
            "alerting", Duration.ofSeconds(30), "How often (wall clock) silent sources are looked for.");
    public static final ConfigKey<Boolean> LOG_NOTIFIER = ConfigKey.bool("alerting.notifier.log.enabled", "alerting", true,
            "Log one line per alert state change (logger pl.krakow.pulse.alerts).");
    public static final ConfigKey<List<WebhookTarget>> WEBHOOK_URLS = ConfigKey.parsed("alerting.webhook.urls", "alerting",
            "webhook list", "", "Webhooks receiving every alert raised or changed after they were added, as a JSON POST with an "
                    + "Idempotency-Key header: comma-separated name=URL entries (a plain URL is named u<hash of the URL without "
                    + "its secrets>). The name keys the webhook's position on alerts.v1: a new name starts at the present, a "
                    + "known one where it stopped. Secret: a URL may carry a token. Empty = none.",
            WebhookTarget::parseList, WebhookTarget::formatList).asSecret();
    public static final ConfigKey<Map<String, String>> WEBHOOK_SIGNING_SECRETS = ConfigKey.parsed("alerting.webhook.signing.secrets",
            "alerting", "name=secret list", "", "HMAC-SHA256 signing secrets per webhook name, comma-separated name=secret: a "
                    + "webhook with one sends X-Pulse-Timestamp and X-Pulse-Signature: sha256=hex(HMAC(secret, timestamp + \".\" + "
                    + "body)). A webhook without one is sent unsigned.",
            WebhookTarget::parseSecrets, m -> m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(java.util.stream.Collectors.joining(","))).asSecret();
    public static final ConfigKey<Integer> WEBHOOK_MAX_ATTEMPTS = ConfigKey.integer("alerting.webhook.max.attempts", "alerting", 6,
            "Attempts per alert and webhook before it is dead-lettered to ingest.rejected.v1.").withValidator(ConfigKey.atLeast(1));
    public static final ConfigKey<Duration> WEBHOOK_INITIAL_BACKOFF = ConfigKey.duration("alerting.webhook.initial.backoff",
            "alerting", Duration.ofMillis(500), "Wait before the first retry; doubles with every further retry.");
    public static final ConfigKey<Duration> WEBHOOK_MAX_BACKOFF = ConfigKey.duration("alerting.webhook.max.backoff",
            "alerting", Duration.ofSeconds(30), "Longest wait between two attempts.");
    public static final ConfigKey<Duration> WEBHOOK_TIMEOUT = ConfigKey.duration("alerting.webhook.timeout", "alerting",
            Duration.ofSeconds(10), "Connect and response timeout of one webhook attempt.");

    /** Every key of this module, in documentation order. */
    public static final List<ConfigKey<?>> KEYS = List.of(
            ENABLED, RULES_FILE, CLEAR_MARGIN_PERCENT, MIN_DURATION, PROVISIONAL, REORDER_WAIT, MISSING_DATA,
            MISSING_DATA_CHECK_INTERVAL, LOG_NOTIFIER, WEBHOOK_URLS, WEBHOOK_SIGNING_SECRETS, WEBHOOK_MAX_ATTEMPTS, WEBHOOK_INITIAL_BACKOFF,
            WEBHOOK_MAX_BACKOFF, WEBHOOK_TIMEOUT);
}
