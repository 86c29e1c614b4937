package pl.krakow.pulse.runtime;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.registry.SchemaRegistryClient;
import pl.krakow.pulse.platform.registry.SchemaRegistryException;

/**
 * A component's first look at the platform it was pointed at: the Kafka cluster answers a {@code DescribeCluster}
 * and the schema registry answers a subject lookup, each tried again with backoff (0.5 s doubling to 5 s) until
 * {@code startup.connect.timeout}. What a component started before its cluster needs (a compose stack or a
 * Kubernetes roll-out start everything at once), and what makes a wrong address a one-line error instead of clients
 * retrying in the background for ever. Credentials refused (SASL, TLS, registry 401/403) end the wait at once: they
 * will not get better by waiting.
 */
public final class PlatformReachability {

    private static final Logger LOG = LoggerFactory.getLogger(PlatformReachability.class);
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(5));

    /** The platform could not be reached within the bound; the message names what and why, for the operator. */
    public static final class UnreachableException extends RuntimeException {
        public UnreachableException(String message) {
            super(message);
        }
    }

    private PlatformReachability() {
    }

    /** Returns once the cluster behind {@code clients} answers; throws {@link UnreachableException} after {@code timeout}. */
    public static void awaitCluster(KafkaClients clients, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> config = clients.admin("pulse-startup-probe");
        int attempt = 0;
        String last = "no answer";
        while (true) {
            long leftMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            int callMs = (int) Math.min(leftMs, 5_000);
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, callMs);
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, callMs);
            try (Admin admin = Admin.create(config)) {
                int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(callMs)).nodes()
                        .get(callMs + 1_000L, TimeUnit.MILLISECONDS).size();
                LOG.info("Kafka cluster at {} answered: {} broker(s)", clients.bootstrapServers(), nodes);
                return;
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof AuthenticationException || cause instanceof AuthorizationException) {
                    throw new UnreachableException("Kafka cluster at " + clients.bootstrapServers() + " refused this client: "
                            + cause.getMessage() + " (check kafka.security.protocol, kafka.sasl.*, kafka.ssl.*)");
                }
                last = String.valueOf(cause);
            } catch (TimeoutException e) {
                last = "no answer within " + callMs + " ms";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UnreachableException("interrupted while waiting for the Kafka cluster at " + clients.bootstrapServers());
            } catch (RuntimeException e) { // a bad address is refused when the client is built
                last = e.toString();
            }
            attempt = waitOrGiveUp(deadline, ++attempt, "Kafka cluster at " + clients.bootstrapServers(), timeout, last);
        }
    }

    /** Returns once the registry answers a lookup of {@code probeSubject}; throws {@link UnreachableException} after {@code timeout}. */
    public static void awaitRegistry(SchemaRegistryClient registry, String registryUrl, String probeSubject, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int attempt = 0;
        String last;
        while (true) {
            try {
                registry.latest(probeSubject); // null (404) is an answer too
                LOG.info("Schema registry at {} answered", registryUrl);
                return;
            } catch (SchemaRegistryException e) {
                if (e.httpStatus() == 401 || e.httpStatus() == 403) {
                    throw new UnreachableException("schema registry at " + registryUrl + " refused this client (HTTP "
                            + e.httpStatus() + "): check schema.registry.basic.auth.* / schema.registry.bearer.auth.*");
                }
                last = e.getMessage();
            } catch (RuntimeException e) {
                last = e.toString();
            }
            attempt = waitOrGiveUp(deadline, ++attempt, "schema registry at " + registryUrl, timeout, last);
        }
    }

    private static int waitOrGiveUp(long deadline, int attempt, String what, Duration timeout, String last) {
        long leftNanos = deadline - System.nanoTime();
        if (leftNanos <= 0) {
            throw new UnreachableException(what + " unreachable after " + seconds(timeout) + " (startup.connect.timeout): " + last);
        }
        Duration wait = BACKOFF.delay(attempt);
        LOG.warn("{} not reachable yet (attempt {}): {}; trying again in {} ms", what, attempt, last, wait.toMillis());
        try {
            Thread.sleep(Math.min(wait.toMillis(), TimeUnit.NANOSECONDS.toMillis(leftNanos) + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnreachableException("interrupted while waiting for the " + what);
        }
        return attempt;
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%d s", d.toSeconds());
    }
}
