package pl.krakow.pulse.indicators.iv4;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.events.mobility.VehiclePosition;

/**
 * Vehicles in service and commercial speed from {@code mobility.vehicle-positions.v1}.
 *
 * <p><b>Vehicles in service</b> (per minute; scopes naming the feed's city or system, {@link MobilityScopes}:
 * {@code city:krakow}, {@code mode:krakow/<tram|bus|…>}, {@code district:<I–XVIII>} (Kraków's records only),
 * {@code line:krakow-T/<line>}): the distinct vehicles in service whose latest position
 * is less than 5 minutes old. Each vehicle's latest state lives in {@code iv4-vehicles-latest}; when stream
 * time enters a new minute, vehicles last seen more than 5 minutes before that minute's end drop out, and a
 * record with {@code inService=false} (the ingest side's FULL_DATASET departure) removes a vehicle at once.
 * The minute's value is the count after its last event (FINAL when stream time leaves the minute).
 *
 * <p><b>Commercial speed</b> (per hour; the same scopes but mode): Σ great-circle distance ÷ Σ time
 * between successive positions of one vehicle on one trip, discarding gaps over 5 minutes and jumps
 * over 80 km/h (INDICATORS.md). Needs positions at most 5 minutes apart.
 */
final class VehiclesProcessor extends WindowedScopeProcessor<VehiclePosition> {

    static final String IN_SERVICE = "iv4.pt.vehicles_in_service";
    static final String SPEED = "iv4.pt.speed";
    static final long FRESH_MS = Duration.ofMinutes(5).toMillis();
    static final long MAX_GAP_MS = Duration.ofMinutes(5).toMillis();
    static final double MAX_SPEED_KMH = 80;
    private static final double EARTH_RADIUS_KM = 6371.0088;

    /** A vehicle's latest state. */
    record Latest(long seenMs, boolean inService, double lat, double lon, String trip, List<String> scopes) {

        byte[] encode() {
            String text = seenMs + "\t" + inService + '\t' + lat + '\t' + lon + '\t' + (trip == null ? "" : trip) + '\t'
                    + String.join("\u0001", scopes);
            return text.getBytes(StandardCharsets.UTF_8);
        }

        static Latest decode(byte[] b) {
            String[] p = new String(b, StandardCharsets.UTF_8).split("\t", -1);
            List<String> scopes = p[5].isEmpty() ? List.of() : List.of(p[5].split("\u0001"));
            return new Latest(Long.parseLong(p[0]), Boolean.parseBoolean(p[1]), Double.parseDouble(p[2]),
                    Double.parseDouble(p[3]), p[4].isEmpty() ? null : p[4], scopes);
        }
    }

    private final String latestStoreName;
    private KeyValueStore<String, byte[]> latest;
    /** scope → vehicles currently counted (in service, fresh); rebuilt from the store at start-up. */
    private final Map<String, Integer> counts = new HashMap<>();
    private long currentMinute = Long.MIN_VALUE;

    VehiclesProcessor(String windowStore, String latestStore, Map<String, Duration> grace, ZoneId zone, Clock clock,
                      Duration punctuation, MeterRegistry meters) {
        super(windowStore, grace, zone, clock, punctuation, meters, "iv4-vehicles");
        this.latestStoreName = latestStore;
    }

    @Override
    void initMore(ProcessorContext<String, IndicatorValue> ctx) {
        latest = ctx.getStateStore(latestStoreName);
        try (KeyValueIterator<String, byte[]> it = latest.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                Latest l = Latest.decode(kv.value);
                if (l.inService()) {
                    l.scopes().forEach(s -> counts.merge(s, 1, Integer::sum));
                }
            }
        }
    }

    /** The scopes a position counts in ({@link MobilityScopes}). */
    static List<String> scopesOf(VehiclePosition p) {
        return MobilityScopes.of(p);
    }

    @Override
    long eventTimeMs(VehiclePosition value) {
        return value.getEventTime().toEpochMilli();
    }

    /** Entering a later minute: vehicles not seen within 5 minutes of its end stop counting. */
    @Override
    void beforeAdvance(long t) {
        long minute = Math.floorDiv(t, 60_000L) * 60_000L;
        if (minute <= currentMinute) {
            return;
        }
        currentMinute = minute;
        long freshFrom = minute + 60_000L - FRESH_MS;
        List<KeyValue<String, byte[]>> stale = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = latest.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                Latest l = Latest.decode(kv.value);
                if (l.inService() && l.seenMs() < freshFrom) {
                    stale.add(kv);
                }
            }
        }
        for (KeyValue<String, byte[]> kv : stale) {
            Latest l = Latest.decode(kv.value);
            l.scopes().forEach(s -> counts.merge(s, -1, Integer::sum));
            latest.put(kv.key, new Latest(l.seenMs(), false, l.lat(), l.lon(), l.trip(), l.scopes()).encode());
        }
        pendingScopes.clear();
        if (!stale.isEmpty()) {
            stale.forEach(kv -> pendingScopes.addAll(Latest.decode(kv.value).scopes()));
        }
    }

    /** Scopes whose count changed by expiry and must be written into the new minute's windows. */
    private final Set<String> pendingScopes = new LinkedHashSet<>();

    @Override
    void onRecord(VehiclePosition p, Updater updater) {
        long t = p.getEventTime().toEpochMilli();
        long ingested = p.getIngestedAt().toEpochMilli();
        String key = p.getFeed() + '|' + p.getVehicleId();
        byte[] oldBytes = latest.get(key);
        Latest old = oldBytes == null ? null : Latest.decode(oldBytes);
        if (old != null && t < old.seenMs()) {
            return; // an older position than the one we hold changes nothing
        }
        Set<String> touched = new LinkedHashSet<>(pendingScopes);
        pendingScopes.clear();
        if (old != null && old.inService()) {
            old.scopes().forEach(s -> counts.merge(s, -1, Integer::sum));
            touched.addAll(old.scopes());
        }
        List<String> scopes = scopesOf(p);
        double lat = p.getPosition().getLatitude();
        double lon = p.getPosition().getLongitude();
        if (p.getInService()) {
            scopes.forEach(s -> counts.merge(s, 1, Integer::sum));
            touched.addAll(scopes);
        }
        latest.put(key, new Latest(t, p.getInService(), lat, lon, p.getTripId(), scopes).encode());

        long minute = Math.floorDiv(t, 60_000L) * 60_000L;
        for (String scope : touched) {
            int n = Math.max(0, counts.getOrDefault(scope, 0));
            updater.update("n", scope, minute, minute + 60_000L, ingested, ignored -> count(n));
        }

        if (p.getInService() && old != null && old.inService() && java.util.Objects.equals(old.trip(), p.getTripId())) {
            long dt = t - old.seenMs();
            if (dt > 0 && dt <= MAX_GAP_MS) {
                double km = haversineKm(old.lat(), old.lon(), lat, lon);
                double hours = dt / 3_600_000.0;
                if (km / hours <= MAX_SPEED_KMH) {
                    long hour = p.getEventTime().truncatedTo(ChronoUnit.HOURS).toEpochMilli();
                    for (String scope : scopes) {
                        if (scope.startsWith("mode:")) {
                            continue;
                        }
                        updater.update("s", scope, hour, hour + 3_600_000L, ingested, st -> addSegment(st, km, hours));
                    }
                }
            }
        }
    }

    /** State of a count window: end(8) ingested(8) count(4). */
    private static ByteBuffer count(int n) {
        return ByteBuffer.allocate(20).putInt(16, n);
    }

    /** State of a speed window: end(8) ingested(8) km(8) hours(8) segments(4). */
    private static ByteBuffer addSegment(ByteBuffer old, double km, double hours) {
        ByteBuffer next = ByteBuffer.allocate(36);
        double k = old == null ? 0 : old.getDouble(16);
        double h = old == null ? 0 : old.getDouble(24);
        int n = old == null ? 0 : old.getInt(32);
        return next.putDouble(16, k + km).putDouble(24, h + hours).putInt(32, n + 1);
    }

    static double haversineKm(double lat1, double lon1, double lat2, double lon2) {
        double dLat = Math.toRadians(lat2 - lat1);
        double dLon = Math.toRadians(lon2 - lon1);
        double a = Math.sin(dLat / 2) * Math.sin(dLat / 2)
                + Math.cos(Math.toRadians(lat1)) * Math.cos(Math.toRadians(lat2)) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
    }

    @Override
    List<Output> render(String group, String scope, ByteBuffer state) {
        if (group.equals("n")) {
            int n = state.getInt(16);
            return List.of(new Output(IN_SERVICE, (double) n, "count", n));
        }
        double hours = state.getDouble(24);
        int segments = state.getInt(32);
        return List.of(new Output(SPEED, hours > 0 ? state.getDouble(16) / hours : null, "km/h", segments));
    }
}
