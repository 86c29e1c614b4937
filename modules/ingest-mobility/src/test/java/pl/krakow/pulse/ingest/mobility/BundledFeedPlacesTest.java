package pl.krakow.pulse.ingest.mobility;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import pl.krakow.pulse.platform.catalog.Places;

/**
 * The bundled feeds' ids name their city (platform {@code Places}): the indicators scope every value by them, so a
 * Poznań or Oslo recording must never carry an id that reads as Kraków's, nor a Kraków feed one that does not.
 */
class BundledFeedPlacesTest {

    @Test
    void krakowFeedsAreKrakows() {
        assertThat(MobilityBundledData.STATIC_FEED_IDS).allSatisfy(id -> assertThat(Places.ofFeed(id)).isEqualTo(Places.KRAKOW));
        for (String file : MobilityBundledData.krakowVehiclePositionFiles()) {
            assertThat(Places.ofFeed(MobilityBundledData.krakowFeedOfFile().apply(file).feedId())).as(file).isEqualTo(Places.KRAKOW);
        }
    }

    @Test
    void poznanAndOsloRecordingsNameTheirOwnCity() {
        RealtimeFeed poznan = MobilityBundledData.poznanFeed();
        assertThat(poznan.feedName()).isEqualTo("gtfs-rt:poznan-ztm");
        assertThat(Places.ofFeed(poznan.feedId()).scope()).isEqualTo("city:poznan");
        assertThat(Places.system(MobilityBundledData.OSLO_SYSTEM).scope()).isEqualTo("system:oslo-bysykkel");
        assertThat(Places.cityOf(MobilityBundledData.OSLO_SYSTEM)).contains("oslo");
        assertThat(Places.system(MobilityBundledData.OSLO_SYSTEM).krakow()).isFalse();
    }
}
