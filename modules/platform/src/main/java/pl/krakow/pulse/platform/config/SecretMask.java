package pl.krakow.pulse.platform.config;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * Secrets as they may be shown: in logs, dead letters, metrics, error messages and {@code pulse config}.
 *
 * <p><b>URLs</b> ({@link #mask(URI)}). Receivers and feeds put their credentials in the URL, so every part that can
 * carry one is masked with {@value #MASK}:
 * <ul>
 *   <li>the user info ({@code https://user:password@host/…});</li>
 *   <li>every query value ({@code ?token=…&channel=…} → {@code ?token=****&channel=****}: a credential may hide
 *       under any parameter name) and the fragment;</li>
 *   <li>path segments that look like a secret: 16 or more letters, digits, {@code -} or {@code _} with at least one
 *       digit and one letter (Slack's {@code /services/T…/B…/<token>}, Discord's {@code /api/webhooks/<id>/<token>},
 *       API keys), and every segment after a {@code token}, {@code key}, {@code secret} or {@code sig} segment.</li>
 * </ul>
 * Scheme, host, port and ordinary path segments stay, so an operator still sees which receiver is meant.
 *
 * <p><b>Configuration values</b> ({@link #configValue}). A key is secret when it is declared so
 * ({@link ConfigKey#asSecret()}) or when its name says so ({@link #isSecretName}: {@code …password}, {@code …secret},
 * {@code …token}, {@code …user.info}, {@code …key}, {@code sasl.jaas.config}; this covers the free-form
 * {@code kafka.*} pass-through, e.g. {@code kafka.ssl.keystore.key}). A secret value made only of URLs (a webhook list,
 * {@code name=URL} entries) shows the URLs masked as above; any other secret value is {@value #MASK} as a whole. A value
 * that is not secret still has the credentials of every URL in it masked ({@code schema.registry.url} with user info,
 * a feed URL with {@code ?apikey=}).
 */
public final class SecretMask {

    public static final String MASK = "****";

    private static final Pattern SECRET_LOOKING = Pattern.compile("(?=.*[0-9])(?=.*[A-Za-z])[A-Za-z0-9_\\-]{16,}");
    private static final Pattern SECRET_NAMED = Pattern.compile("(?i)(token|key|secret|sig|signature|password)s?");

    /** Key names that hold a credential, matched at the end of the name (case-insensitive). */
    private static final Pattern SECRET_KEY_NAME = Pattern.compile(
            "(?i).*(password|passwd|secret|secrets|token|tokens|user\\.info|key|sasl\\.jaas\\.config|credentials)");
    /** A URL inside a configuration value: from a scheme to the next comma, {@code |} (GBFS pairs) or white space. */
    private static final String URL = "[A-Za-z][A-Za-z0-9+.\\-]*://[^\\s,|]+";
    private static final Pattern URL_IN_TEXT = Pattern.compile(URL);
    /** A whole value made of URLs: comma-separated entries, each a URL or {@code name=URL}. */
    private static final String URL_ENTRY = "\\s*([^\\s=,]+=)?" + URL + "\\s*";
    private static final Pattern URL_LIST = Pattern.compile(URL_ENTRY + "(," + URL_ENTRY + ")*");

    private SecretMask() {
    }

    /** Whether a configuration key of this name holds a credential whatever its declaration says (see the class comment). */
    public static boolean isSecretName(String keyName) {
        return SECRET_KEY_NAME.matcher(keyName).matches();
    }

    /**
     * {@code value} of the configuration key {@code keyName} as {@code pulse config} and error messages may show it.
     *
     * @param declaredSecret whether the key is declared {@linkplain ConfigKey#secret() secret}
     */
    public static String configValue(String keyName, boolean declaredSecret, String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        if (declaredSecret || isSecretName(keyName)) {
            return URL_LIST.matcher(value).matches() ? urlsIn(value) : MASK;
        }
        return urlsIn(value);
    }

    /** {@code text} with every URL in it {@linkplain #mask(URI) masked}; a URL Java cannot parse is {@value #MASK} whole. */
    public static String urlsIn(String text) {
        return URL_IN_TEXT.matcher(text).replaceAll(m -> {
            try {
                return java.util.regex.Matcher.quoteReplacement(mask(new URI(m.group())));
            } catch (java.net.URISyntaxException e) {
                return MASK;
            }
        });
    }

    /** {@code url} with its secrets masked; never throws. */
    public static String mask(URI url) {
        StringBuilder out = new StringBuilder();
        if (url.getScheme() != null) {
            out.append(url.getScheme()).append("://");
        }
        if (url.getRawUserInfo() != null) {
            out.append(MASK).append('@');
        }
        if (url.getHost() != null) {
            out.append(url.getHost());
            if (url.getPort() >= 0) {
                out.append(':').append(url.getPort());
            }
        } else if (url.getRawAuthority() != null) {
            out.append(MASK); // an authority Java cannot split into user and host: show none of it
        }
        String path = url.getRawPath();
        if (path != null && !path.isEmpty()) {
            String[] segments = path.split("/", -1);
            boolean afterSecretName = false;
            for (int i = 1; i < segments.length; i++) {
                String s = segments[i];
                boolean secret = afterSecretName || SECRET_LOOKING.matcher(s).matches();
                out.append('/').append(secret && !s.isEmpty() ? MASK : s);
                afterSecretName = SECRET_NAMED.matcher(s).matches();
            }
        }
        if (url.getRawQuery() != null) {
            out.append('?');
            String[] params = url.getRawQuery().split("&", -1);
            for (int i = 0; i < params.length; i++) {
                int eq = params[i].indexOf('=');
                out.append(i == 0 ? "" : "&").append(eq < 0 ? MASK : params[i].substring(0, eq + 1) + MASK);
            }
        }
        if (url.getRawFragment() != null) {
            out.append('#').append(MASK);
        }
        return out.toString();
    }

    /** {@code text} (an error message) with every appearance of {@code url}, raw or decoded, replaced by its masked form. */
    public static String maskIn(String text, URI url) {
        if (text == null) {
            return null;
        }
        String masked = mask(url);
        return text.replace(url.toString(), masked).replace(url.toASCIIString(), masked)
                .replace(url.getScheme() + "://" + url.getRawAuthority() + (url.getRawPath() == null ? "" : url.getRawPath()), masked);
    }
}
