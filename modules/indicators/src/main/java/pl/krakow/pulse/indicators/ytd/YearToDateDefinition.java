package pl.krakow.pulse.indicators.ytd;

import java.util.Objects;
import pl.krakow.pulse.events.environment.Pollutant;

/**
 * One catalog indicator computed per station and calendar year to date from the daily means of its
 * pollutant: kind {@code exceedance_days} (valid days with daily mean above {@code exceedanceThreshold})
 * or {@code annual_mean} (mean of the valid daily means).
 *
 * @param minCoverage the year-to-date value is valid when valid days ≥ {@code minCoverage} × days elapsed
 * @param thresholdUgM3 for {@code exceedance_days}: a day counts when its mean is strictly above it; else null
 */
public record YearToDateDefinition(String indicatorId, String goal, String unit, Pollutant pollutant, Kind kind,
                                   Double thresholdUgM3, double minCoverage) {

    /** The year-to-date statistics this package computes. */
    public enum Kind {
        EXCEEDANCE_DAYS("exceedance_days"),
        ANNUAL_MEAN("annual_mean");

        private final String catalogKind;

        Kind(String catalogKind) {
            this.catalogKind = catalogKind;
        }

        public String catalogKind() {
            return catalogKind;
        }
    }

    public YearToDateDefinition {
        Objects.requireNonNull(indicatorId, "indicatorId");
        Objects.requireNonNull(goal, "goal");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(pollutant, "pollutant");
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.EXCEEDANCE_DAYS && (thresholdUgM3 == null || !Double.isFinite(thresholdUgM3))) {
            throw new IllegalArgumentException(indicatorId + ": an exceedance_days indicator needs exceedanceThreshold");
        }
        if (!(minCoverage >= 0 && minCoverage <= 1)) {
            throw new IllegalArgumentException(indicatorId + ": minCoverage must be within 0..1: " + minCoverage);
        }
    }

    /** Valid days needed among {@code daysElapsed}: {@code ceil(minCoverage × daysElapsed)}. */
    public int minValidDays(int daysElapsed) {
        // The epsilon keeps float noise (0.75 × 4 = 3.0000000000000004) from rounding up.
        return (int) Math.ceil(minCoverage * daysElapsed - 1e-9);
    }
}
