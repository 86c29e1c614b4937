package pl.krakow.pulse.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static pl.krakow.pulse.publish.PublishTestData.KRASINSKIEGO;
import static pl.krakow.pulse.publish.PublishTestData.PM10_DAILY;
import static pl.krakow.pulse.publish.PublishTestData.WARSAW;
import static pl.krakow.pulse.publish.PublishTestData.alert;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.alerts.Alert;
import pl.krakow.pulse.events.alerts.AlertLevel;
import pl.krakow.pulse.events.alerts.AlertState;

/** {@link AlertEpisodes}: which indicator window an episode is about, range overlap, and what "active" means. */
class AlertEpisodesTest {

    /** When the alerting app wrote the records of a replay of 2017 data: the wall clock, years after the windows. */
    static final Instant REPLAYED_AT = Instant.parse("2026-12-03T06:32:35Z");

    static Instant day(String date) {
        return LocalDate.parse(date).atStartOfDay(WARSAW).toInstant();
    }

    static Alert episode(String id, String rule, AlertState state, Instant windowStart, Instant windowEnd, Instant lastUpdated) {
        return Alert.newBuilder(alert(id, PM10_DAILY, KRASINSKIEGO, state, AlertLevel.WARNING, 120, 100, REPLAYED_AT, lastUpdated))
                .setRuleId(rule).setWindowStart(windowStart).setWindowEnd(windowEnd).build();
    }

    static Alert dayEpisode(String id, String rule, AlertState state, String date) {
        return episode(id, rule, state, day(date), day(date).plusSeconds(86_400), REPLAYED_AT);
    }

    @Test
    void aDailyWindowBelongsToTheLocalDaysItCoversAndNoOthers() {
        Instant from = day("2017-01-01");
        Instant to = day("2017-04-01"); // to=2017-03-31, inclusive
        assertThat(AlertEpisodes.concerns(dayEpisode("a", "r", AlertState.RAISED, "2017-01-01"), from, to)).isTrue();
        assertThat(AlertEpisodes.concerns(dayEpisode("a", "r", AlertState.RAISED, "2017-03-31"), from, to)).isTrue();
        assertThat(AlertEpisodes.concerns(dayEpisode("a", "r", AlertState.RAISED, "2016-12-31"), from, to))
                .as("a window ending exactly at 'from' is before the range").isFalse();
        assertThat(AlertEpisodes.concerns(dayEpisode("a", "r", AlertState.RAISED, "2017-04-01"), from, to)).isFalse();
        // The 23-hour DST day: its window ends at 2017-03-27 00:00+02:00.
        Alert dstDay = episode("a", "r", AlertState.RAISED, day("2017-03-26"), day("2017-03-27"), REPLAYED_AT);
        assertThat(AlertEpisodes.concerns(dstDay, day("2017-03-26"), day("2017-03-27"))).isTrue();
        assertThat(AlertEpisodes.concerns(dstDay, day("2017-03-27"), day("2017-03-28"))).isFalse();
    }

    @Test
    void aYearWindowConcernsEveryRangeInsideTheYear() {
        Alert annual = episode("y", "pm10-annual-who", AlertState.RAISED, day("2017-01-01"), day("2018-01-01"), REPLAYED_AT);
        assertThat(AlertEpisodes.concerns(annual, day("2017-03-01"), day("2017-04-01"))).isTrue();
        assertThat(AlertEpisodes.concerns(annual, day("2018-01-01"), day("2018-02-01"))).isFalse();
    }

    @Test
    void theWallClockStampsNeverDecideTheRange() {
        Alert replayed = dayEpisode("a", "r", AlertState.CLEARED, "2017-02-14");
        assertThat(AlertEpisodes.concerns(replayed, day("2026-12-01"), day("2027-01-01"))).isFalse();
        assertThat(AlertEpisodes.concerns(replayed, day("2017-02-01"), day("2017-03-01"))).isTrue();
    }

    @Test
    void aRecordWithoutAWindowStandsAtItsLastUpdate() {
        Alert noWindow = episode("n", "r", AlertState.RAISED, null, null, REPLAYED_AT);
        assertThat(AlertEpisodes.windowStart(noWindow)).isEqualTo(REPLAYED_AT);
        assertThat(AlertEpisodes.windowEnd(noWindow)).isEqualTo(REPLAYED_AT);
        assertThat(AlertEpisodes.concerns(noWindow, day("2026-12-03"), day("2026-12-04"))).isTrue();
        assertThat(AlertEpisodes.concerns(noWindow, day("2026-12-04"), day("2026-12-05"))).isFalse();
        Alert startOnly = episode("s", "r", AlertState.RAISED, day("2017-01-05"), null, REPLAYED_AT);
        assertThat(AlertEpisodes.concerns(startOnly, day("2017-01-05"), day("2017-01-06"))).isTrue();
    }

    @Test
    void anOpenEpisodeThatIsTheLatestOfItsSeriesIsActiveHoweverOldItsWindow() {
        Alert lastOfSeries = dayEpisode("old", "pm10-daily-who", AlertState.RAISED, "2017-03-30");
        assertThat(AlertEpisodes.isActive(lastOfSeries, List.of(lastOfSeries))).isTrue();
        assertThat(AlertEpisodes.active(List.of(lastOfSeries))).containsExactly(lastOfSeries);
    }

    @Test
    void anOpenEpisodeWithANewerEpisodeInItsSeriesIsNotActive() {
        // e.g. left RAISED under a family key the operator's rules no longer use, while the rule alerts under a new one
        Alert stale = dayEpisode("stale", "pm10-daily-who", AlertState.RAISED, "2017-01-10");
        Alert newer = dayEpisode("newer", "pm10-daily-who", AlertState.CLEARED, "2017-02-10");
        List<Alert> held = List.of(stale, newer);
        assertThat(AlertEpisodes.isActive(stale, held)).isFalse();
        assertThat(AlertEpisodes.active(held)).isEmpty();
        Alert newerOpen = dayEpisode("newer-open", "pm10-daily-who", AlertState.ESCALATED, "2017-02-10");
        assertThat(AlertEpisodes.active(List.of(stale, newerOpen))).containsExactly(newerOpen);
    }

    @Test
    void clearedAndRetractedEpisodesAreNeverActive() {
        for (AlertState ended : List.of(AlertState.CLEARED, AlertState.RETRACTED)) {
            Alert a = dayEpisode("e", "r", ended, "2017-03-30");
            assertThat(AlertEpisodes.isActive(a, List.of(a))).as(ended.name()).isFalse();
        }
        for (AlertState open : List.of(AlertState.RAISED, AlertState.ESCALATED, AlertState.DEESCALATED)) {
            Alert a = dayEpisode("o", "r", open, "2017-03-30");
            assertThat(AlertEpisodes.isActive(a, List.of(a))).as(open.name()).isTrue();
        }
    }

    @Test
    void seriesOfOtherRulesOrScopesDoNotEndEachOther() {
        Alert who = dayEpisode("who", "pm10-daily-who", AlertState.RAISED, "2017-01-10");
        Alert pl = dayEpisode("pl", "pm10-daily-pl-information", AlertState.CLEARED, "2017-02-10");
        Alert otherStation = Alert.newBuilder(dayEpisode("x", "pm10-daily-who", AlertState.CLEARED, "2017-02-10"))
                .setScope("station:MpKrakBujaka").build();
        assertThat(AlertEpisodes.active(List.of(who, pl, otherStation))).containsExactly(who);
    }

    @Test
    void theLatestWindowComesFirstWithTiesBrokenTheSameWayEverywhere() {
        Alert jan = dayEpisode("b-jan", "r1", AlertState.RAISED, "2017-01-10");
        Alert mar = dayEpisode("c-mar", "r2", AlertState.RAISED, "2017-03-10");
        Alert marLaterChange = episode("d-mar", "r3", AlertState.RAISED, day("2017-03-10"), day("2017-03-11"),
                REPLAYED_AT.plusSeconds(5));
        Alert marSameChange = dayEpisode("a-mar", "r4", AlertState.RAISED, "2017-03-10");
        assertThat(AlertEpisodes.sorted(List.of(jan, mar, marSameChange, marLaterChange)))
                .containsExactly(marLaterChange, marSameChange, mar, jan);
        assertThat(AlertEpisodes.sorted(List.of(marLaterChange, jan, mar, marSameChange)))
                .containsExactly(marLaterChange, marSameChange, mar, jan);
    }
}
