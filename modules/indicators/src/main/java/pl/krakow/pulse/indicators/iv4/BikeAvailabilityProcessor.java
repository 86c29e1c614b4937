package pl.krakow.pulse.indicators.iv4;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import pl.krakow.pulse.events.mobility.BikeStationStatus;

/**
 * Bike availability from {@code mobility.bike-stations.v1}: the share of stations with at least one bike
 * and at least one free dock (INDICATORS.md), per 15-minute window, per bike-share system ({@code system:oslo-bysykkel})
 * and, for Kraków's systems, per district ({@link MobilityScopes}). A GBFS
 * snapshot's stations all carry the snapshot's time; a window's value is that of the newest snapshot in
 * it (an older snapshot arriving later does not overwrite it). Stations not installed or not renting
 * count as unavailable.
 */
final class BikeAvailabilityProcessor extends WindowedScopeProcessor<BikeStationStatus> {

    static final String AVAILABILITY = "iv4.bike.availability";
    static final long WINDOW_MS = Duration.ofMinutes(15).toMillis();

    BikeAvailabilityProcessor(String storeName, Map<String, Duration> grace, ZoneId zone, Clock clock, Duration punctuation,
                              MeterRegistry meters) {
        super(storeName, grace, zone, clock, punctuation, meters, "iv4-bikes");
    }

    /** The rule of the indicator, shared with nothing else so a test can restate it independently. */
    static boolean available(BikeStationStatus s) {
        boolean installed = s.getIsInstalled() == null || s.getIsInstalled();
        return installed && s.getIsRenting() && s.getIsReturning() && s.getBikesAvailable() >= 1 && s.getDocksAvailable() >= 1;
    }

    @Override
    long eventTimeMs(BikeStationStatus value) {
        return value.getEventTime().toEpochMilli();
    }

    @Override
    void onRecord(BikeStationStatus s, Updater updater) {
        long snapshot = s.getEventTime().toEpochMilli();
        long start = Math.floorDiv(snapshot, WINDOW_MS) * WINDOW_MS;
        int ok = available(s) ? 1 : 0;
        long ingested = s.getIngestedAt().toEpochMilli();
        for (String scope : MobilityScopes.of(s)) {
            updater.update("b", scope, start, start + WINDOW_MS, ingested, old -> add(old, snapshot, ok));
        }
    }

    /** State: end(8) ingested(8) snapshot(8) available(4) total(4). */
    private static ByteBuffer add(ByteBuffer old, long snapshot, int ok) {
        ByteBuffer next = ByteBuffer.allocate(32);
        if (old != null && old.getLong(16) > snapshot) {
            next.put(old.array());
            return next; // an older snapshot does not replace the newer one
        }
        int available = 0;
        int total = 0;
        if (old != null && old.getLong(16) == snapshot) {
            available = old.getInt(24);
            total = old.getInt(28);
        }
        next.putLong(16, snapshot).putInt(24, available + ok).putInt(28, total + 1);
        return next;
    }

    @Override
    List<Output> render(String group, String scope, ByteBuffer state) {
        int available = state.getInt(24);
        int total = state.getInt(28);
        return List.of(new Output(AVAILABILITY, total == 0 ? null : 100.0 * available / total, "%", total));
    }
}
