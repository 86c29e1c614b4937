package pl.krakow.pulse.ingest.environment;

import pl.krakow.pulse.runtime.replica.TopicReplica;
import pl.krakow.pulse.runtime.geo.District;
import pl.krakow.pulse.runtime.geo.KrakowDistricts;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.embedded.EmbeddedKafkaBroker;
import pl.krakow.pulse.embedded.EmbeddedSchemaRegistry;
import pl.krakow.pulse.events.environment.WeatherObservation;
import pl.krakow.pulse.events.ingest.RejectedRecord;
import pl.krakow.pulse.events.reference.MonitoringStation;
import pl.krakow.pulse.ingest.EventPublisher;
import pl.krakow.pulse.ingest.FeedFormats;
import pl.krakow.pulse.ingest.FileReplayer;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ReasonCode;
import pl.krakow.pulse.ingest.ReplayReport;
import pl.krakow.pulse.ingest.ReplaySpeed;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.registry.HttpSchemaRegistryClient;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.TopicProvisioner;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * The bundled IMGW file (plus one out-of-range line) and the station reference data, through the
 * production wiring into the embedded broker and schema registry.
 */
class WeatherAndStationsIT {

    private static final Charset CP1250 = Charset.forName("windows-1250");

    @TempDir
    static Path dir;

    private static EmbeddedKafkaBroker broker;
    private static EmbeddedSchemaRegistry registry;
    private static PulseSerdes serdes;

    @BeforeAll
    static void startPlatform() {
        broker = new EmbeddedKafkaBroker(dir.resolve("kafka")).start();
        registry = new EmbeddedSchemaRegistry(broker.bootstrapServers()).start();
        serdes = new PulseSerdes(new HttpSchemaRegistryClient(registry.url()));
        try (Admin admin = Admin.create(new KafkaClients(broker.bootstrapServers(), PulseConfig.defaults()).admin("it-admin"))) {
            TopicProvisioner.ensure(admin, List.of(Topics.WEATHER, Topics.REFERENCE_STATIONS, Topics.REJECTED), 1);
        }
    }

    @AfterAll
    static void stopPlatform() {
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void bundledWeatherReachesItsTopicAndABadLineTheDeadLetterQueue() throws IOException {
        byte[] bundled;
        try (InputStream in = BundledData.weatherCsv().open()) {
            bundled = in.readAllBytes();
        }
        String firstLine = new String(bundled, CP1250).split("\r\n")[0];
        // Same row a year later with 99.9 °C: out of range. Column 30 holds ".1" in the first row.
        String badLine = firstLine.replace("\"2019\",\"01\",\"01\",\"00\"", "\"2020\",\"01\",\"01\",\"00\"")
                .replace(",.1,\"\",.0,\"8\",\"U\"", ",99.9,\"\",.0,\"8\",\"U\"");
        assertThat(badLine).isNotEqualTo(firstLine).contains("99.9");
        Path file = dir.resolve("weather.csv");
        Files.write(file, concat(bundled, (badLine + "\r\n").getBytes(CP1250)));

        ReplayReport report;
        try (PulseMetrics metrics = new PulseMetrics("weather-it");
             EventPublisher publisher = new EventPublisher(new KafkaClients(broker.bootstrapServers(), PulseConfig.defaults()),
                     serdes, metrics, "weather-it")) {
            report = new FileReplayer(publisher, IngestContext.from(PulseConfig.defaults(), metrics.registry()))
                    .replayFiles(FeedFormats.discover().get("imgw-synop-csv"), List.of(file), ReplaySpeed.MAX, null);
            assertThat(publisher.sendFailures()).isZero();
        }
        assertThat(report.accepted()).isEqualTo(744);
        assertThat(report.rejectedByReason()).containsExactlyEntriesOf(Map.of(ReasonCode.OUT_OF_RANGE, 1L));

        List<ConsumerRecord<String, WeatherObservation>> events = readAll(Topics.WEATHER);
        assertThat(events).hasSize(744).allSatisfy(r -> {
            assertThat(r.key()).isEqualTo("350190566");
            assertThat(r.value().getEventId()).startsWith("imgw-synop-csv:350190566:");
        });
        List<ConsumerRecord<String, RejectedRecord>> rejected = readAll(Topics.REJECTED);
        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("imgw-synop-csv");
            assertThat(r.value().getReasonCode()).isEqualTo("OUT_OF_RANGE");
            assertThat(r.value().getSourceId()).isEqualTo("weather.csv:745");
            assertThat(r.value().getIntendedTopic()).isEqualTo(Topics.WEATHER.name());
            assertThat(bytes(r.value().getRawPayload())).isEqualTo(badLine.getBytes(CP1250));
        });
    }

    @Test
    void stationReferenceIsPublishedKeyedByCodeWithDistricts() {
        List<MonitoringStation> expected = StationReference.bundled(java.time.Clock.systemUTC()).records();
        try (PulseMetrics metrics = new PulseMetrics("stations-it");
             EventPublisher publisher = new EventPublisher(new KafkaClients(broker.bootstrapServers(), PulseConfig.defaults()),
                     serdes, metrics, "stations-it")) {
            assertThat(StationReference.bundled(java.time.Clock.systemUTC()).publish(publisher)).isEqualTo(14);
            assertThat(publisher.sendFailures()).isZero();
        }
        List<ConsumerRecord<String, MonitoringStation>> records = readAll(Topics.REFERENCE_STATIONS);
        assertThat(records).hasSize(14).allSatisfy(r -> assertThat(r.key()).isEqualTo(r.value().getStationCode()));
        assertThat(records).extracting(r -> r.value().getStationCode() + "=" + r.value().getDistrict())
                .containsExactlyInAnyOrderElementsOf(expected.stream().map(m -> m.getStationCode() + "=" + m.getDistrict()).toList())
                .contains("MpKrakDietla=I", "MpKrakBulwar=XVIII");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    private static <V extends SpecificRecord> List<ConsumerRecord<String, V>> readAll(TopicSpec<V> topic) {
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        TopicReplica.readToEnd("it-reader", new KafkaClients(broker.bootstrapServers(), PulseConfig.defaults()).consumer("it-reader", null), List.of(topic.name()), serdes.key().deserializer(),
                serdes.value(topic).deserializer(), out::add, Duration.ofSeconds(30));
        return out;
    }
}
