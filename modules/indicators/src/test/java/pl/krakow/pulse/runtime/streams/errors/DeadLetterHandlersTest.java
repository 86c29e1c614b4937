package pl.krakow.pulse.runtime.streams.errors;

// Lives in the indicators test tree: it drives the handlers through the IV.3 topology; the package is the
// handlers' own so it can reach their package-private parts.

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.events.ingest.RejectedRecord;
import pl.krakow.pulse.runtime.streams.StreamsApplication;
import pl.krakow.pulse.indicators.IndicatorsTestBase;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.topics.RejectedRecords;
import pl.krakow.pulse.platform.topics.Topics;

/** Malformed input and failing processing go to the DLQ in its own Avro format, counted, and processing goes on. */
class DeadLetterHandlersTest extends IndicatorsTestBase {

    private static final Instant REJECTED_AT = Instant.parse("2017-01-11T06:00:00Z");

    private TestOutputTopic<String, RejectedRecord> rejected() {
        return driver.createOutputTopic(Topics.REJECTED.name(), serdes.key().deserializer(),
                serdes.value(Topics.REJECTED).deserializer());
    }

    private java.util.Properties propsWithHandlers() {
        return StreamsApplication.configureErrorHandling(streamsProps(),
                new DeadLetters("pulse-indicators-iv3", serdes, meters, clock));
    }

    @Test
    void undeserializableRecordGoesToRejectedTopicAndProcessingContinues() {
        driver = new TopologyTestDriver(topology(IndicatorCatalog.bundled()), propsWithHandlers(), REJECTED_AT);
        TestInputTopic<String, byte[]> raw = driver.createInputTopic(Topics.AIR_QUALITY.name(), new StringSerializer(),
                new ByteArraySerializer());
        TestInputTopic<String, AirQualityMeasurement> good = driver.createInputTopic(Topics.AIR_QUALITY.name(),
                serdes.key().serializer(), serdes.value(Topics.AIR_QUALITY).serializer());
        TestOutputTopic<String, IndicatorValue> out = driver.createOutputTopic(Topics.INDICATORS_IV3.name(),
                serdes.key().deserializer(), serdes.value(Topics.INDICATORS_IV3).deserializer());

        byte[] garbage = "pm10=12.5 at 2017-01-10 01:00".getBytes(StandardCharsets.UTF_8);
        raw.pipeInput(KRASINSKIEGO, garbage, T0_PLUS_1H);
        good.pipeInput(KRASINSKIEGO, hourly(KRASINSKIEGO, Pollutant.PM10, T0_PLUS_1H, 42.0));

        List<TestRecord<String, RejectedRecord>> dlq = rejected().readRecordsToList();
        assertThat(dlq).hasSize(1);
        assertThat(dlq.get(0).key()).isEqualTo("pulse-indicators-iv3");
        RejectedRecord r = dlq.get(0).value();
        assertThat(r.getReasonCode()).isEqualTo(DeadLetterDeserializationExceptionHandler.REASON);
        assertThat(r.getFeed()).isEqualTo("pulse-indicators-iv3");
        assertThat(r.getIntendedTopic()).isEqualTo(Topics.AIR_QUALITY.name());
        assertThat(r.getSourceId()).startsWith(Topics.AIR_QUALITY.name() + "/0@0");
        assertThat(bytes(r.getRawPayload())).isEqualTo(garbage);
        assertThat(r.getRejectedAt()).isEqualTo(REJECTED_AT);
        assertThat(out.readValue().getValue()).isEqualTo(42.0);
        assertThat(counter(DeadLetters.DESERIALIZATION_ERRORS, "topic", Topics.AIR_QUALITY.name())).isEqualTo(1);
        assertThat(counter(DeadLetters.DEAD_LETTERS, "reason", DeadLetterDeserializationExceptionHandler.REASON)).isEqualTo(1);
    }

    /** A dead letter must fit the topic however large the record was: Streams would otherwise fail its transaction. */
    @Test
    void undeserializableRecordOfTwoMegabytesIsDeadLetteredCutWithItsLengthAndHash() {
        driver = new TopologyTestDriver(topology(IndicatorCatalog.bundled()), propsWithHandlers(), REJECTED_AT);
        TestInputTopic<String, byte[]> raw = driver.createInputTopic(Topics.AIR_QUALITY.name(), new StringSerializer(),
                new ByteArraySerializer());
        byte[] huge = new byte[2 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) '?');

        raw.pipeInput(KRASINSKIEGO, huge, T0_PLUS_1H);

        RejectedRecord r = rejected().readValue();
        assertThat(r.getRawPayloadLength()).isEqualTo(huge.length);
        assertThat(r.getRawPayloadTruncated()).isTrue();
        assertThat(r.getRawPayloadSha256()).isEqualTo(RejectedRecords.sha256Hex(huge));
        assertThat(bytes(r.getRawPayload())).isEqualTo(java.util.Arrays.copyOf(huge, 64 * 1024));
    }

    @Test
    void recordFailingInAProcessorGoesToRejectedTopicAndProcessingContinues() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(Topics.AIR_QUALITY.name(), Consumed.with(serdes.key(), serdes.value(Topics.AIR_QUALITY)).withName("source"))
                .mapValues(m -> {
                    if (m.getConcentrationUgM3() < 0) {
                        throw new IllegalStateException("negative concentration");
                    }
                    return m;
                }, Named.as("check"))
                .to("checked", Produced.with(serdes.key(), serdes.value(Topics.AIR_QUALITY)).withName("sink"));
        driver = new TopologyTestDriver(builder.build(), propsWithHandlers(), REJECTED_AT);
        TestInputTopic<String, AirQualityMeasurement> in = driver.createInputTopic(Topics.AIR_QUALITY.name(),
                serdes.key().serializer(), serdes.value(Topics.AIR_QUALITY).serializer());
        TestOutputTopic<String, AirQualityMeasurement> checked = driver.createOutputTopic("checked",
                serdes.key().deserializer(), serdes.value(Topics.AIR_QUALITY).deserializer());

        AirQualityMeasurement bad = hourly(KRASINSKIEGO, Pollutant.PM10, T0_PLUS_1H, -1.0);
        in.pipeInput(KRASINSKIEGO, bad);
        in.pipeInput(KRASINSKIEGO, hourly(KRASINSKIEGO, Pollutant.PM10, T0_PLUS_1H, 1.0));

        RejectedRecord r = rejected().readValue();
        assertThat(r.getReasonCode()).isEqualTo(DeadLetterProcessingExceptionHandler.REASON);
        assertThat(r.getReason()).contains("negative concentration");
        byte[] raw = bytes(r.getRawPayload());
        assertThat(serdes.value(Topics.AIR_QUALITY).deserializer().deserialize(Topics.AIR_QUALITY.name(), raw)).isEqualTo(bad);
        assertThat(checked.readValuesToList()).hasSize(1);
        assertThat(counter(DeadLetters.PROCESSING_ERRORS, "processor", "check")).isEqualTo(1);
    }

    @Test
    void handlerConfiguredWithoutDeadLettersOnlyLogsAndCounts() {
        DeadLetterDeserializationExceptionHandler handler = new DeadLetterDeserializationExceptionHandler();
        handler.configure(java.util.Map.of());
        assertThat(DeadLetters.logOnly().deadLetter(null, new byte[0], "X", new RuntimeException("x"),
                org.slf4j.LoggerFactory.getLogger(getClass()))).isEmpty();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
