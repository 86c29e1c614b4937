package pl.krakow.pulse.indicators.iv5;

import com.tdunning.math.stats.MergingDigest;
import com.tdunning.math.stats.TDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import pl.krakow.pulse.events.safety.Incident;
import pl.krakow.pulse.events.safety.IncidentCategory;
import pl.krakow.pulse.platform.catalog.CatalogException;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;

/**
 * A quantile, in minutes, of a time every incident that has it measures (merged from the days' t-digests); a window
 * without a measured time has no value. The quantile is the entry id's {@code _pNN} suffix
 * ({@code iv5.response.time_p90} → 0.90).
 */
final class TimePercentile implements Iv5Measure {

    static final String RESPONSE_TIME = "response_time";
    static final String HANDLING_TIME = "handling_time";

    private static final Pattern QUANTILE = Pattern.compile("_p(\\d{2})$");

    private final double quantile;
    private final Predicate<Incident> measured;
    private final Function<DayBucket, TDigest> minutes;

    private TimePercentile(IndicatorCatalog.Indicator entry, Predicate<Incident> measured, Function<DayBucket, TDigest> minutes) {
        Matcher m = QUANTILE.matcher(entry.id());
        if (!m.find()) {
            throw new CatalogException(entry.location(), entry.id(), "id",
                    "a " + entry.kind() + " indicator's id ends with its quantile, e.g. _p50");
        }
        this.quantile = Integer.parseInt(m.group(1)) / 100.0;
        this.measured = measured;
        this.minutes = minutes;
    }

    /** Kind {@code response_time}: arrival − report. */
    static TimePercentile responseTime(IndicatorCatalog.Indicator entry) {
        return new TimePercentile(entry, i -> i.getArrivedAt() != null, day -> day.responseMinutes);
    }

    /** Kind {@code handling_time}: closing − registration (registers that record both). */
    static TimePercentile handlingTime(IndicatorCatalog.Indicator entry) {
        return new TimePercentile(entry, i -> i.getClosedAt() != null, day -> day.handlingMinutes);
    }

    @Override
    public boolean changedBy(Incident incident) {
        return measured.test(incident);
    }

    @Override
    public Optional<Measured> measure(Collection<DayBucket> days, IncidentCategory category, long residents) {
        List<TDigest> digests = new ArrayList<>();
        for (DayBucket b : days) {
            TDigest day = minutes.apply(b);
            if (day != null) {
                digests.add(day);
            }
        }
        if (digests.isEmpty()) {
            return Optional.empty();
        }
        TDigest merged = new MergingDigest(DayBucket.COMPRESSION);
        merged.add(digests);
        return Optional.of(new Measured(merged.quantile(quantile), (int) merged.size()));
    }
}
