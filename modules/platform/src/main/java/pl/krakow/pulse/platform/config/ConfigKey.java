package pl.krakow.pulse.platform.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A typed, documented, validated configuration key (after Debezium's {@code Field}).
 *
 * <p>The key's {@link #name()} is what appears in a config file ({@code http.port=8080}); the
 * environment-variable form is {@code PULSE_} + the name upper-cased with dots and dashes as
 * underscores ({@code PULSE_HTTP_PORT}).
 *
 * @param <T> the value type
 */
public final class ConfigKey<T> {

    /** Checks a parsed value; returns an error message, or {@code null} when the value is fine. */
    @FunctionalInterface
    public interface Validator<T> {
        String check(T value);
    }

    private final String name;
    private final String group;
    private final String type;
    private final T defaultValue;
    private final String documentation;
    private final Function<String, T> parser;
    private final Function<T, String> formatter;
    private final Validator<T> validator;
    private final boolean secret;

    private ConfigKey(String name, String group, String type, T defaultValue, String documentation,
                      Function<String, T> parser, Validator<T> validator) {
        this(name, group, type, defaultValue, documentation, parser, String::valueOf, validator, false);
    }

    private ConfigKey(String name, String group, String type, T defaultValue, String documentation,
                      Function<String, T> parser, Function<T, String> formatter, Validator<T> validator, boolean secret) {
        this.secret = secret;
        this.name = Objects.requireNonNull(name);
        this.group = group;
        this.type = type;
        this.defaultValue = defaultValue;
        this.documentation = documentation;
        this.parser = parser;
        this.formatter = formatter;
        this.validator = validator;
    }

    public static ConfigKey<String> string(String name, String group, String defaultValue, String doc) {
        return new ConfigKey<>(name, group, "string", defaultValue, doc, s -> s, v -> null);
    }

    public static ConfigKey<Integer> integer(String name, String group, int defaultValue, String doc) {
        return new ConfigKey<>(name, group, "int", defaultValue, doc, Integer::valueOf, v -> null);
    }

    public static ConfigKey<Long> longKey(String name, String group, long defaultValue, String doc) {
        return new ConfigKey<>(name, group, "long", defaultValue, doc, Long::valueOf, v -> null);
    }

    public static ConfigKey<Boolean> bool(String name, String group, boolean defaultValue, String doc) {
        return new ConfigKey<>(name, group, "boolean", defaultValue, doc, ConfigKey::parseBoolean, v -> null);
    }

    public static ConfigKey<java.time.Duration> duration(String name, String group, java.time.Duration defaultValue, String doc) {
        return new ConfigKey<>(name, group, "duration", defaultValue, doc, java.time.Duration::parse, v -> null);
    }

    /**
     * A key whose raw text is parsed once, at load, into a typed value (a URL list, token list, bounding
     * box...), so no call site splits strings. {@code parser} throws {@link IllegalArgumentException} with a
     * message saying what is wrong; {@code formatter} turns a value back into the text {@code parser} reads
     * (shown by {@code pulse config} and as the default in the README table).
     *
     * @param type       the type as shown to operators, e.g. {@code url list}
     * @param defaultRaw the default as an operator would write it; parsed here, so a bad default fails at class load
     */
    public static <T> ConfigKey<T> parsed(String name, String group, String type, String defaultRaw, String doc,
                                          Function<String, T> parser, Function<T, String> formatter) {
        return new ConfigKey<>(name, group, type, parser.apply(defaultRaw), doc, parser, formatter, v -> null, false);
    }

    /**
     * A comma-separated list of http(s) URLs (empty = none), parsed into {@link URI}s once. A URL may carry a
     * token, so such keys are usually {@link #asSecret() secret}.
     */
    public static ConfigKey<List<URI>> urlList(String name, String group, String doc) {
        return parsed(name, group, "url list", "", doc, ConfigKey::parseUrls,
                urls -> urls.stream().map(URI::toString).collect(Collectors.joining(",")));
    }

    private static List<URI> parseUrls(String raw) {
        if (raw.isBlank()) {
            return List.of();
        }
        List<URI> urls = new ArrayList<>();
        for (String u : raw.split(",")) {
            if (!u.trim().matches("https?://\\S+")) {
                throw new IllegalArgumentException("must be http(s) URLs separated by commas");
            }
            urls.add(URI.create(u.trim()));
        }
        return List.copyOf(urls);
    }

    /** Returns a copy of this key that also runs {@code validator} on every value. */
    public ConfigKey<T> withValidator(Validator<T> extra) {
        Validator<T> previous = this.validator;
        return new ConfigKey<>(name, group, type, defaultValue, documentation, parser, formatter, v -> {
            String error = previous.check(v);
            return error != null ? error : extra.check(v);
        }, secret);
    }

    /**
     * A copy of this key whose value is never printed as it is: {@code pulse config} shows {@code ****}, or for a
     * list of URLs the URLs with their secrets masked ({@link SecretMask#configValue}).
     */
    public ConfigKey<T> asSecret() {
        return new ConfigKey<>(name, group, type, defaultValue, documentation, parser, formatter, validator, true);
    }

    /** {@code value} as an operator would write it in a config file. */
    public String format(T value) {
        return formatter.apply(value);
    }

    /** The default as an operator would write it (empty for an empty default). */
    public String defaultText() {
        return format(defaultValue);
    }

    public boolean secret() {
        return secret;
    }

    public static Validator<Integer> port() {
        return v -> v < 0 || v > 65535 ? "must be a TCP port 0-65535 (0 = pick a free port)" : null;
    }

    public static Validator<Integer> atLeast(int min) {
        return v -> v < min ? "must be >= " + min : null;
    }

    private static Boolean parseBoolean(String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("true") || t.equals("yes") || t.equals("1")) {
            return Boolean.TRUE;
        }
        if (t.equals("false") || t.equals("no") || t.equals("0")) {
            return Boolean.FALSE;
        }
        throw new IllegalArgumentException("not a boolean: '" + s + "' (use true or false)");
    }

    /**
     * Parses and validates a raw value; throws {@link IllegalArgumentException} naming the key and the value with its
     * secrets {@linkplain SecretMask#configValue masked}: a start-up error must not print a token.
     */
    public T parse(String raw) {
        T value;
        String shown = SecretMask.configValue(name, secret, raw);
        try {
            value = parser.apply(raw.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("config key '" + name + "': cannot read '" + shown + "' as " + type
                    + (e.getMessage() != null ? " (" + e.getMessage() + ")" : ""), e);
        }
        String error = validator.check(value);
        if (error != null) {
            throw new IllegalArgumentException("config key '" + name + "' = '" + shown + "': " + error);
        }
        return value;
    }

    public String name() {
        return name;
    }

    public String group() {
        return group;
    }

    public String type() {
        return type;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public String documentation() {
        return documentation;
    }

    /** {@code http.port} → {@code PULSE_HTTP_PORT}. */
    public String environmentVariable() {
        return envName(name);
    }

    static String envName(String keyName) {
        return "PULSE_" + keyName.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    @Override
    public String toString() {
        return name;
    }
}
