package pl.krakow.pulse.platform.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.config.SecretMask;

/**
 * How this process talks to the schema registry: the base URL (without credentials), the {@code Authorization}
 * header, the TLS context, the retry policy, and whether serializers may register schemas
 * ({@link SchemaIdSource}). Read from the {@code schema.registry.*}, {@code auto.register.schemas} and
 * {@code use.latest.version} keys of {@link PlatformConfig}, which carry the names Confluent's clients use.
 *
 * <p>Everything that can be wrong is found by {@link #fromConfig}: a key store that does not open, basic and bearer
 * authentication both set, {@code URL} credentials without any in the URL. The error names the key, never a secret.
 *
 * @param baseUrl       the registry's URL without user info and trailing slash: safe to log
 * @param authorization the {@code Authorization} header value, if any (a secret)
 * @param sslContext    the TLS context for https, or empty for the JVM's default
 * @param retry         how failed calls are retried
 * @param schemaIds     how a serializer finds the schema id it writes
 */
public record SchemaRegistrySettings(String baseUrl, Optional<String> authorization, Optional<SSLContext> sslContext,
                                     Retry retry, SchemaIdSource schemaIds) {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistrySettings.class);

    /** Where a serializer's schema id comes from (Confluent's {@code auto.register.schemas} / {@code use.latest.version}). */
    public enum SchemaIdSource {
        /** Register the code's schema (idempotent) and write with it. */
        AUTO_REGISTER,
        /** The code's own schema must already be registered under the subject; it is looked up, never registered. */
        REGISTERED,
        /** Write with the subject's latest version, which must be able to read what the code writes. */
        LATEST_VERSION
    }

    /**
     * Retries of a call that failed with an I/O error, HTTP 5xx or 429: at most {@code maxRetries} more tries, the
     * n-th after {@code min(firstWait × 2^(n−1), maxWait)}.
     */
    public record Retry(int maxRetries, Duration firstWait, Duration maxWait) {

        public static final Retry NONE = new Retry(0, Duration.ZERO, Duration.ZERO);

        public Retry {
            if (maxRetries < 0 || firstWait.isNegative() || maxWait.isNegative()) {
                throw new IllegalArgumentException("retries and waits must not be negative");
            }
        }

        /** The wait before retry number {@code retry} (1-based). */
        public Duration delay(int retry) {
            long millis = firstWait.toMillis();
            for (int i = 1; i < retry && millis < maxWait.toMillis(); i++) {
                millis *= 2;
            }
            return Duration.ofMillis(Math.min(millis, maxWait.toMillis()));
        }
    }

    public SchemaRegistrySettings {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(authorization, "authorization");
        Objects.requireNonNull(sslContext, "sslContext");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(schemaIds, "schemaIds");
    }

    /** A registry at {@code url} without authentication, with the JVM's TLS defaults, the default retries, auto-registering. */
    public static SchemaRegistrySettings of(String url) {
        return new SchemaRegistrySettings(withoutUserInfo(url), Optional.empty(), Optional.empty(),
                new Retry(PlatformConfig.SCHEMA_REGISTRY_MAX_RETRIES.defaultValue(),
                        Duration.ofMillis(PlatformConfig.SCHEMA_REGISTRY_RETRIES_WAIT_MS.defaultValue()),
                        Duration.ofMillis(PlatformConfig.SCHEMA_REGISTRY_RETRIES_MAX_WAIT_MS.defaultValue())),
                SchemaIdSource.AUTO_REGISTER);
    }

    /**
     * The settings {@code config} gives for the registry at {@code url} (the configured {@code schema.registry.url}, or
     * the embedded registry's when that is empty).
     *
     * @throws IllegalArgumentException naming the key when the settings contradict each other or a store cannot be read
     */
    public static SchemaRegistrySettings fromConfig(PulseConfig config, String url) {
        String basicSource = config.get(PlatformConfig.SCHEMA_REGISTRY_BASIC_AUTH_SOURCE);
        String bearerSource = config.get(PlatformConfig.SCHEMA_REGISTRY_BEARER_AUTH_SOURCE);
        if (!basicSource.isEmpty() && !bearerSource.isEmpty()) {
            throw new IllegalArgumentException("schema registry: set either " + PlatformConfig.SCHEMA_REGISTRY_BASIC_AUTH_SOURCE
                    + " or " + PlatformConfig.SCHEMA_REGISTRY_BEARER_AUTH_SOURCE + ", not both");
        }
        String userInfo = userInfo(url);
        if (userInfo != null && !basicSource.equals("URL")) {
            throw new IllegalArgumentException(PlatformConfig.SCHEMA_REGISTRY_URL + " " + SecretMask.urlsIn(url)
                    + " carries credentials: set " + PlatformConfig.SCHEMA_REGISTRY_BASIC_AUTH_SOURCE + "=URL to use them");
        }
        Optional<String> authorization = Optional.empty();
        switch (basicSource) {
            case "USER_INFO" -> authorization = Optional.of(basic(require(config, PlatformConfig.SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO,
                    PlatformConfig.SCHEMA_REGISTRY_BASIC_AUTH_SOURCE + "=USER_INFO")));
            case "URL" -> {
                if (userInfo == null) {
                    throw new IllegalArgumentException(PlatformConfig.SCHEMA_REGISTRY_BASIC_AUTH_SOURCE + "=URL but "
                            + PlatformConfig.SCHEMA_REGISTRY_URL + " has no user:password@");
                }
                authorization = Optional.of(basic(URLDecoder.decode(userInfo, StandardCharsets.UTF_8)));
            }
            default -> {
            }
        }
        if (bearerSource.equals("STATIC_TOKEN")) {
            authorization = Optional.of("Bearer " + require(config, PlatformConfig.SCHEMA_REGISTRY_BEARER_AUTH_TOKEN,
                    PlatformConfig.SCHEMA_REGISTRY_BEARER_AUTH_SOURCE + "=STATIC_TOKEN"));
        }
        Retry retry = new Retry(config.get(PlatformConfig.SCHEMA_REGISTRY_MAX_RETRIES),
                Duration.ofMillis(config.get(PlatformConfig.SCHEMA_REGISTRY_RETRIES_WAIT_MS)),
                Duration.ofMillis(config.get(PlatformConfig.SCHEMA_REGISTRY_RETRIES_MAX_WAIT_MS)));
        boolean autoRegister = config.get(PlatformConfig.AUTO_REGISTER_SCHEMAS);
        if (autoRegister && config.get(PlatformConfig.USE_LATEST_VERSION)) {
            // Confluent's serializers give auto-registration precedence too; say so rather than surprise.
            LOG.warn("{}=true is ignored while {}=true: the code's schemas are registered and written",
                    PlatformConfig.USE_LATEST_VERSION, PlatformConfig.AUTO_REGISTER_SCHEMAS);
        }
        SchemaIdSource ids = autoRegister ? SchemaIdSource.AUTO_REGISTER
                : config.get(PlatformConfig.USE_LATEST_VERSION) ? SchemaIdSource.LATEST_VERSION : SchemaIdSource.REGISTERED;
        return new SchemaRegistrySettings(withoutUserInfo(url), authorization, sslContext(config), retry, ids);
    }

    /** A copy that finds schema ids as {@code source} says. */
    public SchemaRegistrySettings withSchemaIds(SchemaIdSource source) {
        return new SchemaRegistrySettings(baseUrl, authorization, sslContext, retry, source);
    }

    /** A copy that retries as {@code policy} says. */
    public SchemaRegistrySettings withRetry(Retry policy) {
        return new SchemaRegistrySettings(baseUrl, authorization, sslContext, policy, schemaIds);
    }

    /**
     * The TLS context of the {@code schema.registry.ssl.*} keys, or empty when neither a trust store nor a key store is
     * configured (the JVM's default trust store then decides, as for any https client).
     */
    static Optional<SSLContext> sslContext(PulseConfig config) {
        String trustStore = config.get(PlatformConfig.SCHEMA_REGISTRY_TRUSTSTORE_LOCATION);
        String keyStore = config.get(PlatformConfig.SCHEMA_REGISTRY_KEYSTORE_LOCATION);
        if (trustStore.isEmpty() && keyStore.isEmpty()) {
            return Optional.empty();
        }
        try {
            TrustManagerFactory tmf = null;
            if (!trustStore.isEmpty()) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(load(PlatformConfig.SCHEMA_REGISTRY_TRUSTSTORE_LOCATION.name(), trustStore,
                        config.get(PlatformConfig.SCHEMA_REGISTRY_TRUSTSTORE_TYPE),
                        config.get(PlatformConfig.SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD)));
            }
            KeyManagerFactory kmf = null;
            if (!keyStore.isEmpty()) {
                String storePassword = config.get(PlatformConfig.SCHEMA_REGISTRY_KEYSTORE_PASSWORD);
                String keyPassword = config.get(PlatformConfig.SCHEMA_REGISTRY_KEY_PASSWORD);
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(load(PlatformConfig.SCHEMA_REGISTRY_KEYSTORE_LOCATION.name(), keyStore,
                                config.get(PlatformConfig.SCHEMA_REGISTRY_KEYSTORE_TYPE), storePassword),
                        (keyPassword.isEmpty() ? storePassword : keyPassword).toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return Optional.of(context);
        } catch (GeneralSecurityException e) {
            // The message names the store and the cause (e.g. "keystore password was incorrect"), never a password.
            throw new IllegalArgumentException("schema registry TLS: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(String key, String location, String type, String password) throws GeneralSecurityException {
        Path path = Path.of(location);
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, password.isEmpty() ? null : password.toCharArray());
        } catch (IOException e) {
            throw new IllegalArgumentException(key + " " + path + " cannot be read as " + type + ": " + e.getMessage(), e);
        }
        return store;
    }

    private static String require(PulseConfig config, pl.krakow.pulse.platform.config.ConfigKey<String> key, String because) {
        String value = config.get(key);
        if (value.isEmpty()) {
            throw new IllegalArgumentException(key + " must be set with " + because);
        }
        return value;
    }

    private static String basic(String userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }

    private static String userInfo(String url) {
        try {
            return new URI(url).getRawUserInfo();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(PlatformConfig.SCHEMA_REGISTRY_URL + " is not a URL: " + SecretMask.urlsIn(url));
        }
    }

    /** {@code url} without user info and without a trailing slash. */
    static String withoutUserInfo(String url) {
        String trimmed = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        try {
            URI u = new URI(trimmed);
            if (u.getRawUserInfo() == null) {
                return trimmed;
            }
            return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null).toString();
        } catch (URISyntaxException e) {
            return trimmed;
        }
    }

    @Override
    public String toString() {
        // Never the authorization header: settings end up in log lines and exception messages.
        return "SchemaRegistrySettings[" + baseUrl + ", " + (authorization.isPresent() ? "authenticated" : "anonymous")
                + (sslContext.isPresent() ? ", own TLS context" : "") + ", " + retry + ", " + schemaIds + "]";
    }
}
