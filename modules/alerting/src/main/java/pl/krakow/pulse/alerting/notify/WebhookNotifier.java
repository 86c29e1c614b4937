package pl.krakow.pulse.alerting.notify;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.events.alerts.Alert;
import pl.krakow.pulse.platform.config.SecretMask;
import pl.krakow.pulse.runtime.Backoff;

/**
 * POSTs each alert as JSON ({@link AlertJson}) to one URL with the JDK {@link HttpClient}.
 *
 * <p>Headers: {@code Idempotency-Key} (stable per alert record, the receiver de-duplicates on it),
 * {@code X-Pulse-Alert-Id} (the episode), {@code X-Pulse-Attempt}, and with a signing secret
 * {@code X-Pulse-Timestamp} and {@code X-Pulse-Signature} ({@link WebhookSignature}: HMAC-SHA256 of timestamp and body,
 * signed anew for every attempt). A 2xx answer is a delivery. A
 * connection error, a timeout, 408, 429 or 5xx is retried with exponential backoff
 * ({@code initialBackoff × 2^(attempt−1)}, at most {@code maxBackoff}) up to {@code maxAttempts} attempts;
 * any other answer (a 4xx: the receiver rejects the request itself) is not retried. After the last
 * attempt the alert goes to the {@link DeadLetterSink} and the notifier moves on, so one dead receiver
 * never stops the alerts after it for more than the retry budget.
 *
 * <p>The URL never appears unmasked outside the request itself: logs and dead letters show it through
 * {@link SecretMask} (user info, query values and secret-looking path segments as {@code ****}), and error messages
 * that quote it are masked too.
 */
public final class WebhookNotifier implements AlertNotifier {

    /** Sleeps between attempts; tests may pass one that records the backoffs. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    public record Settings(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration timeout) {
        public Settings {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1");
            }
        }

        /** The longest one alert can take: every attempt timing out plus every backoff. */
        public Duration worstCase() {
            Duration total = timeout.multipliedBy(maxAttempts);
            for (int a = 1; a < maxAttempts; a++) {
                total = total.plus(backoff(a));
            }
            return total;
        }

        Duration backoff(int attempt) {
            return new Backoff(initialBackoff, maxBackoff).delay(attempt);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);

    private final String name;
    private final URI url;
    private final Settings settings;
    private final HttpClient http;
    private final DeadLetterSink deadLetters;
    private final Sleeper sleeper;
    private final NotifierMetrics metrics;
    private final WebhookSignature signature;
    private final Clock clock;

    /**
     * @param name          the notifier's name ({@code webhook-<webhook name>}): metrics tag, logs, dead-letter feed
     * @param signingSecret the HMAC secret of this webhook, or null to send unsigned requests
     */
    public WebhookNotifier(String name, URI url, String signingSecret, Settings settings, DeadLetterSink deadLetters,
                           MeterRegistry meters, Sleeper sleeper, Clock clock) {
        this.name = name;
        this.url = url;
        this.settings = settings;
        this.deadLetters = deadLetters;
        this.sleeper = sleeper;
        this.metrics = new NotifierMetrics(meters, name);
        this.signature = signingSecret == null ? null : new WebhookSignature(signingSecret);
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
    }

    public WebhookNotifier(String name, URI url, Settings settings, DeadLetterSink deadLetters, MeterRegistry meters, Sleeper sleeper) {
        this(name, url, null, settings, deadLetters, meters, sleeper, Clock.systemUTC());
    }

    public WebhookNotifier(String name, URI url, Settings settings, DeadLetterSink deadLetters, MeterRegistry meters) {
        this(name, url, settings, deadLetters, meters, d -> Thread.sleep(d.toMillis()));
    }

    @Override
    public String name() {
        return name;
    }

    /** The URL with its secrets masked ({@link SecretMask}), for logs and dead letters. */
    public String target() {
        return SecretMask.mask(url);
    }

    @Override
    public void deliver(String idempotencyKey, Alert alert) throws InterruptedException {
        byte[] body = AlertJson.toJson(alert, idempotencyKey);
        String lastError = "";
        for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(url)
                    .timeout(settings.timeout())
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("Idempotency-Key", idempotencyKey)
                    .header("X-Pulse-Alert-Id", alert.getAlertId())
                    .header("X-Pulse-Attempt", Integer.toString(attempt))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (signature != null) {
                long now = clock.instant().getEpochSecond();
                request.header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(now))
                        .header(WebhookSignature.SIGNATURE_HEADER, signature.sign(now, body));
            }
            boolean retryable;
            try {
                HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    metrics.delivered();
                    if (attempt > 1) {
                        LOG.info("webhook {} delivered alert {} on attempt {}", name, idempotencyKey, attempt);
                    }
                    return;
                }
                lastError = "HTTP " + status;
                retryable = status >= 500 || status == 408 || status == 429;
            } catch (IOException e) {
                // Some messages quote the URL (a bad host, a redirect): never its secrets.
                lastError = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + SecretMask.maskIn(e.getMessage(), url));
                retryable = true;
            }
            metrics.failed();
            if (!retryable) {
                break;
            }
            if (attempt < settings.maxAttempts()) {
                if (attempt == 1) {
                    LOG.warn("webhook {} ({}) failed for alert {}: {}; retrying up to {} times", name, target(), idempotencyKey,
                            lastError, settings.maxAttempts() - 1);
                }
                sleeper.sleep(settings.backoff(attempt));
            }
        }
        LOG.error("webhook {} ({}) gave up on alert {}: {}; dead-lettered", name, target(), idempotencyKey, lastError);
        deadLetters.deadLetter(name, target(), body, "webhook delivery failed after " + settings.maxAttempts()
                + " attempt(s) or a non-retryable answer; last error: " + lastError);
        metrics.deadLettered();
    }
}
