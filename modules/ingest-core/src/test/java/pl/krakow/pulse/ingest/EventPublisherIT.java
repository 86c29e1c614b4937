package pl.krakow.pulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static pl.krakow.pulse.ingest.TestInstants.NOW;
import static pl.krakow.pulse.ingest.TestInstants.T0;
import static pl.krakow.pulse.ingest.TestInstants.T0_PLUS_1H;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.events.ingest.RejectedRecord;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.topics.Compatibility;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.testsupport.kafka.EmbeddedPlatform;

/** The publisher against the embedded broker and schema registry. */
class EventPublisherIT {

    @TempDir
    static Path dataDir;

    private static EmbeddedPlatform platform;

    private final PulseMetrics metrics = new PulseMetrics("ingest-core-it");
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void startPlatform() {
        platform = EmbeddedPlatform.builder(dataDir, "ingest-core-it").schemaRegistry().start()
                .provision(Topics.AIR_QUALITY, Topics.REJECTED);
    }

    @AfterAll
    static void stopPlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    @AfterEach
    void closeClients() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        metrics.close();
    }

    private EventPublisher publisher(PulseConfig config, EventPublisher.SendFailureListener listener) {
        EventPublisher p = new EventPublisher(platform.clients(config), platform.serdes(), metrics,
                "publisher-it", EventPublisher.RecordTimestamp.EVENT_TIME, listener);
        toClose.add(p);
        return p;
    }

    private static ParseOutcome.Accepted<AirQualityMeasurement> measurement(String feed, String station, Instant t, double v) {
        String id = feed + ":" + station + ":PM10:" + t.getEpochSecond();
        AirQualityMeasurement m = new AirQualityMeasurement(id, t, feed, "it.csv:1", station, Pollutant.PM10, v, 3600, false, NOW);
        return new ParseOutcome.Accepted<>(feed, Topics.AIR_QUALITY, station, m, t, id, "it.csv:1");
    }

    static <V extends SpecificRecord> List<ConsumerRecord<String, V>> readAll(TopicSpec<V> topic, String feedKey, int atLeast) {
        List<ConsumerRecord<String, V>> out = platform.readToEnd(topic).stream()
                .filter(r -> feedKey == null || feedKey.equals(r.key())
                        || (r.value() instanceof AirQualityMeasurement m && m.getFeed().equals(feedKey)))
                .toList();
        assertThat(out).hasSizeGreaterThanOrEqualTo(atLeast);
        return out;
    }

    @Test
    void acceptedEventsAndRejectionsReachTheirTopics() {
        String feed = "it-roundtrip";
        EventPublisher publisher = publisher(PulseConfig.defaults(), (f, t, e) -> { });
        publisher.accept(measurement(feed, "MpKrakAlKras", T0, 42.5));
        publisher.accept(measurement(feed, "MpKrakBujaka", T0_PLUS_1H, 17.0));
        byte[] raw = "8786,1483228800,abc".getBytes(StandardCharsets.UTF_8);
        publisher.reject(new ParseOutcome.Rejected(feed, ReasonCode.NOT_A_NUMBER, "'abc' is not a number", raw, "it.csv:7",
                "text/csv", Topics.AIR_QUALITY, NOW));
        publisher.flush();

        List<ConsumerRecord<String, AirQualityMeasurement>> events = readAll(Topics.AIR_QUALITY, feed, 2);
        assertThat(events).extracting(ConsumerRecord::key, r -> r.value().getConcentrationUgM3(), ConsumerRecord::timestamp)
                .containsExactlyInAnyOrder(tuple("MpKrakAlKras", 42.5, T0.toEpochMilli()),
                        tuple("MpKrakBujaka", 17.0, T0_PLUS_1H.toEpochMilli()));

        List<ConsumerRecord<String, RejectedRecord>> rejected = readAll(Topics.REJECTED, feed, 1);
        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo(feed);
            RejectedRecord v = r.value();
            assertThat(v.getReasonCode()).isEqualTo("NOT_A_NUMBER");
            assertThat(v.getReason()).isEqualTo("'abc' is not a number");
            assertThat(v.getSourceId()).isEqualTo("it.csv:7");
            assertThat(v.getIntendedTopic()).isEqualTo("environment.air-quality.v1");
            assertThat(v.getContentType()).isEqualTo("text/csv");
            byte[] payload = new byte[v.getRawPayload().remaining()];
            v.getRawPayload().get(payload);
            assertThat(payload).isEqualTo(raw);
            assertThat(v.getRejectedAt()).isEqualTo(NOW);
        });

        var registryOfMeters = metrics.registry();
        assertThat(registryOfMeters.get(EventPublisher.RECORDS_METRIC).tag("feed", feed).tag("outcome", "accepted").counter().count())
                .isEqualTo(2);
        assertThat(registryOfMeters.get(EventPublisher.RECORDS_METRIC).tag("feed", feed).tag("outcome", "rejected").counter().count())
                .isEqualTo(1);
        assertThat(registryOfMeters.get(EventPublisher.REJECTED_METRIC).tag("feed", feed).tag("reason", "NOT_A_NUMBER").counter().count())
                .isEqualTo(1);
        assertThat(registryOfMeters.get(EventPublisher.REJECTED_METRIC).tag("feed", feed).tag("reason", "DUPLICATE").counter().count())
                .isZero();
        assertThat(publisher.sendFailures()).isZero();
        assertThat(publisher.acknowledged()).isEqualTo(3);
        assertThat(metrics.scrape()).contains("kafka_producer"); // the producer is bound to the registry
    }

    @Test
    void sendFailureIsCountedAndReportedNotSwallowed() {
        TopicSpec<AirQualityMeasurement> missing = new TopicSpec<>("it.does-not-exist.v1", AirQualityMeasurement.class, 1,
                Map.of(), Compatibility.BACKWARD_TRANSITIVE, "station code");
        List<String> reported = new CopyOnWriteArrayList<>();
        // The broker does not auto-create topics; give up on metadata quickly.
        EventPublisher publisher = publisher(PulseConfig.defaults().with(Map.of("kafka.max.block.ms", "1500")),
                (f, t, e) -> reported.add(f + "|" + t + "|" + e.getClass().getSimpleName()));
        ParseOutcome.Accepted<AirQualityMeasurement> good = measurement("it-failing", "MpKrakAlKras", T0, 1);
        publisher.accept(new ParseOutcome.Accepted<>(good.feed(), missing, good.key(), good.value(), good.eventTime(),
                good.eventId(), good.sourceId()));
        publisher.flush();

        assertThat(publisher.sendFailures()).isEqualTo(1);
        assertThat(publisher.lastSendFailure()).isPresent();
        assertThat(reported).containsExactly("it-failing|it.does-not-exist.v1|TimeoutException");
        assertThat(metrics.registry().get(EventPublisher.SEND_FAILURES_METRIC).tag("feed", "it-failing")
                .tag("topic", "it.does-not-exist.v1").counter().count()).isEqualTo(1);

        // the publisher keeps working for topics that exist
        publisher.accept(measurement("it-failing", "MpKrakDietla", T0, 2));
        publisher.flush();
        assertThat(publisher.acknowledged()).isEqualTo(1);
        assertThat(publisher.sendFailures()).isEqualTo(1);
    }

    @Test
    void closedPublisherRefusesRecordsLoudly() {
        EventPublisher publisher = publisher(PulseConfig.defaults(), (f, t, e) -> { });
        publisher.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> publisher.accept(measurement("it-closed", "MpKrakAlKras", T0, 1)))
                .isInstanceOf(PublishException.class);
        assertThat(publisher.sendFailures()).isEqualTo(1);
    }

    @Test
    void manyEventsArePublishedWithoutPerRecordFlush() {
        String feed = "it-bulk";
        // Publish-time stamps: 2017 event-time stamps are past the topic's 400-day retention, and the broker's first
        // retention check (30 s after it starts) deleted a whole partition of them mid-test (read 25 000 of 50 000).
        EventPublisher p = new EventPublisher(platform.clients(), platform.serdes(), metrics, "publisher-it");
        toClose.add(p);
        EventPublisher publisher = p;
        int n = 50_000;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            publisher.accept(measurement(feed, "S" + (i % 8), T0.plusSeconds(3600L * (i / 8)), i % 300));
        }
        publisher.flush();
        double seconds = (System.nanoTime() - start) / 1e9;
        org.slf4j.LoggerFactory.getLogger(EventPublisherIT.class).info("published {} events in {} s ({} events/s; informational, not asserted)",
                n, String.format("%.2f", seconds), String.format("%.0f", n / seconds));
        assertThat(publisher.acknowledged()).isEqualTo(n);
        assertThat(publisher.sendFailures()).isZero();
        assertThat(readAll(Topics.AIR_QUALITY, feed, n)).hasSize(n);
    }

    @Test
    void publishAllCompletesOnlyOnceEveryRecordIsAcknowledgedAndNamesTheOnesThatWereNot() throws Exception {
        EventPublisher publisher = EventPublisher.acknowledging(platform.clients(), platform.serdes(), metrics, "publisher-ack-it",
                Duration.ofSeconds(2));
        toClose.add(publisher);
        String feed = "it-ack";
        ParseOutcome.Rejected deadLetter = new ParseOutcome.Rejected(feed, ReasonCode.MALFORMED, "bad", new byte[] {1}, "it.csv:3",
                "text/csv", Topics.AIR_QUALITY, NOW);
        publisher.publishAll(List.of(measurement(feed, "MpKrakAlKras", T0, 3), deadLetter)).get(10, TimeUnit.SECONDS);
        assertThat(readAll(Topics.AIR_QUALITY, feed, 1)).hasSize(1);
        assertThat(readAll(Topics.REJECTED, feed, 1)).hasSize(1);

        // One record of the batch cannot land (no such topic): the batch fails, naming that record only.
        TopicSpec<AirQualityMeasurement> missing = new TopicSpec<>("it.ack-missing.v1", AirQualityMeasurement.class, 1,
                Map.of(), Compatibility.BACKWARD_TRANSITIVE, "station code");
        ParseOutcome.Accepted<AirQualityMeasurement> good = measurement(feed, "MpKrakBujaka", T0, 4);
        ParseOutcome.Accepted<AirQualityMeasurement> lost = new ParseOutcome.Accepted<>(feed, missing, "MpKrakDietla",
                measurement(feed, "MpKrakDietla", T0, 5).value(), T0, "it-ack:lost", "it.csv:5");
        long began = System.nanoTime();
        CompletableFuture<Void> failing = publisher.publishAll(List.of(good, lost));
        assertThatThrownBy(() -> failing.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(NotAcknowledgedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(NotAcknowledgedException.Reason.SEND_FAILED);
                    assertThat(e.unacknowledged()).containsExactly(lost);
                });
        assertThat(Duration.ofNanos(System.nanoTime() - began)).as("bounded by the acknowledgement timeout").isLessThan(Duration.ofSeconds(5));

        publisher.close();
        assertThatThrownBy(() -> publisher.publishAll(List.of(good)).get(1, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(NotAcknowledgedException.class,
                        e -> assertThat(e.reason()).isEqualTo(NotAcknowledgedException.Reason.REFUSED));
    }
}
