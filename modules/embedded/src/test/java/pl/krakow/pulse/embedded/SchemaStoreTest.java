package pl.krakow.pulse.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import pl.krakow.pulse.embedded.SchemaStore.CompatibilityResult;
import pl.krakow.pulse.embedded.SchemaStore.RegisteredSchema;
import pl.krakow.pulse.embedded.SchemaStore.Registration;

class SchemaStoreTest {

    /** A record {@code pl.krakow.pulse.test.Reading} with the given fields (JSON field definitions). */
    static String reading(String... fields) {
        return "{\"type\":\"record\",\"name\":\"Reading\",\"namespace\":\"pl.krakow.pulse.test\",\"fields\":["
                + String.join(",", fields) + "]}";
    }

    static final String ID = "{\"name\":\"id\",\"type\":\"string\"}";
    static final String PM10 = "{\"name\":\"pm10\",\"type\":\"double\"}";
    static final String PM10_DEFAULT = "{\"name\":\"pm10\",\"type\":\"double\",\"default\":0.0}";
    static final String STATION_NO_DEFAULT = "{\"name\":\"station\",\"type\":\"string\"}";
    static final String STATION_DEFAULT = "{\"name\":\"station\",\"type\":\"string\",\"default\":\"unknown\"}";

    private static SchemaRegistryException registryError(Throwable t) {
        return (SchemaRegistryException) t;
    }

    @Test
    void theSameSchemaGetsTheSameIdUnderEverySubject() {
        SchemaStore store = new SchemaStore();
        RegisteredSchema a = store.register("air.readings.v1-value", reading(ID, PM10));
        // same schema, other whitespace and attribute order
        String reformatted = "{ \"namespace\" : \"pl.krakow.pulse.test\", \"name\" : \"Reading\", \"type\" : \"record\","
                + " \"fields\" : [ {\"type\":\"string\",\"name\":\"id\"}, {\"type\":\"double\",\"name\":\"pm10\"} ] }";
        RegisteredSchema b = store.register("air.readings.archive-value", reformatted);
        RegisteredSchema again = store.register("air.readings.v1-value", reformatted);

        assertThat(a.id()).isEqualTo(1);
        assertThat(b.id()).isEqualTo(a.id());
        assertThat(b.version()).isEqualTo(1);
        assertThat(again).isEqualTo(a);
        assertThat(store.schemaById(1)).contains(a.schema());
        assertThat(store.subjects()).containsExactly("air.readings.archive-value", "air.readings.v1-value");
        assertThat(store.maxId()).isEqualTo(1);
    }

    @Test
    void versionsIncrementPerSubjectAndIdsAreGlobal() {
        SchemaStore store = new SchemaStore();
        RegisteredSchema v1 = store.register("s-value", reading(ID));
        RegisteredSchema v2 = store.register("s-value", reading(ID, PM10_DEFAULT));
        RegisteredSchema other = store.register("t-value", reading(ID, STATION_DEFAULT));
        RegisteredSchema v3 = store.register("s-value", reading(ID, PM10_DEFAULT, STATION_DEFAULT));

        assertThat(List.of(v1.version(), v2.version(), v3.version())).containsExactly(1, 2, 3);
        assertThat(List.of(v1.id(), v2.id(), other.id(), v3.id())).containsExactly(1, 2, 3, 4);
        assertThat(store.versions("s-value")).containsExactly(1, 2, 3);
        assertThat(store.version("s-value", -1)).isEqualTo(v3);
        assertThat(store.version("s-value", 2)).isEqualTo(v2);
        assertThat(store.lookup("s-value", reading(ID, PM10_DEFAULT))).isEqualTo(v2);
        // re-registering an old version returns it, it does not create a version 4
        assertThat(store.register("s-value", reading(ID))).isEqualTo(v1);
        assertThat(store.versions("s-value")).hasSize(3);
    }

    @Test
    void identityKeepsDefaultsAndLogicalTypes() {
        SchemaStore store = new SchemaStore(CompatibilityLevel.NONE);
        int plain = store.register("s", reading(PM10)).id();
        int withDefault = store.register("s", reading(PM10_DEFAULT)).id();
        int millis = store.register("t", reading("{\"name\":\"at\",\"type\":\"long\"}")).id();
        int timestamp = store.register("t",
                reading("{\"name\":\"at\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}}")).id();

        assertThat(withDefault).isNotEqualTo(plain);
        assertThat(timestamp).isNotEqualTo(millis);
        assertThat(store.schemaById(timestamp).orElseThrow()).contains("timestamp-millis");
    }

    @Test
    void backwardRefusesANewFieldWithoutDefault() {
        SchemaStore store = new SchemaStore();
        store.setCompatibility("s", CompatibilityLevel.BACKWARD_TRANSITIVE);
        store.register("s", reading(ID));

        assertThatThrownBy(() -> store.register("s", reading(ID, STATION_NO_DEFAULT)))
                .isInstanceOf(SchemaRegistryException.class)
                .satisfies(e -> {
                    assertThat(registryError(e).httpStatus()).isEqualTo(409);
                    assertThat(registryError(e).errorCode()).isEqualTo(409);
                    assertThat(e.getMessage())
                            .startsWith("Schema being registered is incompatible with an earlier schema for subject \"s\"")
                            .contains("READER_FIELD_MISSING_DEFAULT_VALUE", "station");
                });
        assertThat(store.versions("s")).containsExactly(1);
        // with a default it is fine
        assertThat(store.register("s", reading(ID, STATION_DEFAULT)).version()).isEqualTo(2);
    }

    @Test
    void backwardTransitiveRefusesRemovingADefaultThatAnOlderVersionNeeds() {
        // v1 has no station; v2 adds it with a default; v3 removes the default.
        // v3 reads v2 data (station present) but not v1 data (station missing, no default).
        String v1 = reading(ID);
        String v2 = reading(ID, STATION_DEFAULT);
        String v3 = reading(ID, STATION_NO_DEFAULT);

        SchemaStore latestOnly = new SchemaStore();
        latestOnly.setCompatibility("s", CompatibilityLevel.BACKWARD);
        latestOnly.register("s", v1);
        latestOnly.register("s", v2);
        assertThat(latestOnly.register("s", v3).version()).isEqualTo(3);

        SchemaStore transitive = new SchemaStore();
        transitive.setCompatibility("s", CompatibilityLevel.BACKWARD_TRANSITIVE);
        transitive.register("s", v1);
        transitive.register("s", v2);
        assertThat(transitive.testCompatibility("s", v3, -1).compatible()).isTrue();
        assertThat(transitive.testCompatibility("s", v3, 1).compatible()).isFalse();
        assertThatThrownBy(() -> transitive.register("s", v3))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("oldSchemaVersion:1")
                .satisfies(e -> assertThat(registryError(e).errorCode()).isEqualTo(409));
        assertThat(transitive.versions("s")).containsExactly(1, 2);
    }

    @Test
    void fullTransitiveRefusesWhatFullAcceptsAgainstTheLatestOnly() {
        // v1: pm10 required; v2: pm10 gets a default (FULL with v1); v3: pm10 removed.
        // v3 is FULL-compatible with v2 (v2 readers use the default) but v1 readers cannot read v3 data.
        String v1 = reading(ID, PM10);
        String v2 = reading(ID, PM10_DEFAULT);
        String v3 = reading(ID);

        SchemaStore full = new SchemaStore();
        full.setCompatibility("indicators.air-value", CompatibilityLevel.FULL);
        full.register("indicators.air-value", v1);
        full.register("indicators.air-value", v2);
        assertThat(full.register("indicators.air-value", v3).version()).isEqualTo(3);

        SchemaStore fullTransitive = new SchemaStore();
        fullTransitive.setCompatibility("indicators.air-value", CompatibilityLevel.FULL_TRANSITIVE);
        fullTransitive.register("indicators.air-value", v1);
        fullTransitive.register("indicators.air-value", v2);
        assertThatThrownBy(() -> fullTransitive.register("indicators.air-value", v3))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("oldSchemaVersion:1")
                .hasMessageContaining("FULL_TRANSITIVE");
        CompatibilityResult all = fullTransitive.testCompatibility("indicators.air-value", v3, null);
        assertThat(all.compatible()).isFalse();
        assertThat(all.messages()).isNotEmpty().allMatch(m -> m.contains("oldSchemaVersion:1"));
    }

    @Test
    void forwardChecksThatOldReadersCanReadNewData() {
        SchemaStore store = new SchemaStore(CompatibilityLevel.FORWARD);
        store.register("s", reading(ID, PM10));
        // removing a field without default: old readers need it
        assertThatThrownBy(() -> store.register("s", reading(ID))).isInstanceOf(SchemaRegistryException.class);
        // adding a field without default is fine for old readers
        assertThat(store.register("s", reading(ID, PM10, STATION_NO_DEFAULT)).version()).isEqualTo(2);
    }

    @Test
    void noneAcceptsAnything() {
        SchemaStore store = new SchemaStore(CompatibilityLevel.NONE);
        store.register("s", reading(ID));
        assertThat(store.register("s", "\"string\"").version()).isEqualTo(2);
    }

    @Test
    void compatibilityLevelsResolveSubjectThenGlobal() {
        SchemaStore store = new SchemaStore();
        assertThat(store.globalLevel()).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(store.effectiveLevel("s")).isEqualTo(CompatibilityLevel.BACKWARD);
        store.setCompatibility(null, CompatibilityLevel.FULL);
        store.setCompatibility("s", CompatibilityLevel.NONE);
        assertThat(store.effectiveLevel("s")).isEqualTo(CompatibilityLevel.NONE);
        assertThat(store.effectiveLevel("t")).isEqualTo(CompatibilityLevel.FULL);
        assertThat(store.subjectLevel("t")).isEmpty();
        store.applyConfig("s", null);
        store.applyConfig(null, null);
        assertThat(store.effectiveLevel("s")).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(CompatibilityLevel.parse("full_transitive")).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
        assertThatThrownBy(() -> CompatibilityLevel.parse("SIDEWAYS"))
                .isInstanceOf(SchemaRegistryException.class)
                .satisfies(e -> assertThat(registryError(e).errorCode()).isEqualTo(42203));
    }

    @Test
    void errorsCarryConfluentCodes() {
        SchemaStore store = new SchemaStore();
        store.register("s", reading(ID));
        assertThatThrownBy(() -> store.register("s", "{\"type\":\"record\"}"))
                .satisfies(e -> assertThat(registryError(e).errorCode()).isEqualTo(42201));
        assertThatThrownBy(() -> store.register("s", "not json"))
                .satisfies(e -> assertThat(registryError(e).httpStatus()).isEqualTo(422));
        assertThatThrownBy(() -> store.versions("missing"))
                .satisfies(e -> assertThat(registryError(e).errorCode()).isEqualTo(40401));
        assertThatThrownBy(() -> store.version("s", 7))
                .satisfies(e -> assertThat(registryError(e).errorCode()).isEqualTo(40402));
        assertThatThrownBy(() -> store.lookup("s", reading(ID, PM10)))
                .satisfies(e -> assertThat(registryError(e).errorCode()).isEqualTo(40403));
        assertThat(store.schemaById(99)).isEmpty();
        assertThat(store.latest("missing")).isEmpty();
        // compatibility with an unknown subject: fine against "latest", an error against a given version
        assertThat(store.testCompatibility("missing", reading(ID), -1).compatible()).isTrue();
        assertThatThrownBy(() -> store.testCompatibility("missing", reading(ID), 1))
                .satisfies(e -> assertThat(registryError(e).errorCode()).isEqualTo(40401));
    }

    @Test
    void replayingRecordsIsIdempotentAndIdsContinueAfterTheMaximum() {
        SchemaStore store = new SchemaStore();
        Registration prepared = store.prepareRegistration("s", reading(ID));
        assertThat(prepared.isNew()).isTrue();
        assertThat(store.subjects()).isEmpty();          // prepare does not change the state

        store.applySchema("s", 1, 5, reading(ID));
        store.applySchema("s", 1, 5, reading(ID));        // replayed twice
        store.applySchema("t", 1, 2, reading(ID, PM10));
        assertThat(store.versions("s")).containsExactly(1);
        assertThat(store.maxId()).isEqualTo(5);
        assertThat(store.register("u", reading(ID, STATION_DEFAULT)).id()).isEqualTo(6);
        assertThat(store.register("u", reading(ID, PM10_DEFAULT, STATION_DEFAULT)).id()).isEqualTo(7);
        assertThat(store.register("v", reading(ID)).id()).isEqualTo(5);
    }

    @Test
    void staticCheckAgainstAListOfSchemas() {
        Schema v1 = SchemaStore.parse(reading(ID));
        Schema v2 = SchemaStore.parse(reading(ID, STATION_NO_DEFAULT));
        assertThat(SchemaStore.incompatibilities(CompatibilityLevel.BACKWARD, v2, List.of(v1))).isNotEmpty();
        assertThat(SchemaStore.incompatibilities(CompatibilityLevel.FORWARD, v2, List.of(v1))).isEmpty();
        assertThat(SchemaStore.normalize(" \"string\" ")).isEqualTo("\"string\"");
    }
}
