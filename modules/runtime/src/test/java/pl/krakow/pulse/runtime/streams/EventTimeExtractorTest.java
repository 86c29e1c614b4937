package pl.krakow.pulse.runtime.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.common.GeoPoint;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.events.safety.Incident;

/** The one extractor serves the IV.3 (air-quality) and IV.5 (incident) sources as their own copies did. */
class EventTimeExtractorTest {

    private static final long BROKER_TIME = 1_700_000_000_000L;
    private static final Instant EVENT_TIME = Instant.parse("2017-03-27T01:00:00Z");
    private final EventTimeExtractor extractor = new EventTimeExtractor();

    private long extract(Object value) {
        return extractor.extract(new ConsumerRecord<>("topic", 0, 0, BROKER_TIME, TimestampType.CREATE_TIME, 0, 0, "key", value,
                new RecordHeaders(), Optional.empty()), -1);
    }

    @Test
    void aMeasurementOrAnIncidentIsTimedByItsEventTime() {
        AirQualityMeasurement measurement = new AirQualityMeasurement();
        measurement.setEventTime(EVENT_TIME);
        Incident incident = new Incident();
        incident.setEventTime(EVENT_TIME.plusSeconds(60));

        assertThat(extract(measurement)).isEqualTo(EVENT_TIME.toEpochMilli());
        assertThat(extract(incident)).isEqualTo(EVENT_TIME.plusSeconds(60).toEpochMilli());
    }

    @Test
    void withoutAReadableEventTimeTheBrokerTimestampStays() {
        assertThat(extract(null)).as("tombstone or progress marker").isEqualTo(BROKER_TIME);
        assertThat(extract(new Incident())).as("event time not set").isEqualTo(BROKER_TIME);
        assertThat(extract(new GeoPoint(50.06, 19.94))).as("a record without eventTime").isEqualTo(BROKER_TIME);
        assertThat(extract("not an Avro record")).isEqualTo(BROKER_TIME);
    }
}
