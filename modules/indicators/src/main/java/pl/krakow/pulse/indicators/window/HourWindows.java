package pl.krakow.pulse.indicators.window;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;

/**
 * One-hour windows {@code [hh:00, hh+1:00)} aligned to whole UTC hours — which are whole local hours in
 * every zone with whole-hour offsets, Europe/Warsaw included (CET/CEST), also across DST changes. The
 * window's {@link LocalDay#date()} is the local date of its start.
 *
 * <p>Thread-safety: safe to share (a racy single-entry cache, as in {@link LocalDayWindows}).
 */
public final class HourWindows implements CalendarWindows {

    private static final long MILLIS_PER_HOUR = 3_600_000L;

    private final ZoneId zone;
    private volatile LocalDay last;

    public HourWindows(ZoneId zone) {
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    @Override
    public ZoneId zone() {
        return zone;
    }

    @Override
    public LocalDay windowContaining(long epochMs) {
        LocalDay cached = last;
        if (cached != null && cached.contains(epochMs)) {
            return cached;
        }
        long start = Math.floorDiv(epochMs, MILLIS_PER_HOUR) * MILLIS_PER_HOUR;
        LocalDay hour = new LocalDay(Instant.ofEpochMilli(start).atZone(zone).toLocalDate(), zone, start,
                start + MILLIS_PER_HOUR);
        last = hour;
        return hour;
    }
}
