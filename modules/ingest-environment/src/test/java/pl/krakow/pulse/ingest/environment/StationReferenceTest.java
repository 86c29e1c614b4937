package pl.krakow.pulse.ingest.environment;

import pl.krakow.pulse.runtime.geo.RayCastingDistricts;
import pl.krakow.pulse.runtime.geo.District;
import pl.krakow.pulse.runtime.geo.KrakowDistricts;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.reference.MonitoringStation;
import pl.krakow.pulse.ingest.EventSink;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.platform.topics.Topics;

class StationReferenceTest {

    private static final Instant NOW = Instant.parse("2026-01-15T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String[] ROMAN = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
        "XIII", "XIV", "XV", "XVI", "XVII", "XVIII"};

    private static final class RecordingSink implements EventSink {
        final List<ParseOutcome.Accepted<?>> accepted = new ArrayList<>();
        int rejected;
        int flushes;

        @Override
        public void accept(ParseOutcome.Accepted<?> event) {
            accepted.add(event);
        }

        @Override
        public void reject(ParseOutcome.Rejected rejection) {
            rejected++;
        }

        @Override
        public void flush() {
            flushes++;
        }
    }

    @Test
    void everyBundledStationBecomesARecordWithItsDistrict() {
        RayCastingDistricts ray = new RayCastingDistricts();
        List<MonitoringStation> records = StationReference.bundled(CLOCK).records();

        assertThat(records).hasSize(14);
        for (int i = 0; i < records.size(); i++) {
            MonitoringStation m = records.get(i);
            BundledData.Station s = BundledData.stations().get(i);
            assertThat(m.getStationCode()).isEqualTo(s.code());
            assertThat(m.getName()).isEqualTo(s.name());
            assertThat(m.getAddress()).isEqualTo(s.address());
            assertThat(m.getLocation().getLatitude()).isEqualTo(s.latitude());
            assertThat(m.getLocation().getLongitude()).isEqualTo(s.longitude());
            List<Integer> expected = ray.districtsContaining(s.latitude(), s.longitude());
            assertThat(m.getDistrict()).as(s.code()).isEqualTo(expected.isEmpty() ? null : ROMAN[expected.get(0) - 1]);
            assertThat(m.getSource()).isEqualTo(BundledData.STATIONS_CSV);
            assertThat(m.getUpdatedAt()).isEqualTo(NOW);
        }
        assertThat(records).filteredOn(m -> m.getStationCode().equals("MpKrakDietla"))
                .extracting(MonitoringStation::getDistrict).containsExactly("I");
        assertThat(records).filteredOn(m -> m.getStationCode().equals("MpKrakBulwar"))
                .extracting(MonitoringStation::getDistrict).containsExactly("XVIII");
    }

    @Test
    void stationOutsideTheCityHasNoDistrict() {
        BundledData.Station balice = new BundledData.Station(1, "TestBalice", "Balice", "", 50.0777, 19.7848);
        StationReference ref = new StationReference(List.of(balice), KrakowDistricts.bundled(), "test", CLOCK);

        MonitoringStation m = ref.records().get(0);

        assertThat(m.getDistrict()).isNull();
        assertThat(m.getAddress()).isNull(); // blank address → null
    }

    @Test
    void publishHandsEveryRecordToTheSinkKeyedByStationCode() {
        RecordingSink sink = new RecordingSink();

        int published = StationReference.bundled(CLOCK).publish(sink);

        assertThat(published).isEqualTo(14);
        assertThat(sink.rejected).isZero();
        assertThat(sink.flushes).isEqualTo(1);
        assertThat(sink.accepted).hasSize(14).allSatisfy(a -> {
            assertThat(a.topic()).isEqualTo(Topics.REFERENCE_STATIONS);
            assertThat(a.feed()).isEqualTo(StationReference.FEED);
            assertThat(a.key()).isEqualTo(((MonitoringStation) a.value()).getStationCode());
            assertThat(a.eventId()).isEqualTo("gios-stations:" + a.key());
            assertThat(a.eventTime()).isEqualTo(NOW);
        });
        assertThat(sink.accepted).extracting(ParseOutcome.Accepted::key).containsExactlyElementsOf(
                BundledData.stations().stream().map(BundledData.Station::code).toList());
    }
}
