package pl.krakow.pulse.indicators.daily;

import java.util.Optional;
import java.util.Set;
import pl.krakow.pulse.indicators.Iv3Kind;
import pl.krakow.pulse.indicators.Iv3Stages;
import pl.krakow.pulse.indicators.city.CityAggregate;
import pl.krakow.pulse.indicators.kind.KindParameters;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;

/**
 * Kinds {@code daily_mean} (local-day mean of a pollutant's hourly values, valid with {@code minCoverage} of the day's
 * hours) and {@code hourly_value} (the latest value of each hour): each entry is a series of the IV.3 topology
 * ({@link DailyMeanProcessor}), which other kinds of its pollutant are fed from.
 *
 * <p>Parameters: {@code pollutant} (required); for {@code daily_mean} also {@code cityAggregate} ({@code max} or
 * {@code mean}: the station means of a day combine into a {@code city:krakow} value).
 */
public final class DailyMeanKind implements Iv3Kind<DailyMeanKind.Definition> {

    public static final DailyMeanKind DAILY_MEAN = new DailyMeanKind(DailyMeanDefinition.KIND, false);
    public static final DailyMeanKind HOURLY_VALUE = new DailyMeanKind(DailyMeanDefinition.HOURLY_KIND, true);

    /** A series and how its station values make a city value, if they do. */
    public record Definition(DailyMeanDefinition series, Optional<CityAggregate> city) {
    }

    private final String name;
    private final boolean hourly;

    private DailyMeanKind(String name, boolean hourly) {
        this.name = name;
        this.hourly = hourly;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<String> parameterKeys() {
        return hourly ? Set.of("pollutant") : Set.of("pollutant", "cityAggregate");
    }

    @Override
    public Definition parse(IndicatorCatalog.Indicator entry) {
        KindParameters p = new KindParameters(entry);
        DailyMeanDefinition series = new DailyMeanDefinition(entry.id(), entry.goal(), entry.unit(), p.pollutant("pollutant"),
                entry.graceDuration(), hourly ? 1 : DailyMeanAccumulator.minValidHours(entry.minCoverageOrDefault()), hourly);
        return new Definition(series, cityAggregate(p));
    }

    /** The entry's {@code cityAggregate}, when it names one (shared by the kinds that have a city value). */
    public static Optional<CityAggregate> cityAggregate(KindParameters p) {
        return p.text("cityAggregate").filter(a -> !a.isBlank()).map(a -> {
            try {
                return CityAggregate.parse(p.entry().id(), a);
            } catch (IllegalArgumentException e) {
                throw p.error("cityAggregate", e.getMessage(), e);
            }
        });
    }

    @Override
    public void contribute(IndicatorCatalog.Indicator entry, Definition definition, Iv3Stages stages) {
        stages.addSeries(definition.series(), definition.city());
    }
}
