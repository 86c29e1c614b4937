package pl.krakow.pulse.embedded;

import java.util.Locale;

/**
 * The compatibility levels of the Confluent Schema Registry. {@code BACKWARD}: a consumer using the new
 * schema can read data written with the previous one; {@code FORWARD}: a consumer using the previous schema
 * can read data written with the new one; {@code FULL}: both. The {@code _TRANSITIVE} variants check against
 * every registered version of the subject, the others against the latest only.
 */
public enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /** The new schema must be able to read data written with the old ones. */
    public boolean backward() {
        return backward;
    }

    /** The old schemas must be able to read data written with the new one. */
    public boolean forward() {
        return forward;
    }

    /** Checked against all versions of the subject, not only the latest. */
    public boolean transitive() {
        return transitive;
    }

    /**
     * Parses a level name, case-insensitively.
     *
     * @throws SchemaRegistryException 422 / 42203 if {@code name} is not a level
     */
    public static CompatibilityLevel parse(String name) {
        if (name != null) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                // fall through
            }
        }
        throw SchemaRegistryException.invalidCompatibilityLevel(name);
    }
}
