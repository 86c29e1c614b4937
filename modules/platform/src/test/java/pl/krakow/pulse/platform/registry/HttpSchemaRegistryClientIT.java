package pl.krakow.pulse.platform.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.embedded.EmbeddedKafkaBroker;
import pl.krakow.pulse.embedded.EmbeddedSchemaRegistry;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.serde.AvroSerdeTest;
import pl.krakow.pulse.platform.serde.ConfluentWireFormat;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.Compatibility;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * Our registry client against a real Confluent-REST registry (the embedded one, over a real broker): plain, and secured
 * as operators run one (HTTPS with a certificate of its own, basic and bearer authentication).
 */
class HttpSchemaRegistryClientIT {

    private static final String USER = "pulse";
    private static final String PASSWORD = "pa:ss@word";
    private static final String TOKEN = "t0ken-" + Long.toHexString(System.nanoTime());

    @TempDir
    static Path dataDir;
    @TempDir
    static Path certDir;
    static EmbeddedKafkaBroker broker;
    static EmbeddedSchemaRegistry registry;
    static EmbeddedSchemaRegistry secured;
    static TestCertificates certs;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).build().start();
        registry = EmbeddedSchemaRegistry.builder().bootstrapServers(broker.bootstrapServers()).build().start();
        certs = TestCertificates.create(certDir);
        secured = EmbeddedSchemaRegistry.builder().bootstrapServers(broker.bootstrapServers()).topic("_schemas_secured")
                .tls(certs.keyStore(), certs.password()).basicAuth(USER, PASSWORD).bearerToken(TOKEN).build().start();
    }

    @AfterAll
    static void stop() {
        if (secured != null) {
            secured.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void registerFetchByIdAndTheSameSchemaGetsTheSameId() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(registry.url());
        Schema schema = AirQualityMeasurement.getClassSchema();
        int id = client.register("client-it-value", schema);
        assertThat(id).isPositive();
        // A second client has no cache: the registry itself must answer with the same id and schema.
        HttpSchemaRegistryClient fresh = new HttpSchemaRegistryClient(registry.url());
        assertThat(fresh.register("client-it-value", schema)).isEqualTo(id);
        assertThat(fresh.getById(id)).isEqualTo(schema);
        assertThat(fresh.latest("client-it-value").version()).isEqualTo(1);
        assertThat(fresh.latest("no-such-subject")).isNull();
    }

    @Test
    void incompatibleChangeIsRefusedWith409UnderFullTransitive() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(registry.url());
        Schema v1 = SchemaBuilder.record("Indicator").fields().requiredString("id").requiredDouble("value").endRecord();
        Schema v2 = SchemaBuilder.record("Indicator").fields().requiredString("id").requiredDouble("value")
                .name("unit").type().stringType().stringDefault("").endRecord();
        Schema breaking = SchemaBuilder.record("Indicator").fields().requiredString("id").requiredLong("value").endRecord();
        client.setCompatibility("indicators-it-value", Compatibility.FULL_TRANSITIVE);
        client.register("indicators-it-value", v1);
        assertThat(client.isCompatible("indicators-it-value", v2)).isTrue();
        client.register("indicators-it-value", v2);
        assertThat(client.isCompatible("indicators-it-value", breaking)).isFalse();
        assertThatThrownBy(() -> client.register("indicators-it-value", breaking))
                .isInstanceOf(SchemaRegistryException.class)
                .satisfies(e -> assertThat(((SchemaRegistryException) e).httpStatus()).isEqualTo(409));
    }

    @Test
    void serdeRoundTripsThroughTheRealRegistry() {
        PulseSerdes writer = new PulseSerdes(new HttpSchemaRegistryClient(registry.url()));
        PulseSerdes reader = new PulseSerdes(new HttpSchemaRegistryClient(registry.url()));
        AirQualityMeasurement m = pl.krakow.pulse.platform.serde.AvroSerdeTest.sample();
        byte[] bytes = writer.value(Topics.AIR_QUALITY).serializer().serialize(Topics.AIR_QUALITY.name(), m);
        assertThat(reader.value(Topics.AIR_QUALITY).deserializer().deserialize(Topics.AIR_QUALITY.name(), bytes)).isEqualTo(m);
    }

    private static PulseConfig config(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(settings);
        all.put("schema.registry.max.retries", "0");
        return PulseConfig.load(List.of(), null, Map.of(), all);
    }

    private static Map<String, String> trusting(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(settings);
        all.put("schema.registry.ssl.truststore.location", certs.trustStore().toString());
        all.put("schema.registry.ssl.truststore.password", certs.password());
        return all;
    }

    @Test
    void aSecuredRegistryRefusesAnonymousCallsAndTakesBasicAuthTheUrlsCredentialsOrABearerToken() {
        Schema schema = AirQualityMeasurement.getClassSchema();
        assertThat(secured.url()).startsWith("https://");
        HttpSchemaRegistryClient anonymous = HttpSchemaRegistryClient.fromConfig(config(trusting(Map.of())), secured.url());
        assertThatThrownBy(() -> anonymous.register("secured-it-value", schema)).isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("HTTP 401").hasMessageContaining("schema.registry.basic.auth");

        HttpSchemaRegistryClient basic = HttpSchemaRegistryClient.fromConfig(config(trusting(Map.of(
                "schema.registry.basic.auth.credentials.source", "USER_INFO",
                "schema.registry.basic.auth.user.info", USER + ":" + PASSWORD))), secured.url());
        int id = basic.register("secured-it-value", schema);

        String withCredentials = secured.url().replace("https://", "https://" + USER + ":"
                + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8) + "@");
        HttpSchemaRegistryClient fromUrl = HttpSchemaRegistryClient.fromConfig(config(trusting(Map.of(
                "schema.registry.basic.auth.credentials.source", "URL"))), withCredentials);
        assertThat(fromUrl.baseUrl()).isEqualTo(secured.url());
        assertThat(fromUrl.latest("secured-it-value").id()).isEqualTo(id);

        HttpSchemaRegistryClient bearer = HttpSchemaRegistryClient.fromConfig(config(trusting(Map.of(
                "schema.registry.bearer.auth.credentials.source", "STATIC_TOKEN",
                "schema.registry.bearer.auth.token", TOKEN))), secured.url());
        assertThat(bearer.getById(id)).isEqualTo(schema);
    }

    @Test
    void aRegistryRequiringClientCertificatesAcceptsTheKeyStoresAndRefusesAClientWithout() {
        // The test certificate serves both sides: the registry's key store, and the client's (mTLS) that the registry trusts.
        try (EmbeddedSchemaRegistry mtls = EmbeddedSchemaRegistry.builder().bootstrapServers(broker.bootstrapServers())
                .topic("_schemas_mtls").tls(certs.keyStore(), certs.password()).requireClientCertificates(certs.trustStore())
                .build().start()) {
            HttpSchemaRegistryClient withoutCertificate = HttpSchemaRegistryClient.fromConfig(config(trusting(Map.of())), mtls.url());
            assertThatThrownBy(() -> withoutCertificate.latest("mtls-it-value")).isInstanceOf(SchemaRegistryException.class)
                    .hasMessageContaining("unreachable");
            Map<String, String> withKeyStore = new HashMap<>(trusting(Map.of()));
            withKeyStore.put("schema.registry.ssl.keystore.location", certs.keyStore().toString());
            withKeyStore.put("schema.registry.ssl.keystore.password", certs.password());
            HttpSchemaRegistryClient withCertificate = HttpSchemaRegistryClient.fromConfig(config(withKeyStore), mtls.url());
            assertThat(withCertificate.register("mtls-it-value", AirQualityMeasurement.getClassSchema())).isPositive();
        }
    }

    @Test
    void withoutTheTrustStoreTheRegistrysOwnCertificateIsRefused() {
        HttpSchemaRegistryClient untrusting = HttpSchemaRegistryClient.fromConfig(config(Map.of(
                "schema.registry.bearer.auth.credentials.source", "STATIC_TOKEN",
                "schema.registry.bearer.auth.token", TOKEN)), secured.url());
        assertThatThrownBy(() -> untrusting.latest("secured-it-value")).isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("unreachable");
    }

    private static TopicSpec<AirQualityMeasurement> topic(String name) {
        return new TopicSpec<>(name, AirQualityMeasurement.class, 1, Map.of(), Compatibility.BACKWARD_TRANSITIVE, "station");
    }

    @Test
    void anOperatorsCompatibilityLevelIsKeptAndASubjectWithoutOneGetsTheTopics() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(registry.url());
        client.setCompatibility("kept-it.v1-value", Compatibility.NONE);
        SchemaProvisioner.ensure(client, List.of(topic("kept-it.v1"), topic("fresh-it.v1")));
        assertThat(client.compatibility("kept-it.v1-value")).contains(Compatibility.NONE);
        assertThat(client.compatibility("fresh-it.v1-value")).contains(Compatibility.BACKWARD_TRANSITIVE);
        assertThat(client.latest("kept-it.v1-value").schema()).isEqualTo(AirQualityMeasurement.getClassSchema());
    }

    @Test
    void withoutAutoRegisterNothingIsWrittenAndStartUpNamesEverySubjectThatLacksTheSchema() {
        HttpSchemaRegistryClient admin = new HttpSchemaRegistryClient(registry.url());
        HttpSchemaRegistryClient managed = HttpSchemaRegistryClient.fromConfig(config(Map.of("auto.register.schemas", "false")),
                registry.url());
        List<TopicSpec<?>> topics = List.of(topic("managed-a.v1"), topic("managed-b.v1"));
        assertThatThrownBy(() -> SchemaProvisioner.ensure(managed, topics))
                .hasMessageContaining("managed-a.v1-value").hasMessageContaining("managed-b.v1-value")
                .hasMessageContaining("auto.register.schemas=false");
        assertThat(admin.latest("managed-a.v1-value")).as("nothing registered").isNull();
        assertThat(admin.compatibility("managed-a.v1-value")).as("no level set").isEmpty();

        int id = admin.register("managed-a.v1-value", AirQualityMeasurement.getClassSchema());
        assertThatThrownBy(() -> SchemaProvisioner.ensure(managed, topics))
                .hasMessageNotContaining("managed-a.v1-value").hasMessageContaining("managed-b.v1-value");
        admin.register("managed-b.v1-value", AirQualityMeasurement.getClassSchema());
        SchemaProvisioner.ensure(managed, topics);
        byte[] bytes = new PulseSerdes(managed).value(AirQualityMeasurement.class).serializer()
                .serialize("managed-a.v1", AvroSerdeTest.sample());
        assertThat(ConfluentWireFormat.schemaId(bytes)).isEqualTo(id);
        assertThat(admin.latest("managed-a.v1-value").version()).isEqualTo(1);
    }

    /** The code's schema with one more field, {@code note}, with or without a default. */
    private static Schema withNote(boolean withDefault) {
        Schema code = AirQualityMeasurement.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        code.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        fields.add(withDefault ? new Schema.Field("note", Schema.create(Schema.Type.STRING), "added later", "")
                : new Schema.Field("note", Schema.create(Schema.Type.STRING), "added later"));
        return Schema.createRecord(code.getName(), code.getDoc(), code.getNamespace(), false, fields);
    }

    @Test
    void useLatestVersionWritesRecordsInTheLatestVersionWhichReadersResolve() throws Exception {
        HttpSchemaRegistryClient admin = new HttpSchemaRegistryClient(registry.url());
        admin.register("latest-it.v1-value", AirQualityMeasurement.getClassSchema());
        Schema latest = withNote(true);
        int latestId = admin.register("latest-it.v1-value", latest);
        HttpSchemaRegistryClient managed = HttpSchemaRegistryClient.fromConfig(config(Map.of("auto.register.schemas", "false",
                "use.latest.version", "true")), registry.url());
        SchemaProvisioner.ensure(managed, List.of(topic("latest-it.v1")));

        AirQualityMeasurement m = AvroSerdeTest.sample();
        byte[] bytes = new PulseSerdes(managed).value(AirQualityMeasurement.class).serializer().serialize("latest-it.v1", m);
        assertThat(ConfluentWireFormat.schemaId(bytes)).isEqualTo(latestId);
        GenericRecord asWritten = new GenericDatumReader<GenericRecord>(latest).read(null, DecoderFactory.get()
                .binaryDecoder(bytes, ConfluentWireFormat.HEADER_LENGTH, bytes.length - ConfluentWireFormat.HEADER_LENGTH, null));
        assertThat(asWritten.get("note")).hasToString("");
        assertThat(asWritten.get("stationCode")).hasToString(m.getStationCode());
        PulseSerdes reader = new PulseSerdes(new HttpSchemaRegistryClient(registry.url()));
        assertThat(reader.value(AirQualityMeasurement.class).deserializer().deserialize("latest-it.v1", bytes)).isEqualTo(m);
        assertThat(admin.latest("latest-it.v1-value").id()).as("nothing registered").isEqualTo(latestId);
    }

    @Test
    void useLatestVersionFailsStartUpWhenTheSubjectIsEmptyOrItsLatestVersionCannotReadOurRecords() {
        HttpSchemaRegistryClient admin = new HttpSchemaRegistryClient(registry.url());
        admin.setCompatibility("unreadable-it.v1-value", Compatibility.NONE);
        admin.register("unreadable-it.v1-value", withNote(false)); // a required field this code never writes
        HttpSchemaRegistryClient managed = HttpSchemaRegistryClient.fromConfig(config(Map.of("auto.register.schemas", "false",
                "use.latest.version", "true")), registry.url());
        assertThatThrownBy(() -> SchemaProvisioner.ensure(managed, List.of(topic("unreadable-it.v1"))))
                .hasMessageContaining("latest version 1").hasMessageContaining("unreadable-it.v1-value")
                .hasMessageContaining("cannot read its records");
        assertThatThrownBy(() -> SchemaProvisioner.ensure(managed, List.of(topic("empty-it.v1"))))
                .hasMessageContaining("empty-it.v1-value").hasMessageContaining("has no registered version");
    }
}
