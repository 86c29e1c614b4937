package pl.krakow.pulse.bench;

import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.indicators.daily.DailyMeanDefinition;
import pl.krakow.pulse.platform.catalog.IndicatorKeys;

/**
 * What the indicator table must show once a workload has been processed, computed with plain Java from
 * the generated events (independently of the topology): for every implemented daily-mean indicator
 * and station, its latest local day (Europe/Warsaw by default, DST-correct through {@link ZoneId}) and
 * how many hourly values fall into it. An hourly value stamped {@code t} (end of hour) belongs to the
 * day of {@code t − 1 h}. Events must be added in event-time order per station; not thread-safe.
 */
final class ExpectedWindows {

    private static final long HOUR_SECONDS = 3600;

    private final Map<Pollutant, List<String>> indicatorsByPollutant = new HashMap<>();
    private final ZoneId zone;
    private final Map<String, Window> latest = new LinkedHashMap<>();
    private long contributing;
    private long sequence;
    private long cachedFromEpoch = Long.MAX_VALUE;
    private long cachedToEpoch = Long.MIN_VALUE;
    private long cachedDayStartMs;

    private static final class Window {
        final String indicatorId;
        final String station;
        long dayStartMs;
        int count;
        long touched;

        Window(String indicatorId, String station, long dayStartMs) {
            this.indicatorId = indicatorId;
            this.station = station;
            this.dayStartMs = dayStartMs;
        }
    }

    ExpectedWindows(List<DailyMeanDefinition> indicators, ZoneId zone) {
        this.zone = zone;
        for (DailyMeanDefinition d : indicators) {
            indicatorsByPollutant.computeIfAbsent(d.pollutant(), p -> new java.util.ArrayList<>()).add(d.indicatorId());
        }
    }

    /** One hourly value of {@code pollutant} at {@code station}, its hour ending at {@code hourEndEpochSeconds}. */
    void add(String station, Pollutant pollutant, long hourEndEpochSeconds) {
        List<String> ids = indicatorsByPollutant.get(pollutant);
        if (ids == null) {
            return;
        }
        long dayStartMs = dayStartMs(hourEndEpochSeconds - HOUR_SECONDS);
        for (String id : ids) {
            contributing++;
            Window w = latest.computeIfAbsent(id + '|' + station, k -> new Window(id, station, dayStartMs));
            if (dayStartMs > w.dayStartMs) {
                w.dayStartMs = dayStartMs;
                w.count = 0;
            } else if (dayStartMs < w.dayStartMs) {
                throw new IllegalStateException("events of " + station + " out of event-time order");
            }
            w.count++;
            w.touched = ++sequence;
        }
    }

    /** Values added so far that feed an implemented indicator: each makes one PROVISIONAL update. */
    long contributing() {
        return contributing;
    }

    /** Table key → observedCount of every (indicator, station)'s latest day, as of now. */
    Map<String, Integer> latestWindows() {
        return latestWindowsSince(0);
    }

    /** A mark for {@link #latestWindowsSince}: the windows changed after it are those of the events added after it. */
    long mark() {
        return sequence;
    }

    /** As {@link #latestWindows()}, only the windows an event added after {@code mark} went into. */
    Map<String, Integer> latestWindowsSince(long mark) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Window w : latest.values()) {
            if (w.touched <= mark) {
                continue;
            }
            out.put(IndicatorKeys.key(w.indicatorId, IndicatorKeys.stationScope(w.station), Instant.ofEpochMilli(w.dayStartMs), zone),
                    w.count);
        }
        return out;
    }

    private long dayStartMs(long hourStartEpoch) {
        if (hourStartEpoch < cachedFromEpoch || hourStartEpoch >= cachedToEpoch) {
            var date = Instant.ofEpochSecond(hourStartEpoch).atZone(zone).toLocalDate();
            cachedFromEpoch = date.atStartOfDay(zone).toEpochSecond();
            cachedToEpoch = date.plusDays(1).atStartOfDay(zone).toEpochSecond();
            cachedDayStartMs = cachedFromEpoch * 1000;
        }
        return cachedDayStartMs;
    }
}
