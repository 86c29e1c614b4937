package pl.krakow.pulse.indicators.city;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import pl.krakow.pulse.runtime.streams.watermark.Progress;

/**
 * The city scope of one station-scoped catalog indicator: its station values of a window are combined with
 * {@link #aggregate()} into one city value, and the names of the nodes, store and repartition topic
 * built for it.
 *
 * @param retention how long after a window's {@code end + grace} (by the stage's watermark) its station map is
 *                  kept for later FINAL revisions; station values for a window older than that are dropped
 *                  and counted as late
 * @param scope     the scope of the combined value, naming its city ({@code city:krakow})
 * @param timeZone  IANA zone of the windows (written into every value)
 */
public record CityDefinition(String indicatorId, String goal, String unit, CityAggregate aggregate, Duration grace,
                             Duration retention, String scope, String timeZone) {

    /** Project choice: a city day is kept one day after its end + grace (FINAL revisions of lagging stations). */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(1);

    public CityDefinition {
        Objects.requireNonNull(indicatorId, "indicatorId");
        Objects.requireNonNull(goal, "goal");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(aggregate, "aggregate");
        Objects.requireNonNull(grace, "grace");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(timeZone, "timeZone");
    }

    /** {@code iv3.pm10.daily_mean} → {@code iv3-pm10-daily-mean-city}. */
    public String namePrefix() {
        return indicatorId.toLowerCase(Locale.ROOT).replace('.', '-').replace('_', '-') + "-city";
    }

    /** Stage 1 → 2: the node that re-keys station values by (indicator, window), e.g. {@code iv3-pm10-daily-mean-city-rekey}. */
    public String rekeyName() {
        return namePrefix() + "-rekey";
    }

    /**
     * The repartition's name; Kafka Streams makes the topic {@code <application.id>-<name>-repartition}, e.g.
     * {@code pulse-indicators-iv3-iv3-pm10-daily-mean-city-by-day-repartition}.
     */
    public String repartitionName() {
        return namePrefix() + "-by-day";
    }

    public String processorName() {
        return namePrefix() + "-processor";
    }

    public String sinkName() {
        return namePrefix() + "-indicator-sink";
    }

    /** Store of the open city days: (indicator, window) → station → {mean, valid, final}. */
    public String storeName() {
        return namePrefix() + "-stations-by-day";
    }

    /** Store of the stage's upstream progress (the watermark), e.g. {@code iv3-pm10-daily-mean-city-upstream-progress}. */
    public String watermarkStoreName() {
        return namePrefix() + "-upstream-progress";
    }

    /**
     * The city table key for a station table key {@code id|station:X|<iso start>}: {@code id|city:krakow|<iso start>};
     * a progress marker keeps its key.
     */
    public String cityKey(String stationTableKey) {
        if (Progress.MARKER_KEY.equals(stationTableKey)) {
            return stationTableKey;
        }
        return indicatorId + '|' + scope + '|' + stationTableKey.substring(stationTableKey.lastIndexOf('|') + 1);
    }
}
