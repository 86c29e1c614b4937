package pl.krakow.pulse.ingest.push;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

    /**
     * Parses the configuration form {@code client:token,client:token} (blank = no tokens); the client name is
     * everything before the first colon, so a token may contain colons.
     */
    public static BearerTokens parse(String clientTokenList) {
        Map<String, String> tokenToClient = new LinkedHashMap<>();
        if (!clientTokenList.isBlank()) {
            for (String pair : clientTokenList.split(",")) {
                int colon = pair.indexOf(':');
                if (colon <= 0 || colon == pair.length() - 1) {
                    throw new IllegalArgumentException("must be client:token pairs separated by commas");
                }
                tokenToClient.put(pair.substring(colon + 1).trim(), pair.substring(0, colon).trim());
            }
        }
        return new BearerTokens(tokenToClient);
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

    /** No tokens: the endpoint they guard is not started. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The tokens are kept only as digests, so this says how many there are, never what they are. */
    @Override
    public String toString() {
        return isEmpty() ? "" : entries.size() + " token(s)";
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
