package pl.krakow.pulse.alerting.notify;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC signature a receiver verifies to know a webhook request came from Kraków Pulse and was not altered or
 * replayed. Headers of a signed request:
 * <pre>
 * X-Pulse-Timestamp: 1767268800                         (Unix seconds when this attempt was sent)
 * X-Pulse-Signature: sha256=&lt;64 lower-case hex digits&gt;
 * </pre>
 * where the hex digits are {@code HMAC-SHA256(key = the webhook's secret as UTF-8, message = timestamp + "." + body)},
 * {@code body} being the exact request body bytes. A receiver recomputes it over the raw body, compares in constant
 * time, and rejects a timestamp more than a few minutes from its clock (a replayed request). Each retry is signed
 * anew with its own timestamp; the {@code Idempotency-Key} stays the same.
 */
public final class WebhookSignature {

    public static final String SIGNATURE_HEADER = "X-Pulse-Signature";
    public static final String TIMESTAMP_HEADER = "X-Pulse-Timestamp";
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    public WebhookSignature(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("a webhook signing secret must not be empty");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    /** The {@value #SIGNATURE_HEADER} value for a request sent at {@code epochSeconds} with {@code body}. */
    public String sign(long epochSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update((epochSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
