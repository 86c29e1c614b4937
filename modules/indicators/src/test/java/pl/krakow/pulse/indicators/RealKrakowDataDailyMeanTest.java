package pl.krakow.pulse.indicators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.testsupport.data.KrakowPmHourly2017Q1;
import pl.krakow.pulse.testsupport.data.KrakowPmHourly2017Q1.Reading;

/**
 * Real GIOŚ/WIOŚ Kraków hourly PM10 and PM2.5 of 2017-Q1 (see data/air-quality-krakow/PROVENANCE.md)
 * through the topology. Expected daily means, counts and day lengths are computed here with plain Java
 * over the file (java.time for local days), never with the code under test.
 */
class RealKrakowDataDailyMeanTest extends IndicatorsTestBase {

    /** Far after the cut: its stream time closes every day of the quarter. */
    private static final Instant CLOSE_ALL = Instant.parse("2017-04-10T00:00:00Z");

    record Expected(double sum, int count, int hours) {
    }

    @Test
    void dailyMeansOfQ1MatchPlainJavaOverTheFile() {
        List<Reading> readings = read();
        readings.sort(Comparator.comparing(Reading::hourEnd));
        startDriver(catalogWithPm25(), clock.instant());
        readings.forEach(r -> pipe(hourly(r.station(), r.pollutant(), r.hourEnd(), r.valueUgM3())));
        pipe(hourly("Sentinel", Pollutant.PM10, CLOSE_ALL, 0));

        Map<String, Expected> expected = expected(readings);
        Map<String, IndicatorValue> finals = finals();
        assertThat(lateTopic.isEmpty()).isTrue();
        assertFinalsMatch(finals, expected);
        // 7 PM10 stations minus Swoszowice (no data) + 2 PM2.5 stations have the last hour of the cut,
        // 00-01 on 1 April: a one-hour, invalid day each.
        assertThat(finals.keySet().stream().filter(k -> k.contains("|2017-04-01T")).count()).isEqualTo(8);
        assertThat(finals).hasSizeGreaterThan(700);
        String dst = "iv3.pm10.daily_mean|station:MpKrakAlKras|2017-03-26T00:00:00+01:00";
        assertThat(finals.get(dst).getExpectedCount()).isEqualTo(23);
        try (var open = driver.getKeyValueStore(PM10_STORE).all()) {
            assertThat(open.next().key).isNotNull();
            assertThat(open.hasNext()).as("only the sentinel's day is left open").isFalse();
        }
    }

    @Test
    void sourceOrderReplayRoutesOnlyRowsBeyondGraceToTheLateTopic() {
        // The file is not chronological (rows up to 23 h back): replay it as it is, with a 1-hour grace so
        // some of its rows arrive too late (with the catalog's 3 h none does).
        Duration grace = Duration.ofHours(1);
        List<Reading> readings = read();
        startDriver(catalogWithPm25(grace), clock.instant());
        long maxSeenMs = Long.MIN_VALUE;
        List<Reading> accepted = new ArrayList<>();
        int late = 0;
        for (Reading r : readings) {
            pipe(hourly(r.station(), r.pollutant(), r.hourEnd(), r.valueUgM3()));
            // Independent statement of the rule: one partition, stream time = max event time seen (this row
            // included); late when the local day of the row's hour ends + grace at or before stream time.
            maxSeenMs = Math.max(maxSeenMs, r.hourEnd().toEpochMilli());
            LocalDate day = r.hourEnd().minus(HOUR).atZone(WARSAW).toLocalDate();
            Instant dayEnd = day.plusDays(1).atStartOfDay(WARSAW).toInstant();
            if (dayEnd.plus(grace).toEpochMilli() <= maxSeenMs) {
                late++;
            } else {
                accepted.add(r);
            }
        }
        pipe(hourly("Sentinel", Pollutant.PM10, CLOSE_ALL, 0));

        assertThat(late).as("the file has rows beyond grace").isPositive();
        assertThat(lateTopic.readValuesToList()).hasSize(late);
        assertFinalsMatch(finals(), expected(accepted));
    }

    @Test
    void exceedanceDaysAndQ1MeanAtTheEndOfMarchMatchPlainJavaOverTheFile() {
        List<Reading> readings = read();
        readings.sort(Comparator.comparing(Reading::hourEnd));
        startDriver(IndicatorCatalog.bundled(), clock.instant());
        readings.forEach(r -> pipe(hourly(r.station(), r.pollutant(), r.hourEnd(), r.valueUgM3())));
        pipe(hourly("Sentinel", Pollutant.PM10, CLOSE_ALL, 0));
        Map<String, IndicatorValue> latest = new HashMap<>();
        for (KeyValue<String, IndicatorValue> kv : table.readKeyValuesToList()) {
            latest.put(kv.key, kv.value);
        }

        // Plain Java: hourly values per station and local day (day of the hour's start, Europe/Warsaw).
        Map<String, TreeMap<LocalDate, double[]>> days = new TreeMap<>();
        for (Reading r : readings) {
            LocalDate day = r.hourEnd().minus(HOUR).atZone(WARSAW).toLocalDate();
            double[] sumCount = days.computeIfAbsent(r.pollutant() + "/" + r.station(), k -> new TreeMap<>())
                    .computeIfAbsent(day, d -> new double[2]);
            sumCount[0] += r.valueUgM3();
            sumCount[1]++;
        }
        assertThat(days).hasSize(8); // 6 PM10 stations with data (Swoszowice has none) + 2 PM2.5
        int checked = 0;
        for (Map.Entry<String, TreeMap<LocalDate, double[]>> station : days.entrySet()) {
            Pollutant pollutant = Pollutant.valueOf(station.getKey().substring(0, station.getKey().indexOf('/')));
            String code = station.getKey().substring(station.getKey().indexOf('/') + 1);
            double limit = pollutant == Pollutant.PM10 ? 50 : 25; // the catalog's daily limits
            int validDays = 0;
            int exceedanceDays = 0;
            double sumOfValidMeans = 0;
            for (double[] sc : station.getValue().values()) {
                if (sc[1] >= 18) {
                    double mean = sc[0] / sc[1];
                    validDays++;
                    sumOfValidMeans += mean;
                    if (mean > limit) {
                        exceedanceDays++;
                    }
                }
            }
            // Days elapsed: 1 January through the station's last day with data (1 April: the cut's last hour).
            int elapsed = station.getValue().lastKey().getDayOfYear();
            String p = pollutant == Pollutant.PM10 ? "pm10" : "pm25";
            String suffix = "|station:" + code + "|2017-01-01T00:00:00+01:00";
            IndicatorValue count = latest.get("iv3." + p + ".exceedance_days" + suffix);
            IndicatorValue mean = latest.get("iv3." + p + ".annual_mean" + suffix);
            assertThat(count).as(station.getKey()).isNotNull();
            assertThat(count.getValue()).as(station.getKey()).isEqualTo((double) exceedanceDays);
            assertThat(count.getObservedCount()).as(station.getKey()).isEqualTo(validDays);
            assertThat(count.getExpectedCount()).as(station.getKey()).isEqualTo(elapsed);
            assertThat(count.getStatus()).isEqualTo(IndicatorStatus.PROVISIONAL); // the year is still running
            assertThat(mean.getValue()).as(station.getKey()).isCloseTo(sumOfValidMeans / validDays, within(1e-9));
            assertThat(mean.getObservedCount()).isEqualTo(validDays);
            assertThat(mean.getExpectedCount()).isEqualTo(elapsed);
            assertThat(mean.getValid()).as(station.getKey()).isEqualTo(validDays >= Math.ceil(0.75 * elapsed));
            checked++;
        }
        assertThat(checked).isEqualTo(8);
        // Smog winter: Kraków's busiest station exceeded the PM10 limit on most days of Q1 2017.
        assertThat(latest.get("iv3.pm10.exceedance_days|station:MpKrakAlKras|2017-01-01T00:00:00+01:00").getValue())
                .isGreaterThan(35);
    }

    private void assertFinalsMatch(Map<String, IndicatorValue> finals, Map<String, Expected> expected) {
        assertThat(finals.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((key, e) -> {
            IndicatorValue v = finals.get(key);
            assertThat(v.getValue()).as(key).isCloseTo(e.sum() / e.count(), within(1e-9));
            assertThat(v.getObservedCount()).as(key).isEqualTo(e.count());
            assertThat(v.getExpectedCount()).as(key).isEqualTo(e.hours());
            assertThat(v.getCoverage()).as(key).isEqualTo((double) e.count() / e.hours());
            assertThat(v.getValid()).as(key).isEqualTo(e.count() >= 18);
            assertThat(v.getRevision()).isEqualTo(1);
        });
    }

    /** Latest FINAL value per table key (the sentinel excluded). */
    private Map<String, IndicatorValue> finals() {
        Map<String, IndicatorValue> out = new TreeMap<>();
        for (KeyValue<String, IndicatorValue> kv : table.readKeyValuesToList()) {
            if (kv.value.getStatus() == IndicatorStatus.FINAL) {
                assertThat(out.put(kv.key, kv.value)).as("one FINAL per day: " + kv.key).isNull();
            }
        }
        out.keySet().removeIf(k -> k.contains("Sentinel"));
        return out;
    }

    private static Map<String, Expected> expected(List<Reading> readings) {
        Map<String, Expected> out = new HashMap<>();
        for (Reading r : readings) {
            LocalDate day = r.hourEnd().minus(HOUR).atZone(WARSAW).toLocalDate();
            ZonedDateTime start = day.atStartOfDay(WARSAW);
            int hours = (int) Duration.between(start, day.plusDays(1).atStartOfDay(WARSAW)).toHours();
            String id = r.pollutant() == Pollutant.PM10 ? PM10_DAILY : PM25_DAILY;
            String key = id + "|station:" + r.station() + "|" + start.toOffsetDateTime().toLocalDate() + "T00:00:00"
                    + start.getOffset().getId();
            out.merge(key, new Expected(r.valueUgM3(), 1, hours),
                    (a, b) -> new Expected(a.sum() + b.sum(), a.count() + b.count(), a.hours()));
        }
        return out;
    }

    private static List<Reading> read() {
        return new ArrayList<>(KrakowPmHourly2017Q1.read());
    }
}
