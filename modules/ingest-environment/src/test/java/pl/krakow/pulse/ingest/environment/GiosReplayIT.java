package pl.krakow.pulse.ingest.environment;

import pl.krakow.pulse.runtime.replica.TopicReplica;
import static org.assertj.core.api.Assertions.assertThat;
import static pl.krakow.pulse.ingest.environment.GiosTestData.COLUMN_TO_SERIES;
import static pl.krakow.pulse.ingest.environment.GiosTestData.bundledCsv;
import static pl.krakow.pulse.ingest.environment.GiosTestData.nonEmptyCellsPerColumn;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.embedded.EmbeddedKafkaBroker;
import pl.krakow.pulse.embedded.EmbeddedSchemaRegistry;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.events.ingest.RejectedRecord;
import pl.krakow.pulse.ingest.ConsoleProgressBar;
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
 * A real excerpt of the bundled file plus one bad line, replayed through the production wiring
 * (format registry → replayer → publisher) into the embedded broker and schema registry.
 */
class GiosReplayIT {

    private static final int EXCERPT_ROWS = 300;

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
            TopicProvisioner.ensure(admin, List.of(Topics.AIR_QUALITY, Topics.REJECTED), 1);
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
    void realExcerptReachesTheTopicAndTheBadLineTheDeadLetterQueue() throws Exception {
        String[] lines = new String(bundledCsv(), StandardCharsets.UTF_8).split("\n");
        List<String> excerpt = new ArrayList<>(Arrays.asList(lines).subList(0, 1 + EXCERPT_ROWS));
        String badLine = "9999,1483300000,12.5,13.5"; // 4 fields instead of 11
        excerpt.add(150, badLine);                      // file line 151
        Path file = Files.writeString(dir.resolve("excerpt.csv"), String.join("\n", excerpt) + "\n");

        Map<String, Long> expected = new TreeMap<>();
        nonEmptyCellsPerColumn(String.join("\n", excerpt)).forEach((column, n) -> {
            if (n > 0) {
                expected.merge(COLUMN_TO_SERIES.get(column), (long) n, Long::sum);
            }
        });
        long expectedTotal = expected.values().stream().mapToLong(Long::longValue).sum();

        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ReplayReport report;
        try (PulseMetrics metrics = new PulseMetrics("gios-replay-it");
             EventPublisher publisher = new EventPublisher(new KafkaClients(broker.bootstrapServers(), PulseConfig.defaults()),
                     serdes, metrics, "gios-replay-it")) {
            report = new FileReplayer(publisher, IngestContext.from(PulseConfig.defaults(), metrics.registry()))
                    .replayFiles(FeedFormats.discover().get("gios-wide-csv"), List.of(file), ReplaySpeed.MAX,
                            new ConsoleProgressBar(new PrintStream(console, true, StandardCharsets.UTF_8)));

            assertThat(metrics.registry().get(EventPublisher.RECORDS_METRIC).tag("feed", "gios-wide-csv")
                    .tag("outcome", "accepted").counter().count()).isEqualTo(expectedTotal);
            assertThat(metrics.registry().get(EventPublisher.REJECTED_METRIC).tag("feed", "gios-wide-csv")
                    .tag("reason", "MALFORMED").counter().count()).isEqualTo(1);
            assertThat(publisher.sendFailures()).isZero();
        }
        assertThat(report.accepted()).isEqualTo(expectedTotal);
        assertThat(report.rejectedByReason()).containsExactlyEntriesOf(Map.of(ReasonCode.MALFORMED, 1L));
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("\r[").contains(report.summary());

        List<ConsumerRecord<String, AirQualityMeasurement>> events = readAll(Topics.AIR_QUALITY);
        assertThat(events).hasSize((int) expectedTotal);
        Map<String, Long> perSeries = events.stream().collect(Collectors.groupingBy(
                r -> r.value().getStationCode() + "/" + r.value().getPollutant(), TreeMap::new, Collectors.counting()));
        assertThat(perSeries).isEqualTo(expected);
        assertThat(events).allSatisfy(r -> {
            assertThat(r.key()).isEqualTo(r.value().getStationCode());
            // Record timestamp = publish time (retention must not delete a 2017 backfill); event time is in the value.
            assertThat(r.timestamp()).isGreaterThanOrEqualTo(r.value().getIngestedAt().toEpochMilli());
            assertThat(r.value().getEventTime()).isBefore(r.value().getIngestedAt());
            assertThat(r.value().getSourceId()).startsWith("excerpt.csv:");
        });

        List<ConsumerRecord<String, RejectedRecord>> rejected = readAll(Topics.REJECTED);
        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("gios-wide-csv");
            RejectedRecord v = r.value();
            assertThat(v.getReasonCode()).isEqualTo("MALFORMED");
            assertThat(v.getSourceId()).isEqualTo("excerpt.csv:151");
            assertThat(v.getIntendedTopic()).isEqualTo(Topics.AIR_QUALITY.name());
            assertThat(v.getContentType()).isEqualTo("text/csv");
            assertThat(StandardCharsets.UTF_8.decode(v.getRawPayload()).toString()).isEqualTo(badLine);
        });
    }

    private static <V extends SpecificRecord> List<ConsumerRecord<String, V>> readAll(TopicSpec<V> topic) {
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        TopicReplica.readToEnd("it-reader", new KafkaClients(broker.bootstrapServers(), PulseConfig.defaults()).consumer("it-reader", null), List.of(topic.name()), serdes.key().deserializer(),
                serdes.value(topic).deserializer(), out::add, Duration.ofSeconds(30));
        return out;
    }
}
