package pl.krakow.pulse.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static pl.krakow.pulse.publish.PublishTestData.BUJAKA;
import static pl.krakow.pulse.publish.PublishTestData.DST_SPRING_DAY;
import static pl.krakow.pulse.publish.PublishTestData.FEB_1;
import static pl.krakow.pulse.publish.PublishTestData.KRASINSKIEGO;
import static pl.krakow.pulse.publish.PublishTestData.ON_TIME;
import static pl.krakow.pulse.publish.PublishTestData.PM10_DAILY;
import static pl.krakow.pulse.publish.PublishTestData.PM25_DAILY;
import static pl.krakow.pulse.publish.PublishTestData.T0;
import static pl.krakow.pulse.publish.PublishTestData.T0_PLUS_1D;
import static pl.krakow.pulse.publish.PublishTestData.T0_PLUS_2D;
import static pl.krakow.pulse.publish.PublishTestData.WARSAW;
import static pl.krakow.pulse.publish.PublishTestData.other;
import static pl.krakow.pulse.publish.PublishTestData.pm10;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.catalog.IndicatorKeys;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.catalog.Scopes;

class IndicatorReadModelTest {

    private final PulseMetrics metrics = new PulseMetrics("publish-test");
    private final IndicatorReadModel model = IndicatorReadModel.inMemory(metrics);

    @AfterEach
    void tearDown() {
        model.close();
        metrics.close();
    }

    @Test
    void laterRecordForTheSameWindowReplacesTheEarlierOne() {
        model.apply(pm10(KRASINSKIEGO, T0, T0_PLUS_1D, 40.0, IndicatorStatus.PROVISIONAL, 0));
        model.apply(pm10(KRASINSKIEGO, T0, T0_PLUS_1D, 52.5, IndicatorStatus.FINAL, 1));
        model.apply(pm10(KRASINSKIEGO, T0, T0_PLUS_1D, 53.0, IndicatorStatus.FINAL, 2));

        assertThat(model.size()).isEqualTo(1);
        IndicatorValue held = model.latest(PM10_DAILY, KRASINSKIEGO).orElseThrow();
        assertThat(held.getValue()).isEqualTo(53.0);
        assertThat(held.getStatus()).isEqualTo(IndicatorStatus.FINAL);
        assertThat(held.getRevision()).isEqualTo(2);
    }

    @Test
    void outOfOrderWindowsAreKeptSortedAndLatestIsTheLatestWindow() {
        model.apply(pm10(KRASINSKIEGO, T0_PLUS_2D, 30));
        model.apply(pm10(KRASINSKIEGO, T0, 10));
        model.apply(pm10(KRASINSKIEGO, T0_PLUS_1D, 20));

        assertThat(model.history(PM10_DAILY, KRASINSKIEGO, T0, T0_PLUS_2D.plusSeconds(86_400)))
                .extracting(IndicatorValue::getValue).containsExactly(10.0, 20.0, 30.0);
        assertThat(model.latest(PM10_DAILY, KRASINSKIEGO).orElseThrow().getWindowStart()).isEqualTo(T0_PLUS_2D);
    }

    @Test
    void historyIncludesItsStartAndExcludesItsEnd() {
        model.apply(pm10(KRASINSKIEGO, T0, 10));
        model.apply(pm10(KRASINSKIEGO, T0_PLUS_1D, 20));
        model.apply(pm10(KRASINSKIEGO, FEB_1, 30));

        assertThat(model.history(PM10_DAILY, KRASINSKIEGO, T0, FEB_1))
                .extracting(IndicatorValue::getWindowStart).containsExactly(T0, T0_PLUS_1D);
        assertThat(model.history(PM10_DAILY, KRASINSKIEGO, T0_PLUS_1D, T0_PLUS_1D)).isEmpty();
        assertThat(model.history(PM10_DAILY, BUJAKA, T0, FEB_1)).isEmpty();
        assertThat(model.history("iv9.unknown", KRASINSKIEGO, T0, FEB_1)).isEmpty();
        assertThatThrownBy(() -> model.history(PM10_DAILY, KRASINSKIEGO, FEB_1, T0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void latestOfGoalHasTheLatestWindowOfEveryIndicatorAndScopeOfThatGoalOnly() {
        model.apply(pm10(KRASINSKIEGO, T0, 10));
        model.apply(pm10(KRASINSKIEGO, T0_PLUS_1D, 11));
        model.apply(pm10(BUJAKA, T0, 20));
        model.apply(other(PM25_DAILY, "IV.3", KRASINSKIEGO, T0, 7, "µg/m³"));
        model.apply(other(ON_TIME, "IV.4", Scopes.line("krakow-T", "52"), T0, 91.5, "%"));

        assertThat(model.latestOfGoal("IV.3"))
                .extracting(IndicatorValue::getIndicatorId, IndicatorValue::getScope, IndicatorValue::getValue)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(PM10_DAILY, KRASINSKIEGO, 11.0),
                        org.assertj.core.groups.Tuple.tuple(PM10_DAILY, BUJAKA, 20.0),
                        org.assertj.core.groups.Tuple.tuple(PM25_DAILY, KRASINSKIEGO, 7.0));
        assertThat(model.latestOfGoal("iv.4")).extracting(IndicatorValue::getScope).containsExactly("line:krakow-T/52");
        assertThat(model.latestOfGoal("IV.5")).isEmpty();
        assertThat(model.latest(PM10_DAILY)).extracting(IndicatorValue::getScope).containsExactly(KRASINSKIEGO, BUJAKA);
    }

    @Test
    void scopesAndIndicatorIdsAreSorted() {
        model.apply(pm10("station:MpKrakWadow", T0, 1));
        model.apply(pm10(KRASINSKIEGO, T0, 1));
        model.apply(pm10(BUJAKA, T0, 1));
        model.apply(other(ON_TIME, "IV.4", Scopes.KRAKOW_CITY, T0, 91.5, "%"));

        assertThat(model.scopes(PM10_DAILY)).containsExactly(KRASINSKIEGO, BUJAKA, "station:MpKrakWadow");
        assertThat(model.scopes("iv9.unknown")).isEmpty();
        assertThat(model.indicatorIds()).containsExactly(PM10_DAILY, ON_TIME);
        assertThat(model.contains(PM10_DAILY)).isTrue();
        assertThat(model.contains(PM25_DAILY)).isFalse();
    }

    @Test
    void tombstoneDeletesTheWindowAndCleansUpEmptyScopesAndIndicators() {
        model.apply(pm10(KRASINSKIEGO, T0, 10));
        model.apply(pm10(KRASINSKIEGO, T0_PLUS_1D, 20));
        model.apply(pm10(BUJAKA, T0, 30));

        assertThat(model.remove(PM10_DAILY, KRASINSKIEGO, T0)).isTrue();
        assertThat(model.history(PM10_DAILY, KRASINSKIEGO, T0, FEB_1)).extracting(IndicatorValue::getValue).containsExactly(20.0);
        assertThat(model.remove(PM10_DAILY, KRASINSKIEGO, T0)).as("second delete of the same window").isFalse();

        assertThat(model.remove(PM10_DAILY, KRASINSKIEGO, T0_PLUS_1D)).isTrue();
        assertThat(model.scopes(PM10_DAILY)).containsExactly(BUJAKA);
        assertThat(model.remove(PM10_DAILY, BUJAKA, T0)).isTrue();

        assertThat(model.contains(PM10_DAILY)).isFalse();
        assertThat(model.indicatorIds()).isEmpty();
        assertThat(model.size()).isZero();
        assertThat(metrics.registry().get(IndicatorReadModel.METRIC_VALUES).gauge().value()).isZero();
    }

    @Test
    void tableKeyIsParsedBackIntoIndicatorScopeAndWindowStart() {
        String key = IndicatorKeys.key(PM10_DAILY, KRASINSKIEGO, DST_SPRING_DAY, WARSAW);
        assertThat(IndicatorReadModel.parseKey(key))
                .isEqualTo(new IndicatorReadModel.RowKey(PM10_DAILY, KRASINSKIEGO, DST_SPRING_DAY));
        // With or without seconds: both are ISO-8601.
        assertThat(IndicatorReadModel.parseKey("iv3.pm10.daily_mean|station:MpKrakAlKras|2017-03-26T00:00:00+01:00"))
                .isEqualTo(new IndicatorReadModel.RowKey(PM10_DAILY, KRASINSKIEGO, DST_SPRING_DAY));
        assertThat(IndicatorReadModel.parseKey("iv3.pm10.daily_mean|station:MpKrakAlKras|2017-03-26T00:00+01:00"))
                .isEqualTo(new IndicatorReadModel.RowKey(PM10_DAILY, KRASINSKIEGO, DST_SPRING_DAY));
        assertThat(IndicatorReadModel.parseKey("iv4.pt.on_time|line:52|2017-03-26T00:00+02:00").windowStart())
                .isEqualTo(Instant.parse("2017-03-25T22:00:00Z"));
    }

    @Test
    void malformedTableKeysAreRejected() {
        assertThat(IndicatorReadModel.parseKey(null)).isNull();
        assertThat(IndicatorReadModel.parseKey("")).isNull();
        assertThat(IndicatorReadModel.parseKey("iv3.pm10.daily_mean")).isNull();
        assertThat(IndicatorReadModel.parseKey("iv3.pm10.daily_mean|2017-01-01T00:00+01:00")).isNull();
        assertThat(IndicatorReadModel.parseKey("iv3.pm10.daily_mean|station:X|yesterday")).isNull();
        assertThat(IndicatorReadModel.parseKey("|station:X|2017-01-01T00:00+01:00")).isNull();
        assertThat(IndicatorReadModel.parseKey("iv3.pm10.daily_mean||2017-01-01T00:00+01:00")).isNull();
        assertThat(IndicatorReadModel.parseKey("iv3.pm10.daily_mean|station:X|")).isNull();
    }

    @Test
    void listenersSeeEveryAppliedValueAndAFailingListenerDoesNotStopTheOthers() {
        List<IndicatorValue> seen = new ArrayList<>();
        model.onUpdate(v -> {
            throw new IllegalStateException("listener bug");
        });
        IndicatorReadModel.Subscription subscription = model.onUpdate(v -> {
            // a listener is called after the value is visible to queries
            assertThat(model.latest(v.getIndicatorId(), v.getScope())).contains(v);
            seen.add(v);
        });

        IndicatorValue first = pm10(KRASINSKIEGO, T0, 10);
        model.apply(first);
        subscription.close();
        model.apply(pm10(KRASINSKIEGO, T0_PLUS_1D, 20));

        assertThat(seen).containsExactly(first);
        assertThat(model.size()).as("values are applied whatever the listeners do").isEqualTo(2);
        assertThat(metrics.registry().get(IndicatorReadModel.METRIC_LISTENER_FAILURES).counter().count()).isEqualTo(2.0);
    }

    @Test
    void valuesHeldGaugeFollowsTheModelAndMetersGoAwayOnClose() {
        model.apply(pm10(KRASINSKIEGO, T0, T0_PLUS_1D, 10.0, IndicatorStatus.PROVISIONAL, 0));
        model.apply(pm10(KRASINSKIEGO, T0_PLUS_1D, 10));
        model.apply(pm10(KRASINSKIEGO, T0_PLUS_1D, 12));

        assertThat(metrics.registry().get(IndicatorReadModel.METRIC_VALUES).gauge().value()).isEqualTo(2.0);
        assertThat(metrics.scrape()).contains("pulse_publish_read_model_values", "pulse_publish_read_model_caught_up",
                "pulse_publish_read_model_records_total{application=\"publish-test\",topic=\"indicators.iv3.v1\"}");

        model.close();
        assertThat(metrics.registry().find(IndicatorReadModel.METRIC_VALUES).gauge()).isNull();
    }

    @Test
    void inMemoryModelIsCaughtUpFromTheStart() throws InterruptedException {
        assertThat(model.isCaughtUp()).isTrue();
        assertThat(model.awaitCaughtUp(Duration.ZERO)).isTrue();
        assertThat(model.status()).isEqualTo("caught up, 0 values");
    }

    @Test
    void deletingTheLatestWindowMakesTheNextOlderOneTheLatest() {
        model.apply(pm10(KRASINSKIEGO, T0, 10));
        model.apply(pm10(KRASINSKIEGO, T0_PLUS_2D, 30));
        model.apply(pm10(KRASINSKIEGO, T0_PLUS_1D, 20));

        model.remove(PM10_DAILY, KRASINSKIEGO, T0_PLUS_2D);

        assertThat(model.latest(PM10_DAILY, KRASINSKIEGO)).map(IndicatorValue::getValue).contains(20.0);
        assertThat(model.latestOfGoal("IV.3")).extracting(IndicatorValue::getValue).containsExactly(20.0);
    }

    @Test
    void historyPagesAscendingOrDescendingWithALimit() {
        for (int day = 0; day < 5; day++) {
            model.apply(pm10(KRASINSKIEGO, T0.plus(Duration.ofDays(day)), day));
        }
        Instant end = T0.plus(Duration.ofDays(5));

        assertThat(model.history(PM10_DAILY, KRASINSKIEGO, T0, end, true, 2)).extracting(IndicatorValue::getValue)
                .containsExactly(0.0, 1.0);
        assertThat(model.history(PM10_DAILY, KRASINSKIEGO, T0, end, false, 2)).extracting(IndicatorValue::getValue)
                .containsExactly(4.0, 3.0);
        assertThat(model.history(PM10_DAILY, KRASINSKIEGO, T0, end)).hasSize(5);
    }

    @Test
    void retentionDeletesShortWindowsOlderThanItsSpanBeforeTheNewestWindowOfTheSeriesAndKeepsDailyOnes() {
        Duration keep = Duration.ofDays(2);
        try (PulseMetrics own = new PulseMetrics("publish-test");
             IndicatorReadModel retained = IndicatorReadModel.inMemory(own.registry(),
                     new HistoryRetention(keep, Duration.ZERO, Duration.ZERO))) {
            // Three days of per-minute values of one line, in event-time order as a topology writes them.
            Instant start = Instant.parse("2024-08-06T00:00:00Z");
            int minutes = 3 * 24 * 60;
            for (int m = 0; m < minutes; m++) {
                retained.apply(vehicles(start.plus(Duration.ofMinutes(m)), m));
            }
            retained.apply(pm10(KRASINSKIEGO, T0, 10)); // a daily value from 2017: kept for ever
            Instant newest = start.plus(Duration.ofMinutes(minutes - 1));
            Instant cutoff = newest.minus(keep);

            List<IndicatorValue> held = retained.history(VEHICLES, LINE, Instant.MIN, Instant.MAX);
            // Purges run each PURGE_STEP of event time: at most one step of expired values waits for the next.
            assertThat(held.get(0).getWindowStart()).isAfterOrEqualTo(cutoff.minus(IndicatorReadModel.PURGE_STEP));
            assertThat(held.get(held.size() - 1).getWindowStart()).isEqualTo(newest);
            assertThat(held).hasSizeBetween((int) keep.toMinutes(), (int) keep.plus(IndicatorReadModel.PURGE_STEP).toMinutes() + 1);
            assertThat(retained.size()).isEqualTo(held.size() + 1);
            assertThat(retained.history(PM10_DAILY, KRASINSKIEGO, Instant.MIN, Instant.MAX)).hasSize(1);
            assertThat(own.registry().get(IndicatorReadModel.METRIC_EXPIRED).counter().count())
                    .isEqualTo(minutes - held.size());

            // A late record already older than the retention is not stored (and not delivered).
            List<IndicatorValue> delivered = new ArrayList<>();
            retained.onUpdate(delivered::add);
            retained.apply(vehicles(start, -1));
            assertThat(retained.history(VEHICLES, LINE, start, start.plusSeconds(60))).isEmpty();
            assertThat(delivered).isEmpty();
            assertThat(retained.latest(VEHICLES, LINE)).map(IndicatorValue::getWindowStart).contains(newest);
        }
    }

    private static final String VEHICLES = "iv4.pt.vehicles_in_service";
    private static final String LINE = "line:krakow-T/52";

    private static IndicatorValue vehicles(Instant minute, double count) {
        return IndicatorValue.newBuilder(other(VEHICLES, "IV.4", LINE, minute, count, "vehicles"))
                .setWindowEnd(minute.plusSeconds(60))
                .build();
    }
}
