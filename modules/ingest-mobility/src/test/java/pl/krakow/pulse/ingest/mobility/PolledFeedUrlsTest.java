package pl.krakow.pulse.ingest.mobility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.platform.config.PulseConfig;

class PolledFeedUrlsTest {

    @Test
    void gtfsRealtimeUrlsAreParsedOnceIntoIdAndUrl() {
        PulseConfig config = PulseConfig.load(MobilityConfig.KEYS, null, Map.of(), Map.of("mobility.gtfsrt.urls",
                "krakow-T=https://gtfs.example/T/VehiclePositions.pb , poznan-trips=http://ztm.example/trip_updates.pb"));
        assertThat(config.get(MobilityConfig.GTFSRT_URLS)).containsExactly(
                new PolledFeedUrls("krakow-T", List.of(URI.create("https://gtfs.example/T/VehiclePositions.pb"))),
                new PolledFeedUrls("poznan-trips", List.of(URI.create("http://ztm.example/trip_updates.pb"))));
        assertThat(config.text(MobilityConfig.GTFSRT_URLS))
                .isEqualTo("krakow-T=https://gtfs.example/T/VehiclePositions.pb,poznan-trips=http://ztm.example/trip_updates.pb");
    }

    @Test
    void gbfsSystemHasItsStationInformationThenStatusUrl() {
        List<PolledFeedUrls> systems = PolledFeedUrls.parseGbfs(
                "oslo-bysykkel=https://gbfs.example/station_information.json|https://gbfs.example/station_status.json");
        assertThat(systems).containsExactly(new PolledFeedUrls("oslo-bysykkel", List.of(
                URI.create("https://gbfs.example/station_information.json"), URI.create("https://gbfs.example/station_status.json"))));
        assertThat(PolledFeedUrls.format(systems))
                .isEqualTo("oslo-bysykkel=https://gbfs.example/station_information.json|https://gbfs.example/station_status.json");
    }

    @Test
    void emptyMeansNoPolling() {
        assertThat(PulseConfig.defaults().get(MobilityConfig.GTFSRT_URLS)).isEmpty();
        assertThat(PolledFeedUrls.parseGbfs(" ")).isEmpty();
    }

    @Test
    void entryWithoutAnIdFailsAtLoadNamingTheKey() {
        assertThatThrownBy(() -> PulseConfig.load(MobilityConfig.KEYS, null, Map.of(),
                Map.of("mobility.gtfsrt.urls", "https://gtfs.example/T/VehiclePositions.pb")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mobility.gtfsrt.urls").hasMessageContaining("expected id=url");
    }

    @Test
    void areaIsParsedOnceAndPrintedAsWritten() {
        PulseConfig config = PulseConfig.load(MobilityConfig.KEYS, null, Map.of(), Map.of("mobility.area.bbox", "52.3,16.8,52.5,17.1"));
        assertThat(config.get(MobilityConfig.AREA_BBOX)).isEqualTo(new PlausibleArea(52.3, 16.8, 52.5, 17.1));
        assertThat(MobilityConfig.AREA_BBOX.defaultText()).isEqualTo("49.8,19.45,50.35,20.5");
        assertThatThrownBy(() -> PulseConfig.load(MobilityConfig.KEYS, null, Map.of(), Map.of("mobility.area.bbox", "52.5,16.8,52.3,17.1")))
                .hasMessageContaining("mobility.area.bbox");
    }
}
