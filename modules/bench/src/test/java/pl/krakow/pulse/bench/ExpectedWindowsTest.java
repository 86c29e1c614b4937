package pl.krakow.pulse.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.indicators.Iv3EnvironmentTopology;
import pl.krakow.pulse.indicators.daily.DailyMeanDefinition;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;

class ExpectedWindowsTest {

    private static final String STATION = "MpKrakAlKras";
    private final List<DailyMeanDefinition> defs = Iv3EnvironmentTopology.dailyMeans(IndicatorCatalog.bundled());

    @Test
    void countsTheHoursOfTheLatestLocalDayOnTheDstSpringDay() {
        ExpectedWindows w = new ExpectedWindows(defs, BenchTestInstants.WARSAW);
        // Every hour of 2017-03-26 (23 hours), stamped with the end of the hour.
        for (Instant end = BenchTestInstants.DST_SPRING_DAY_START.plusSeconds(3600);
             !end.isAfter(BenchTestInstants.DST_SPRING_DAY_END); end = end.plusSeconds(3600)) {
            w.add(STATION, Pollutant.PM10, end.getEpochSecond());
        }
        assertThat(w.latestWindows()).containsExactly(
                Map.entry("iv3.pm10.daily_mean|station:" + STATION + "|2017-03-26T00:00:00+01:00", 23));
        assertThat(w.contributing()).isEqualTo(23);
    }

    @Test
    void aValueStampedAtLocalMidnightBelongsToThePreviousDay() {
        ExpectedWindows w = new ExpectedWindows(defs, BenchTestInstants.WARSAW);
        w.add(STATION, Pollutant.PM10, Instant.parse("2017-01-10T23:00:00Z").getEpochSecond()); // 2017-01-11 00:00 local
        assertThat(w.latestWindows()).containsOnlyKeys("iv3.pm10.daily_mean|station:" + STATION + "|2017-01-10T00:00:00+01:00");
        w.add(STATION, Pollutant.PM10, Instant.parse("2017-01-11T00:00:00Z").getEpochSecond());
        assertThat(w.latestWindows()).containsExactly(
                Map.entry("iv3.pm10.daily_mean|station:" + STATION + "|2017-01-11T00:00:00+01:00", 1));
    }

    @Test
    void ignoresPollutantsWithoutAnImplementedIndicator() {
        ExpectedWindows w = new ExpectedWindows(defs, BenchTestInstants.WARSAW);
        w.add(STATION, Pollutant.NO2, Instant.parse("2017-01-11T00:00:00Z").getEpochSecond());
        assertThat(w.latestWindows()).isEmpty();
        assertThat(w.contributing()).isZero();
    }

    @Test
    void windowsSinceAMarkAreOnlyThoseTouchedAfterIt() {
        ExpectedWindows w = new ExpectedWindows(defs, BenchTestInstants.WARSAW);
        w.add(STATION, Pollutant.PM10, Instant.parse("2017-01-11T00:00:00Z").getEpochSecond());
        w.add("MpKrakDietla", Pollutant.PM10, Instant.parse("2017-01-11T00:00:00Z").getEpochSecond());
        long mark = w.mark();
        w.add(STATION, Pollutant.PM10, Instant.parse("2017-01-11T01:00:00Z").getEpochSecond());
        assertThat(w.latestWindowsSince(mark)).containsExactly(
                Map.entry("iv3.pm10.daily_mean|station:" + STATION + "|2017-01-11T00:00:00+01:00", 2));
    }
}
