package pl.krakow.pulse.publish;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.testsupport.time.TestInstants;

/**
 * Named instants and indicator values shared by the publish tests. Days are Europe/Warsaw calendar
 * days; the instants are spelled out in UTC so a test never derives its expectation from the code
 * under test.
 */
final class PublishTestData {

    private PublishTestData() {
    }

    static final ZoneId WARSAW = TestInstants.WARSAW;

    static final String PM10_DAILY = "iv3.pm10.daily_mean";
    static final String PM25_DAILY = "iv3.pm25.daily_mean";
    static final String ON_TIME = "iv4.pt.on_time";
    static final String KRASINSKIEGO = "station:MpKrakAlKras";
    static final String BUJAKA = "station:MpKrakBujaka";

    /** 2017-01-01 00:00 in Kraków (CET, UTC+1). */
    static final Instant T0 = TestInstants.JAN_1_2017_WARSAW;
    static final Instant T0_PLUS_1D = Instant.parse("2017-01-01T23:00:00Z");
    static final Instant T0_PLUS_2D = Instant.parse("2017-01-02T23:00:00Z");
    /** 2017-02-01 00:00 in Kraków: the first instant after a range ending on 2017-01-31. */
    static final Instant FEB_1 = Instant.parse("2017-01-31T23:00:00Z");
    /** 2017-03-26, the spring DST day: 23 hours, from 00:00+01:00 to 00:00+02:00. */
    static final Instant DST_SPRING_DAY = TestInstants.DST_SPRING_DAY;
    static final Instant DST_SPRING_DAY_END = TestInstants.DST_SPRING_DAY_END;
    /** 2017-10-29, the autumn DST day: 25 hours. */
    static final Instant DST_AUTUMN_DAY = Instant.parse("2017-10-28T22:00:00Z");
    static final Instant DST_AUTUMN_DAY_END = Instant.parse("2017-10-29T23:00:00Z");

    static final Instant COMPUTED_AT = Instant.parse("2017-11-01T10:15:30.250Z");

    /** A PM10 daily mean for the local day starting at {@code dayStart} (24 h unless it is a DST day). */
    static IndicatorValue pm10(String scope, Instant dayStart, Instant dayEnd, Double valueUgM3,
                               IndicatorStatus status, int revision) {
        int hours = (int) java.time.Duration.between(dayStart, dayEnd).toHours();
        int observed = Math.min(hours, 20);
        return IndicatorValue.newBuilder()
                .setIndicatorId(PM10_DAILY)
                .setGoal("IV.3")
                .setScope(scope)
                .setWindowStart(dayStart)
                .setWindowEnd(dayEnd)
                .setTimeZone("Europe/Warsaw")
                .setValue(valueUgM3)
                .setUnit("µg/m³")
                .setObservedCount(observed)
                .setExpectedCount(hours)
                .setCoverage((double) observed / hours)
                .setValid((double) observed / hours >= 0.75)
                .setStatus(status)
                .setRevision(revision)
                .setComputedAt(COMPUTED_AT)
                .setLastEventIngestedAt(COMPUTED_AT.minusMillis(40))
                .build();
    }

    /** A FINAL PM10 daily mean of an ordinary 24-hour day starting at {@code dayStart}. */
    static IndicatorValue pm10(String scope, Instant dayStart, double valueUgM3) {
        return pm10(scope, dayStart, dayStart.plusSeconds(24 * 3600), valueUgM3, IndicatorStatus.FINAL, 1);
    }

    /** A FINAL PM10 daily mean of the Kraków day {@code day} in winter (UTC+1, 24 hours). */
    static IndicatorValue pm10Winter(String scope, LocalDate day, double valueUgM3) {
        Instant start = day.atStartOfDay().toInstant(java.time.ZoneOffset.ofHours(1));
        return pm10(scope, start, valueUgM3);
    }

    static IndicatorValue other(String indicatorId, String goal, String scope, Instant windowStart, double value,
                                String unit) {
        return IndicatorValue.newBuilder(pm10(scope, windowStart, value))
                .setIndicatorId(indicatorId)
                .setGoal(goal)
                .setUnit(unit)
                .build();
    }

    /** An alert record of one episode in the given state. */
    static pl.krakow.pulse.events.alerts.Alert alert(String alertId, String indicatorId, String scope,
                                                     pl.krakow.pulse.events.alerts.AlertState state,
                                                     pl.krakow.pulse.events.alerts.AlertLevel level, double value,
                                                     double threshold, Instant firstSeen, Instant lastUpdated) {
        return pl.krakow.pulse.events.alerts.Alert.newBuilder()
                .setAlertId(alertId).setIndicatorId(indicatorId).setScope(scope).setRuleId("pm10-daily-pl-information")
                .setKind(pl.krakow.pulse.events.alerts.AlertKind.THRESHOLD).setLevel(level).setState(state)
                .setProvisional(false).setValue(value).setThreshold(threshold).setUnit("µg/m³")
                .setThresholdSource("Dz.U. 2019 poz. 1931").setWindowStart(T0).setWindowEnd(T0_PLUS_1D)
                .setFirstSeen(firstSeen).setLastUpdated(lastUpdated).build();
    }
}
