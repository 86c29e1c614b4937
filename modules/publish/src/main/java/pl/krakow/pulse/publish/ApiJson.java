package pl.krakow.pulse.publish;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import pl.krakow.pulse.events.alerts.Alert;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.catalog.Places;

/**
 * The JSON documents of the API, one record per shape (Jackson writes record components in
 * declaration order). Instants are ISO-8601 with the offset of the catalog's time zone, e.g.
 * {@code 2017-01-01T00:00+01:00}, so a client sees local midnights as midnights.
 */
final class ApiJson {

    private ApiJson() {
    }

    /**
     * One indicator value; {@code value} is null when nothing could be computed; {@code simulated} is true
     * when the value was computed from a simulated feed (see {@link IndicatorReadModel#FEED_HEADER});
     * {@code place} and {@code placeName} say which city or system the scope describes ({@link Places}:
     * {@code city:poznan}, "Poznań"), so another city's value is labelled wherever it is shown; both null for a
     * scope that names no place.
     */
    record Value(String indicatorId, String goal, String scope, String windowStart, String windowEnd,
                 Double value, String unit, double coverage, int observedCount, int expectedCount, boolean valid,
                 String status, int revision, String computedAt, String lastEventIngestedAt, boolean simulated,
                 String place, String placeName) {

        static Value of(IndicatorValue v, ZoneId zone) {
            return of(v, zone, false);
        }

        static Value of(IndicatorValue v, ZoneId zone, boolean simulated) {
            Double value = v.getValue();
            // JSON has no NaN or Infinity.
            if (value != null && !Double.isFinite(value)) {
                value = null;
            }
            Optional<Places.Place> place = Places.of(v.getScope());
            return new Value(v.getIndicatorId(), v.getGoal(), v.getScope(), iso(v.getWindowStart(), zone),
                    iso(v.getWindowEnd(), zone), value, v.getUnit(), v.getCoverage(), v.getObservedCount(),
                    v.getExpectedCount(), v.getValid(), v.getStatus() == null ? null : v.getStatus().name(),
                    v.getRevision(), iso(v.getComputedAt(), zone), iso(v.getLastEventIngestedAt(), zone), simulated,
                    place.map(Places.Place::scope).orElse(null), place.map(Places.Place::name).orElse(null));
        }
    }

    /** One alert episode in its latest state; {@code active} as {@link AlertEpisodes} defines it. */
    record AlertJson(String alertId, String indicatorId, String scope, String ruleId, String kind, String level,
                     String state, boolean active, boolean provisional, Double value, Double threshold, String unit,
                     String thresholdSource, String windowStart, String windowEnd, String firstSeen,
                     String lastUpdated) {

        static AlertJson of(Alert a, boolean active, ZoneId zone) {
            return new AlertJson(a.getAlertId(), a.getIndicatorId(), a.getScope(), a.getRuleId(), name(a.getKind()),
                    name(a.getLevel()), name(a.getState()), active, a.getProvisional(),
                    finite(a.getValue()), finite(a.getThreshold()), a.getUnit(), a.getThresholdSource(),
                    iso(a.getWindowStart(), zone), iso(a.getWindowEnd(), zone), iso(a.getFirstSeen(), zone),
                    iso(a.getLastUpdated(), zone));
        }

        private static String name(Enum<?> e) {
            return e == null ? null : e.name();
        }

        private static Double finite(Double d) {
            return d == null || !Double.isFinite(d) ? null : d;
        }
    }

    record Alerts(String state, String from, String to, String timeZone, int count, List<AlertJson> alerts) {
    }

    /** One of the 18 districts: number 1–18, roman numeral, name, and the indicator scope that names it. */
    record District(int number, String roman, String name, String scope) {
    }

    record Districts(int count, List<District> districts) {
    }

    record DistrictIndicators(District district, String timeZone, int count, List<Value> values) {
    }

    /** An error as an RFC 9457 problem; {@code error} and {@code message} repeat title and detail for first-edition clients. */
    record Problem(String type, String title, int status, String detail, String instance, String error, String message) {
    }

    /** An indicator update or alert on the live stream. */
    record LiveEvent(String type, Object data) {
    }

    record Goals(String timeZone, List<Goal> goals) {
    }

    record Goal(String id, String strategicGoal, IndicatorCatalog.Label name, String topic, List<Indicator> indicators) {
    }

    /**
     * A catalog indicator. {@code scopes} are the kinds of scope the catalog declares
     * ({@code station}, {@code city}, {@code system}, …); {@code scopesWithData} are the exact scopes that have values now.
     */
    record Indicator(String id, String goal, IndicatorCatalog.Label name, String unit, String direction, String kind,
                     String window, List<String> scopes, List<String> scopesWithData, Double minCoverage,
                     boolean implemented, List<IndicatorCatalog.AlertLevel> alertLevels) {

        static Indicator of(IndicatorCatalog.Indicator i, List<String> scopesWithData) {
            return new Indicator(i.id(), i.goal(), i.name(), i.unit(), i.direction(), i.kind(), i.window(),
                    i.scopes() == null ? List.of() : i.scopes(), scopesWithData, i.minCoverage(), i.implemented(),
                    i.alertLevelsOrEmpty());
        }
    }

    record GoalLatest(String goal, IndicatorCatalog.Label name, String timeZone, List<IndicatorLatest> indicators) {
    }

    /** An indicator of a goal with its latest value per scope ({@code catalogued=false}: not in the catalog). */
    record IndicatorLatest(String id, IndicatorCatalog.Label name, String unit, String direction, boolean implemented,
                           boolean catalogued, List<Value> values) {
    }

    /** One page of a history: {@code count} values of {@code limit} at most, {@code next} the next page or null. */
    record History(String indicatorId, String goal, String scope, String unit, String timeZone, String from, String to,
                   int count, List<Value> values, int limit, String order, String next) {
    }

    record Status(String status) {
    }

    record Readiness(String status, Map<String, String> checks) {
    }

    record Error(int status, String error, String message) {
    }

    /** ISO-8601 with offset, seconds and fractions only when non-zero: {@code 2017-01-01T00:00+01:00}. */
    static String iso(Instant instant, ZoneId zone) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, zone).toString();
    }
}
