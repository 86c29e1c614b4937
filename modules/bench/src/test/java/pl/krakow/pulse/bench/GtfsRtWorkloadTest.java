package pl.krakow.pulse.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.transit.realtime.GtfsRealtime.FeedMessage;
import java.util.List;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.ingest.mobility.PlausibleArea;
import pl.krakow.pulse.ingest.mobility.MobilityConfig;

class GtfsRtWorkloadTest {

    @Test
    void simulatedSnapshotsHave700LabelledVehiclesInsideThePlausibleAreaAllDay() throws Exception {
        List<GtfsRtWorkload.Seed> seeds = GtfsRtWorkload.seeds();
        assertThat(seeds).hasSize(GtfsRtWorkload.VEHICLES);
        assertThat(seeds).allMatch(s -> s.id().startsWith("sim-"));
        PlausibleArea area = MobilityConfig.AREA_BBOX.defaultValue();
        for (int k : new int[]{0, 1, 18, 36, 8639}) {
            FeedMessage m = FeedMessage.parseFrom(GtfsRtWorkload.snapshot(seeds, k));
            assertThat(m.getEntityCount()).isEqualTo(700);
            assertThat(m.getHeader().getTimestamp()).isEqualTo(GtfsRtWorkload.SIMULATED_START.getEpochSecond() + 10L * k);
            assertThat(m.getEntityList()).allMatch(e -> area.contains(e.getVehicle().getPosition().getLatitude(),
                    e.getVehicle().getPosition().getLongitude()));
            assertThat(m.getEntityList()).allMatch(e -> e.getVehicle().getVehicle().getLabel().equals("simulated"));
        }
        // consecutive snapshots move every vehicle: none is an unchanged re-served position
        FeedMessage a = FeedMessage.parseFrom(GtfsRtWorkload.snapshot(seeds, 1));
        FeedMessage b = FeedMessage.parseFrom(GtfsRtWorkload.snapshot(seeds, 2));
        assertThat(a.getEntity(0).getVehicle().getPosition()).isNotEqualTo(b.getEntity(0).getVehicle().getPosition());
    }
}
