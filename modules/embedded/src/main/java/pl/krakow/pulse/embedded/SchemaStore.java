package pl.krakow.pulse.embedded;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.SchemaParseException;

/**
 * The state and the rules of the schema registry, without Kafka or HTTP: subjects, versions, global ids,
 * compatibility levels and Avro compatibility checks.
 *
 * <p>Writes are split in two steps so that a persistent registry can log them before they take effect:
 * {@link #prepareRegistration} validates and checks a schema and says which id and version it would get,
 * {@link #applySchema} and {@link #applyConfig} change the state (they are what replaying the log calls, and
 * are idempotent). {@link #register} and {@link #setCompatibility} do both, for in-memory use.
 *
 * <p><b>Schema identity.</b> Two schema texts are the same schema when their Avro-normalised JSON
 * ({@code new Schema.Parser().parse(text).toString()}: whitespace and attribute order normalised, but
 * {@code doc}, {@code default}, {@code aliases}, logical types and custom properties kept) is equal. This
 * is what Confluent's registry compares. Avro's <em>Parsing Canonical Form</em> is deliberately not used
 * for identity: it strips defaults and logical types, so a schema that only adds a default, or a
 * {@code timestamp-millis} versus a plain {@code long}, would silently share one id.
 *
 * <p>Ids are global and ascending: a schema already known under any subject keeps its id, a new one gets
 * {@code max(id) + 1}. Versions are per subject, ascending from 1. All methods are thread-safe.
 */
public final class SchemaStore {

    /** The only schema type supported. */
    public static final String AVRO = "AVRO";

    /** A schema registered under a subject. {@code schema} is the normalised schema text. */
    public record RegisteredSchema(String subject, int version, int id, String schema) {
    }

    /**
     * The outcome of {@link #prepareRegistration}: the subject, version and id the schema has or would get;
     * {@code isNew} is false when the subject already has this schema (nothing to write).
     */
    public record Registration(RegisteredSchema schema, boolean isNew) {
    }

    /** The answer of a compatibility test; {@code messages} explains the incompatibilities. */
    public record CompatibilityResult(boolean compatible, List<String> messages) {
    }

    private record StoredSchema(int id, String text, Schema parsed) {
    }

    private final Map<Integer, StoredSchema> schemasById = new HashMap<>();
    private final Map<String, Integer> idsByText = new HashMap<>();
    private final Map<String, NavigableMap<Integer, Integer>> subjects = new TreeMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private final CompatibilityLevel defaultGlobalLevel;
    private CompatibilityLevel globalLevel;
    private int maxId;

    /** A store whose global level is {@link CompatibilityLevel#BACKWARD}, like Confluent's default. */
    public SchemaStore() {
        this(CompatibilityLevel.BACKWARD);
    }

    public SchemaStore(CompatibilityLevel defaultGlobalLevel) {
        this.defaultGlobalLevel = Objects.requireNonNull(defaultGlobalLevel);
        this.globalLevel = defaultGlobalLevel;
    }

    // ---------------------------------------------------------------------------------------- parsing

    /**
     * Parses an Avro schema text.
     *
     * @throws SchemaRegistryException 422 / 42201 if it is not a valid Avro schema
     */
    public static Schema parse(String schemaText) {
        if (schemaText == null || schemaText.isBlank()) {
            throw SchemaRegistryException.invalidSchema("empty schema");
        }
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (SchemaParseException e) {
            throw SchemaRegistryException.invalidSchema(e.getMessage());
        } catch (RuntimeException e) {
            throw SchemaRegistryException.invalidSchema(e.toString());
        }
    }

    /** The normalised text of a schema: what identity is based on and what the registry stores and serves. */
    public static String normalize(String schemaText) {
        return parse(schemaText).toString();
    }

    // ---------------------------------------------------------------------------------------- writes

    /**
     * Validates {@code schemaText} for {@code subject} against the subject's effective compatibility level
     * and tells which version and id it has (already registered) or would get. Does not change the state.
     *
     * @throws SchemaRegistryException 422 / 42201 for an invalid schema, 409 / 409 if incompatible
     */
    public synchronized Registration prepareRegistration(String subject, String schemaText) {
        requireSubject(subject);
        Schema candidate = parse(schemaText);
        String text = candidate.toString();
        Integer knownId = idsByText.get(text);
        NavigableMap<Integer, Integer> versions = subjects.getOrDefault(subject, Collections.emptyNavigableMap());
        if (knownId != null) {
            for (Map.Entry<Integer, Integer> v : versions.entrySet()) {
                if (v.getValue().equals(knownId)) {
                    return new Registration(new RegisteredSchema(subject, v.getKey(), knownId, text), false);
                }
            }
        }
        CompatibilityLevel level = effectiveLevel(subject);
        List<String> problems = check(level, candidate, previousVersions(subject, level.transitive()));
        if (!problems.isEmpty()) {
            throw SchemaRegistryException.incompatible(subject, problems);
        }
        int version = versions.isEmpty() ? 1 : versions.lastKey() + 1;
        int id = knownId != null ? knownId : maxId + 1;
        return new Registration(new RegisteredSchema(subject, version, id, text), true);
    }

    /**
     * Records that {@code subject} version {@code version} is schema {@code id}. Idempotent; used when
     * replaying the log. An id already bound to another schema text keeps its first text.
     *
     * @throws SchemaRegistryException 42201 if the text is not a valid Avro schema
     */
    public synchronized void applySchema(String subject, int version, int id, String schemaText) {
        requireSubject(subject);
        if (version < 1 || id < 1) {
            throw new IllegalArgumentException("version and id must be positive: " + version + ", " + id);
        }
        Schema parsed = parse(schemaText);
        String text = parsed.toString();
        StoredSchema existing = schemasById.get(id);
        if (existing == null) {
            schemasById.put(id, new StoredSchema(id, text, parsed));
            idsByText.putIfAbsent(text, id);
        }
        subjects.computeIfAbsent(subject, s -> new TreeMap<>()).put(version, id);
        maxId = Math.max(maxId, id);
    }

    /**
     * Sets ({@code level != null}) or clears ({@code null}) the level of {@code subject}, or the global level
     * when {@code subject} is {@code null} (clearing it restores the default global level).
     */
    public synchronized void applyConfig(String subject, CompatibilityLevel level) {
        if (subject == null) {
            globalLevel = level == null ? defaultGlobalLevel : level;
        } else if (level == null) {
            subjectLevels.remove(subject);
        } else {
            subjectLevels.put(subject, level);
        }
    }

    /** {@link #prepareRegistration} then {@link #applySchema}: registers in memory. */
    public synchronized RegisteredSchema register(String subject, String schemaText) {
        Registration registration = prepareRegistration(subject, schemaText);
        RegisteredSchema s = registration.schema();
        if (registration.isNew()) {
            applySchema(s.subject(), s.version(), s.id(), s.schema());
        }
        return s;
    }

    /** Sets the level of {@code subject}, or the global level when {@code subject} is {@code null}. */
    public synchronized void setCompatibility(String subject, CompatibilityLevel level) {
        applyConfig(subject, Objects.requireNonNull(level));
    }

    // ---------------------------------------------------------------------------------------- reads

    /** The schema text of a global id. */
    public synchronized Optional<String> schemaById(int id) {
        StoredSchema s = schemasById.get(id);
        return s == null ? Optional.empty() : Optional.of(s.text());
    }

    /**
     * The registration of {@code schemaText} under {@code subject}.
     *
     * @throws SchemaRegistryException 40401 if the subject does not exist, 40403 if the schema is not
     *     registered under it, 42201 if it is not a valid schema
     */
    public synchronized RegisteredSchema lookup(String subject, String schemaText) {
        String text = parse(schemaText).toString();
        NavigableMap<Integer, Integer> versions = versionsOf(subject);
        Integer id = idsByText.get(text);
        if (id != null) {
            for (Map.Entry<Integer, Integer> v : versions.entrySet()) {
                if (v.getValue().equals(id)) {
                    return new RegisteredSchema(subject, v.getKey(), id, text);
                }
            }
        }
        throw SchemaRegistryException.schemaNotFound();
    }

    /** All subjects, sorted. */
    public synchronized List<String> subjects() {
        return List.copyOf(subjects.keySet());
    }

    /**
     * The versions of {@code subject}, ascending.
     *
     * @throws SchemaRegistryException 40401 if the subject does not exist
     */
    public synchronized List<Integer> versions(String subject) {
        return List.copyOf(versionsOf(subject).keySet());
    }

    /**
     * One version of {@code subject}; {@code -1} means the latest.
     *
     * @throws SchemaRegistryException 40401 / 40402 if the subject or the version does not exist
     */
    public synchronized RegisteredSchema version(String subject, int version) {
        NavigableMap<Integer, Integer> versions = versionsOf(subject);
        int v = version == -1 ? versions.lastKey() : version;
        Integer id = versions.get(v);
        if (id == null) {
            throw SchemaRegistryException.versionNotFound(version);
        }
        return new RegisteredSchema(subject, v, id, schemasById.get(id).text());
    }

    /** The latest version of {@code subject}, if it has any. */
    public synchronized Optional<RegisteredSchema> latest(String subject) {
        return subjects.containsKey(subject) ? Optional.of(version(subject, -1)) : Optional.empty();
    }

    /** The largest id in use, 0 when empty. */
    public synchronized int maxId() {
        return maxId;
    }

    public synchronized CompatibilityLevel globalLevel() {
        return globalLevel;
    }

    /** The level set on {@code subject} itself, if any. */
    public synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    /** The level that applies to {@code subject}: its own, else the global one. */
    public synchronized CompatibilityLevel effectiveLevel(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    /**
     * Tests {@code schemaText} against {@code subject} with the subject's effective level. {@code version}
     * {@code null}: against the versions the level designates (all if transitive, else the latest);
     * {@code -1}: against the latest only; {@code n}: against version {@code n} only. A subject without
     * versions is compatible with anything when testing against the latest or all.
     *
     * @throws SchemaRegistryException 40401 / 40402 if a given version does not exist, 42201 if invalid
     */
    public synchronized CompatibilityResult testCompatibility(String subject, String schemaText, Integer version) {
        Schema candidate = parse(schemaText);
        CompatibilityLevel level = effectiveLevel(subject);
        List<Map.Entry<Integer, StoredSchema>> previous;
        if (version == null) {
            previous = previousVersions(subject, level.transitive());
        } else if (version == -1) {
            previous = previousVersions(subject, false);
        } else {
            RegisteredSchema target = version(subject, version);
            previous = List.of(Map.entry(target.version(), schemasById.get(target.id())));
        }
        List<String> problems = check(level, candidate, previous);
        return new CompatibilityResult(problems.isEmpty(), problems);
    }

    /**
     * The incompatibilities of {@code candidate} with {@code previous} schemas under {@code level}; empty
     * when compatible. Uses Avro's {@link SchemaCompatibility}.
     */
    public static List<String> incompatibilities(CompatibilityLevel level, Schema candidate, List<Schema> previous) {
        List<Map.Entry<Integer, StoredSchema>> entries = new ArrayList<>();
        for (int i = 0; i < previous.size(); i++) {
            entries.add(Map.entry(i + 1, new StoredSchema(0, previous.get(i).toString(), previous.get(i))));
        }
        return check(level, candidate, entries);
    }

    // ---------------------------------------------------------------------------------------- internals

    /** Newest first: all versions, or only the latest. */
    private List<Map.Entry<Integer, StoredSchema>> previousVersions(String subject, boolean all) {
        NavigableMap<Integer, Integer> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty()) {
            return List.of();
        }
        List<Map.Entry<Integer, StoredSchema>> result = new ArrayList<>();
        for (Map.Entry<Integer, Integer> v : versions.descendingMap().entrySet()) {
            result.add(Map.entry(v.getKey(), schemasById.get(v.getValue())));
            if (!all) {
                break;
            }
        }
        return result;
    }

    private static List<String> check(CompatibilityLevel level, Schema candidate,
                                      List<Map.Entry<Integer, StoredSchema>> previous) {
        List<String> problems = new ArrayList<>();
        if (level == CompatibilityLevel.NONE) {
            return problems;
        }
        for (Map.Entry<Integer, StoredSchema> p : previous) {
            Schema old = p.getValue().parsed();
            if (level.backward()) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, old),
                        "the new schema cannot read data written with", p.getKey(), level, problems);
            }
            if (level.forward()) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(old, candidate),
                        "data written with the new schema cannot be read with", p.getKey(), level, problems);
            }
        }
        return problems;
    }

    private static void describe(SchemaPairCompatibility result, String direction, int oldVersion,
                                 CompatibilityLevel level, List<String> problems) {
        if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        for (Incompatibility i : result.getResult().getIncompatibilities()) {
            problems.add("{errorType:'" + i.getType() + "', description:'" + direction + " version " + oldVersion
                    + ": " + i.getMessage() + "', location:'" + i.getLocation() + "', oldSchemaVersion:" + oldVersion
                    + ", compatibility:'" + level + "'}");
        }
        if (result.getResult().getIncompatibilities().isEmpty()) {
            problems.add("{errorType:'" + result.getType() + "', description:'" + direction + " version " + oldVersion
                    + "', oldSchemaVersion:" + oldVersion + ", compatibility:'" + level + "'}");
        }
    }

    private NavigableMap<Integer, Integer> versionsOf(String subject) {
        NavigableMap<Integer, Integer> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw SchemaRegistryException.subjectNotFound(subject);
        }
        return versions;
    }

    private static void requireSubject(String subject) {
        if (subject == null || subject.isBlank()) {
            throw new SchemaRegistryException(422, 42208, "Invalid subject: empty");
        }
    }
}
