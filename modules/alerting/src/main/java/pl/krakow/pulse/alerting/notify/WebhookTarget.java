package pl.krakow.pulse.alerting.notify;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import pl.krakow.pulse.platform.config.SecretMask;

/**
 * One configured webhook: a stable {@code name} and its URL. The name — not the webhook's place in the list — is
 * what its notifier, consumer group ({@code <prefix>-alerting-notify-webhook-<name>}), metrics tag and dead letters
 * are keyed by, so adding, removing or reordering webhooks never moves another one's position on {@code alerts.v1}.
 *
 * <p>Configured as comma-separated entries ({@link #parseList}), each either {@code name=url} or, as before names
 * existed, a plain {@code url}. A plain URL is named {@code u} + the first 10 hex digits of the SHA-256 of its
 * {@link SecretMask masked} form: stable across restarts and list order, the same when only a token in the URL is
 * rotated, and revealing nothing of the secret. A name is 1-64 letters, digits, {@code .}, {@code _} or {@code -}.
 * Upgrading from position-named webhooks: the N-th URL of the old list used the group {@code …-webhook-N}; writing it
 * as {@code N=url} keeps that group and its committed position.
 */
public record WebhookTarget(String name, URI url) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern URL = Pattern.compile("https?://\\S+");

    public WebhookTarget {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("webhook name '" + name + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
    }

    /** The name of a webhook configured as a plain URL. */
    public static String derivedName(URI url) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(SecretMask.mask(url).getBytes(StandardCharsets.UTF_8));
            return "u" + HexFormat.of().formatHex(digest).substring(0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** {@code name=url} and plain {@code url} entries, comma-separated; empty = none. Names must be unique. */
    public static List<WebhookTarget> parseList(String raw) {
        List<WebhookTarget> out = new ArrayList<>();
        if (raw == null || raw.isBlank()) {
            return out;
        }
        Set<String> names = new HashSet<>();
        for (String entry : raw.split(",")) {
            String e = entry.trim();
            int eq = e.indexOf('=');
            boolean named = eq > 0 && !e.substring(0, eq).contains(":") && !e.substring(0, eq).contains("/");
            String url = named ? e.substring(eq + 1).trim() : e;
            if (!URL.matcher(url).matches()) {
                throw new IllegalArgumentException("must be http(s) URLs or name=URL entries separated by commas");
            }
            URI uri = URI.create(url);
            WebhookTarget target = new WebhookTarget(named ? e.substring(0, eq).trim() : derivedName(uri), uri);
            if (!names.add(target.name())) {
                throw new IllegalArgumentException("two webhooks are named '" + target.name() + "'; give each a name=URL entry");
            }
            out.add(target);
        }
        return List.copyOf(out);
    }

    /** The list as an operator would write it, every entry {@code name=url}. */
    public static String formatList(List<WebhookTarget> targets) {
        return targets.stream().map(t -> t.name() + "=" + t.url()).collect(Collectors.joining(","));
    }

    /** {@code name=secret} entries, comma-separated (a secret may contain {@code =}, not a comma). */
    public static Map<String, String> parseSecrets(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isBlank()) {
            return out;
        }
        for (String entry : raw.split(",")) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.trim().length() - 1) {
                throw new IllegalArgumentException("must be name=secret entries separated by commas");
            }
            String name = entry.substring(0, eq).trim();
            if (out.put(name, entry.substring(eq + 1).trim()) != null) {
                throw new IllegalArgumentException("two secrets for webhook '" + name + "'");
            }
        }
        return out;
    }

    /** The URL with its secrets masked, for logs, dead letters and messages. */
    public String shown() {
        return SecretMask.mask(url);
    }

    @Override
    public String toString() {
        return name + "=" + shown();
    }
}
