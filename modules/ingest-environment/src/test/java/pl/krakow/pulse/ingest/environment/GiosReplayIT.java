package pl.krakow.pulse.ingest.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static pl.krakow.pulse.ingest.environment.GiosTestData.COLUMN_TO_SERIES;
import static pl.krakow.pulse.ingest.environment.GiosTestData.bundledCsv;
import static pl.krakow.pulse.ingest.environment.GiosTestData.nonEmptyCellsPerColumn;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.ArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.testsupport.kafka.EmbeddedPlatform;

/**
 * A real excerpt of the bundled file plus one bad line, replayed through the production wiring
 * (format registry → replayer → publisher) into the embedded broker and schema registry.
 */
class GiosReplayIT {

    private static final int EXCERPT_ROWS = 300;

    @TempDir
    static Path dir;

    private static EmbeddedPlatform platform;

    @BeforeAll
    static void startPlatform() {
        platform = EmbeddedPlatform.builder(dir, "gios-replay-it").schemaRegistry().start()
                .provision(Topics.AIR_QUALITY, Topics.REJECTED);
    }

    @AfterAll
    static void stopPlatform() {
        if (platform != null) {
            platform.close();
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
             EventPublisher publisher = new EventPublisher(platform.clients(), platform.serdes(), metrics, "gios-replay-it")) {
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

        List<ConsumerRecord<String, AirQualityMeasurement>> events = platform.readToEnd(Topics.AIR_QUALITY).stream()
                .filter(r -> r.value().getSourceId().startsWith("excerpt.csv:")).toList();
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

        List<ConsumerRecord<String, RejectedRecord>> rejected = platform.readToEnd(Topics.REJECTED).stream()
                .filter(r -> r.value().getSourceId().startsWith("excerpt.csv:")).toList();
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

    /**
     * A 10 MB line once made a dead letter the broker refused (RecordTooLargeException): it was counted as rejected
     * but never stored. Now it is read without holding it whole, and lands cut, with its length and SHA-256.
     */
    @Test
    void tenMegabyteLineLandsInTheDeadLetterQueueCutWithItsLengthAndHashAndTheNextRowIsRead() throws Exception {
        String[] bundled = new String(bundledCsv(), StandardCharsets.UTF_8).split("\n");
        byte[] hugeLine = ("8800,1483200000," + "1".repeat(10_000_000)).getBytes(StandardCharsets.US_ASCII);
        Path file = dir.resolve("huge-line.csv");
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write((bundled[0] + "\n").getBytes(StandardCharsets.UTF_8));
            out.write(hugeLine);
            out.write(("\n" + bundled[1] + "\n").getBytes(StandardCharsets.UTF_8));
        }
        String expectedSha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(hugeLine));

        ReplayReport report;
        try (PulseMetrics metrics = new PulseMetrics("gios-replay-huge-it");
             EventPublisher publisher = new EventPublisher(platform.clients(), platform.serdes(), metrics, "gios-replay-huge-it")) {
            report = new FileReplayer(publisher, IngestContext.from(PulseConfig.defaults(), metrics.registry()))
                    .replayFiles(FeedFormats.discover().get("gios-wide-csv"), List.of(file), ReplaySpeed.MAX,
                            new ConsoleProgressBar(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
            publisher.flush();
            assertThat(publisher.sendFailures()).isZero();
        }
        assertThat(report.rejectedByReason()).containsExactlyEntriesOf(Map.of(ReasonCode.TOO_LARGE, 1L));
        assertThat(platform.readToEnd(Topics.AIR_QUALITY)).filteredOn(r -> r.value().getSourceId().equals("huge-line.csv:3"))
                .hasSize(nonEmptyCellsPerColumn(bundled[0] + "\n" + bundled[1]).values().stream().mapToInt(Integer::intValue).sum());

        assertThat(platform.readToEnd(Topics.REJECTED)).map(ConsumerRecord::value)
                .filteredOn(v -> v.getSourceId().startsWith("huge-line.csv")).singleElement().satisfies(v -> {
                    assertThat(v.getSourceId()).isEqualTo("huge-line.csv:2");
                    assertThat(v.getReasonCode()).isEqualTo("TOO_LARGE");
                    assertThat(v.getRawPayloadLength()).isEqualTo(hugeLine.length);
                    assertThat(v.getRawPayloadSha256()).isEqualTo(expectedSha256);
                    assertThat(v.getRawPayloadTruncated()).isTrue();
                    byte[] kept = new byte[v.getRawPayload().remaining()];
                    v.getRawPayload().get(kept);
                    assertThat(kept).isEqualTo(Arrays.copyOf(hugeLine, 64 * 1024));
                });
    }
}
