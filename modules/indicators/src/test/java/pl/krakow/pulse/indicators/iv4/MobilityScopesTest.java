package pl.krakow.pulse.indicators.iv4;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.common.GeoPoint;
import pl.krakow.pulse.events.mobility.StopEvent;
import pl.krakow.pulse.events.mobility.TransportMode;
import pl.krakow.pulse.events.mobility.VehiclePosition;

/** The scope names of the IV.4 values, spelled out: each names its city or system. */
class MobilityScopesTest {

    private static final Instant T = Instant.parse("2024-08-20T10:56:28Z");

    private static VehiclePosition vehicle(String feed, String line, String routeId, TransportMode mode, String district) {
        return VehiclePosition.newBuilder().setEventId("e").setEventTime(T).setFeed(feed).setSourceId("s").setVehicleId("v")
                .setRouteId(routeId).setLineName(line).setMode(mode).setPosition(new GeoPoint(50.06, 19.94)).setFeedTimestamp(T)
                .setDistrict(district).setIngestedAt(T).build();
    }

    private static StopEvent stop(String feed, String line, String routeId) {
        return StopEvent.newBuilder().setEventId("e").setEventTime(T).setFeed(feed).setSourceId("s").setTripId("t")
                .setRouteId(routeId).setLineName(line).setDepartureDelaySeconds(0).setIngestedAt(T).build();
    }

    @Test
    void krakowTramNamesKrakowInEveryScope() {
        assertThat(MobilityScopes.of(vehicle("gtfs-rt:krakow-T", "1", "r1", TransportMode.TRAM, "I")))
                .containsExactly("city:krakow", "mode:krakow/tram", "district:I", "line:krakow-T/1");
    }

    @Test
    void krakowBusWithoutAKnownRouteCountsCityModeAndDistrictOnly() {
        assertThat(MobilityScopes.of(vehicle("gtfs-rt:krakow-A", null, null, TransportMode.BUS, "XVIII")))
                .containsExactly("city:krakow", "mode:krakow/bus", "district:XVIII");
    }

    @Test
    void poznanStopEventsAreInPoznanAndTheirLineUsesTheRouteIdWhenNoLineNameIsKnown() {
        assertThat(MobilityScopes.of(stop("gtfs-rt:poznan-ztm", null, "16"))).containsExactly("city:poznan", "line:poznan-ztm/16");
        assertThat(MobilityScopes.of(stop("gtfs-rt:krakow-T", "1", "r1"))).containsExactly("city:krakow", "line:krakow-T/1");
    }

    @Test
    void unknownFeedIsItsOwnSystemAndItsDistrictIsNotCounted() {
        assertThat(MobilityScopes.of(vehicle("gtfs-rt:replay", "52", null, TransportMode.OTHER, "I")))
                .containsExactly("system:replay", "mode:replay/other", "line:replay/52");
    }
}
