package pl.krakow.pulse.ingest.push;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bearer tokens of the push endpoint: token → client name. Tokens are kept only as SHA-256
 * digests and a presented token is compared with <em>every</em> digest by
 * {@link MessageDigest#isEqual} (constant time for equal lengths, and all digests have 32 bytes), so
 * neither the response time nor an early exit tells an attacker how much of a token was right.
 * Immutable and thread-safe.
 */
public final class BearerTokens {

    private record Entry(byte[] digest, String client) {
    }

    private final List<Entry> entries;

    /** @param tokenToClient token → client name; tokens must be non-blank */
    public BearerTokens(Map<String, String> tokenToClient) {
        List<Entry> list = new ArrayList<>();
        tokenToClient.forEach((token, client) -> {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("a bearer token must not be blank (client " + client + ")");
            }
            if (client == null || client.isBlank()) {
                throw new IllegalArgumentException("every token needs a client name");
            }
            list.add(new Entry(sha256(token), client));
        });
        this.entries = List.copyOf(list);
    }

    /** The client of the {@code Authorization} header's bearer token, or empty for a missing or wrong one. */
    public Optional<String> authenticate(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.length() < 7
                || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        byte[] presented = sha256(authorizationHeader.substring(7).trim());
        String match = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.digest(), presented) && match == null) {
                match = e.client();
            }
        }
        return Optional.ofNullable(match);
    }

    public int size() {
        return entries.size();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
