package pl.krakow.pulse.indicators;

import pl.krakow.pulse.runtime.streams.StreamsApplication;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.events.ingest.RejectedRecord;
import pl.krakow.pulse.runtime.streams.errors.DeadLetters;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.testsupport.kafka.EmbeddedPlatform;
import pl.krakow.pulse.testsupport.kafka.TableReader;
import pl.krakow.pulse.testsupport.time.TestInstants;

/**
 * {@link StreamsApplication} against the embedded KRaft broker, exactly-once: real hourly values and
 * a malformed record in, daily means and a dead letter out.
 */
class Iv3ApplicationIT {

    private static final ZoneId WARSAW = TestInstants.WARSAW;
    /** 2017-01-10 local = [2017-01-09T23:00Z, 2017-01-10T23:00Z). */
    private static final Instant DAY_START = TestInstants.JAN_10_2017_WARSAW;
    private static final String STATION = "MpKrakAlKras";
    private static final String DAY_KEY = "iv3.pm10.daily_mean|station:" + STATION + "|2017-01-10T00:00:00+01:00";

    @TempDir
    Path dir;

    private EmbeddedPlatform platform;
    private KafkaClients clients;
    private PulseSerdes serdes;
    private PulseMetrics metrics;
    private StreamsApplication app;

    @BeforeEach
    void startBroker() {
        platform = EmbeddedPlatform.start(dir, "indicators-it").provision(Topics.all());
        clients = platform.clients();
        serdes = platform.serdes();
        metrics = platform.metrics();
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close(Duration.ofSeconds(30));
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void computesDailyMeansAndDeadLettersMalformedInput() {
        try (KafkaProducer<String, AirQualityMeasurement> producer = producer(serdes.value(Topics.AIR_QUALITY).serializer());
             KafkaProducer<String, byte[]> raw = producer(new ByteArraySerializer())) {
            for (int h = 0; h < 24; h++) {
                Instant end = DAY_START.plus(Duration.ofHours(h + 1L));
                producer.send(new ProducerRecord<>(Topics.AIR_QUALITY.name(), STATION, measurement(end, h < 12 ? 40 : 80)));
            }
            raw.send(new ProducerRecord<>(Topics.AIR_QUALITY.name(), STATION, "not avro".getBytes(StandardCharsets.UTF_8)));
            // The next day's 02:00-03:00 hour moves stream time to the day's end + 3 h grace.
            producer.send(new ProducerRecord<>(Topics.AIR_QUALITY.name(), STATION,
                    measurement(Instant.parse("2017-01-11T02:00:00Z"), 10)));
            producer.flush();
            raw.flush();
        }

        app = Iv3EnvironmentTopology.application(clients, serdes, IndicatorCatalog.bundled(), WARSAW, metrics, dir.resolve("state"));
        app.start();
        await().atMost(Duration.ofSeconds(60)).until(app::isRunning);
        assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);

        Map<String, IndicatorValue> finals = new HashMap<>();
        List<RejectedRecord> rejected;
        try (TableReader<IndicatorValue> table = new TableReader<>(platform, Topics.INDICATORS_IV3);
             TableReader<RejectedRecord> dlq = new TableReader<>(platform, Topics.REJECTED)) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                table.poll();
                dlq.poll();
                for (int i = 0; i < table.keys.size(); i++) {
                    if (table.records.get(i).getStatus() == IndicatorStatus.FINAL) {
                        finals.put(table.keys.get(i), table.records.get(i));
                    }
                }
                assertThat(finals).containsKey(DAY_KEY);
                assertThat(dlq.records).hasSize(1);
            });
            rejected = List.copyOf(dlq.records);
        }
        IndicatorValue day = finals.get(DAY_KEY);
        // (12 × 40 + 12 × 80) / 24 = 60
        assertThat(day.getValue()).isEqualTo(60.0);
        assertThat(day.getObservedCount()).isEqualTo(24);
        assertThat(day.getValid()).isTrue();
        assertThat(day.getRevision()).isEqualTo(1);
        assertThat(rejected.get(0).getReasonCode()).isEqualTo("DESERIALIZATION_ERROR");
        assertThat(new String(rejected.get(0).getRawPayload().array(), StandardCharsets.UTF_8)).isEqualTo("not avro");
        assertThat(metrics.registry().get(DeadLetters.DESERIALIZATION_ERRORS).counter().count()).isEqualTo(1);
        assertThat(metrics.registry().get("pulse.indicators.values").tag("indicator", "iv3.pm10.daily_mean").tag("status", "FINAL")
                .counter().count()).isEqualTo(1);
        assertThat(metrics.scrape()).contains("pulse_indicators_latency_seconds_bucket");
    }

    private AirQualityMeasurement measurement(Instant hourEnd, double value) {
        return AirQualityMeasurement.newBuilder()
                .setEventId("it-" + hourEnd).setEventTime(hourEnd).setFeed("it").setSourceId("Iv3ApplicationIT")
                .setStationCode(STATION).setPollutant(Pollutant.PM10).setConcentrationUgM3(value)
                .setAveragingPeriodSeconds(3600).setValidated(false).setIngestedAt(Instant.now()).build();
    }

    private <V> KafkaProducer<String, V> producer(org.apache.kafka.common.serialization.Serializer<V> valueSerializer) {
        Map<String, Object> props = clients.producer("indicators-it-producer");
        return new KafkaProducer<>(props, new StringSerializer(), valueSerializer);
    }
}
