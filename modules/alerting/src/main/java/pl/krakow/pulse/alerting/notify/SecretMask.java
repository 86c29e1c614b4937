package pl.krakow.pulse.alerting.notify;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * Webhook URLs as they may be shown: in logs, dead letters, metrics and {@code pulse config}. Receivers put their
 * credentials in the URL, so every part that can carry one is masked with {@value #MASK}:
 * <ul>
 *   <li>the user info ({@code https://user:password@host/…});</li>
 *   <li>every query value ({@code ?token=…&channel=…} → {@code ?token=****&channel=****}) and the fragment;</li>
 *   <li>path segments that look like a secret: 16 or more letters, digits, {@code -} or {@code _} with at least one
 *       digit and one letter (Slack's {@code /services/T…/B…/<token>}, Discord's {@code /api/webhooks/<id>/<token>},
 *       API keys), and every segment after a {@code token}, {@code key}, {@code secret} or {@code sig} segment.</li>
 * </ul>
 * Scheme, host, port and ordinary path segments stay, so an operator still sees which receiver is meant.
 */
public final class SecretMask {

    public static final String MASK = "****";

    private static final Pattern SECRET_LOOKING = Pattern.compile("(?=.*[0-9])(?=.*[A-Za-z])[A-Za-z0-9_\\-]{16,}");
    private static final Pattern SECRET_NAMED = Pattern.compile("(?i)(token|key|secret|sig|signature|password)s?");

    private SecretMask() {
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
