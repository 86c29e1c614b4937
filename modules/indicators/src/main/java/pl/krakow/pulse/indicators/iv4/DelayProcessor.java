package pl.krakow.pulse.indicators.iv4;

import com.tdunning.math.stats.MergingDigest;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import pl.krakow.pulse.events.mobility.StopEvent;

/**
 * On-time share and delay percentiles from {@code mobility.stop-events.v1}, per line and per city (or system) of
 * the feed ({@link MobilityScopes}: {@code city:poznan}, {@code line:poznan-ztm/16}), per hour and per local day
 * (Europe/Warsaw, DST-correct). A stop event's delay is its departure delay, else its arrival delay (a feed
 * that predicts arrivals only, as Poznań's does, still counts). On time = delay in [−60 s, +180 s] (ZTM Warszawa
 * convention, INDICATORS.md). Percentiles come from a t-digest
 * (compression 200) kept per window in the state store: mergeable, a few KB per window; its estimate
 * lies within ±2 % of the requested rank (tested on the Poznań feed), not on an exact order statistic.
 */
final class DelayProcessor extends WindowedScopeProcessor<StopEvent> {

    static final String ON_TIME = "iv4.pt.on_time";
    static final String DELAY_P50 = "iv4.pt.delay_p50";
    static final String DELAY_P90 = "iv4.pt.delay_p90";
    static final int EARLY_LIMIT_S = -60;
    static final int LATE_LIMIT_S = 180;
    private static final double COMPRESSION = 200;

    private final ZoneId zone;

    DelayProcessor(String storeName, Map<String, Duration> grace, ZoneId zone, Clock clock, Duration punctuation,
                   MeterRegistry meters) {
        super(storeName, grace, zone, clock, punctuation, meters, "iv4-delays");
        this.zone = zone;
    }

    /** The delay a stop event contributes, or null. */
    static Integer delayOf(StopEvent e) {
        return e.getDepartureDelaySeconds() != null ? e.getDepartureDelaySeconds() : e.getArrivalDelaySeconds();
    }

    static boolean onTime(int delaySeconds) {
        return delaySeconds >= EARLY_LIMIT_S && delaySeconds <= LATE_LIMIT_S;
    }

    @Override
    long eventTimeMs(StopEvent value) {
        return value.getEventTime().toEpochMilli();
    }

    @Override
    void onRecord(StopEvent e, Updater updater) {
        Integer delay = delayOf(e);
        if (delay == null) {
            return;
        }
        long ingested = e.getIngestedAt().toEpochMilli();
        ZonedDateTime local = e.getEventTime().atZone(zone);
        long hourStart = e.getEventTime().truncatedTo(ChronoUnit.HOURS).toEpochMilli();
        long dayStartMs = local.toLocalDate().atStartOfDay(zone).toInstant().toEpochMilli();
        long dayEndMs = local.toLocalDate().plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        for (String scope : MobilityScopes.of(e)) {
            updater.update("h", scope, hourStart, hourStart + 3_600_000L, ingested, old -> add(old, delay));
            updater.update("d", scope, dayStartMs, dayEndMs, ingested, old -> add(old, delay));
        }
    }

    /** State: end(8) ingested(8) onTime(4) total(4) digest(rest). */
    private static ByteBuffer add(ByteBuffer old, int delay) {
        int onTime = 0;
        int total = 0;
        MergingDigest digest;
        if (old == null) {
            digest = new MergingDigest(COMPRESSION);
        } else {
            onTime = old.getInt(16);
            total = old.getInt(20);
            ByteBuffer d = old.duplicate();
            d.position(24);
            digest = MergingDigest.fromBytes(d.slice());
        }
        digest.add(delay);
        if (onTime(delay)) {
            onTime++;
        }
        total++;
        ByteBuffer digestBytes = ByteBuffer.allocate(digest.byteSize());
        digest.asBytes(digestBytes);
        ByteBuffer next = ByteBuffer.allocate(24 + digestBytes.capacity());
        next.putLong(0, 0).putLong(8, Long.MIN_VALUE).putInt(16, onTime).putInt(20, total);
        next.position(24);
        next.put(digestBytes.array());
        return next;
    }

    @Override
    List<Output> render(String group, String scope, ByteBuffer state) {
        int onTime = state.getInt(16);
        int total = state.getInt(20);
        ByteBuffer d = state.duplicate();
        d.position(24);
        MergingDigest digest = MergingDigest.fromBytes(d.slice());
        return List.of(
                new Output(ON_TIME, total == 0 ? null : 100.0 * onTime / total, "%", total),
                new Output(DELAY_P50, total == 0 ? null : digest.quantile(0.5), "s", total),
                new Output(DELAY_P90, total == 0 ? null : digest.quantile(0.9), "s", total));
    }

}
