package pl.krakow.pulse.platform.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import pl.krakow.pulse.platform.topics.Compatibility;

/**
 * An in-process registry for topology unit tests (TopologyTestDriver) and tools that need no
 * shared registry. Same id rules as a real registry: one global id per distinct schema.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {

    private final Map<String, Integer> idBySchema = new HashMap<>();
    private final Map<Integer, Schema> schemaById = new HashMap<>();
    private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();
    private final Map<String, Compatibility> levelBySubject = new HashMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
        String canonical = schema.toString();
        Integer id = idBySchema.get(canonical);
        List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (id != null && versions.contains(id)) {
            return id;
        }
        if (!isCompatible(subject, schema)) {
            throw new SchemaRegistryException("Schema being registered is incompatible with an earlier schema for subject "
                    + subject, 409, 409);
        }
        if (id == null) {
            id = schemaById.size() + 1;
            idBySchema.put(canonical, id);
            schemaById.put(id, schema);
        }
        versions.add(id);
        return id;
    }

    @Override
    public synchronized Schema getById(int id) {
        Schema schema = schemaById.get(id);
        if (schema == null) {
            throw new SchemaRegistryException("Schema " + id + " not found", 404, 40403);
        }
        return schema;
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        List<Integer> versions = versionsBySubject.get(subject);
        if (versions == null || versions.isEmpty()) {
            return null;
        }
        int id = versions.get(versions.size() - 1);
        return new RegisteredSchema(subject, versions.size(), id, schemaById.get(id));
    }

    @Override
    public synchronized boolean isCompatible(String subject, Schema schema) {
        Compatibility level = levelBySubject.getOrDefault(subject, Compatibility.BACKWARD);
        List<Integer> versions = versionsBySubject.getOrDefault(subject, List.of());
        if (versions.isEmpty() || level == Compatibility.NONE) {
            return true;
        }
        boolean transitive = level.name().endsWith("_TRANSITIVE");
        List<Integer> against = transitive ? versions : List.of(versions.get(versions.size() - 1));
        for (int id : against) {
            Schema old = schemaById.get(id);
            boolean backward = level.name().startsWith("BACKWARD") || level.name().startsWith("FULL");
            boolean forward = level.name().startsWith("FORWARD") || level.name().startsWith("FULL");
            if (backward && !compatible(schema, old)) {
                return false;
            }
            if (forward && !compatible(old, schema)) {
                return false;
            }
        }
        return true;
    }

    private static boolean compatible(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType()
                == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
    }

    @Override
    public synchronized void setCompatibility(String subject, Compatibility level) {
        levelBySubject.put(subject, level);
    }

    @Override
    public synchronized Optional<Compatibility> compatibility(String subject) {
        return Optional.ofNullable(levelBySubject.get(subject));
    }
}
