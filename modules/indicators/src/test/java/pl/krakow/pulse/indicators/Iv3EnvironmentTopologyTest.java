package pl.krakow.pulse.indicators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.Timer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.events.indicators.LateEvent;
import pl.krakow.pulse.indicators.daily.DailyMeanAccumulator;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.catalog.IndicatorKeys;
import pl.krakow.pulse.platform.topics.Topics;

/** {@link Iv3EnvironmentTopology} on the TopologyTestDriver: windows, validity, late data, finalisation. */
class Iv3EnvironmentTopologyTest extends IndicatorsTestBase {

    @Test
    void normalDayMeanOf24Hours() {
        startDriver();
        for (int h = 0; h < 24; h++) {
            pm10(hourEnd(T0, h), 10 + h);
        }
        List<TestRecord<String, IndicatorValue>> emitted = table.readRecordsToList();
        assertThat(emitted).hasSize(24).allMatch(r -> r.key().equals(T0_DAY_KEY));
        IndicatorValue v = emitted.get(23).value();
        // 10 + 11 + ... + 33 = 24 × 10 + (0 + ... + 23) = 240 + 276 = 516; 516 / 24 = 21.5
        assertThat(v.getValue()).isEqualTo(21.5);
        assertThat(v.getObservedCount()).isEqualTo(24);
        assertThat(v.getExpectedCount()).isEqualTo(24);
        assertThat(v.getCoverage()).isEqualTo(1.0);
        assertThat(v.getValid()).isTrue();
        assertThat(v.getStatus()).isEqualTo(IndicatorStatus.PROVISIONAL);
        assertThat(v.getRevision()).isZero();
        assertThat(v.getIndicatorId()).isEqualTo(PM10_DAILY);
        assertThat(v.getGoal()).isEqualTo("IV.3");
        assertThat(v.getScope()).isEqualTo("station:" + KRASINSKIEGO);
        assertThat(v.getUnit()).isEqualTo(UNIT);
        assertThat(v.getTimeZone()).isEqualTo("Europe/Warsaw");
        assertThat(v.getWindowStart()).isEqualTo(T0);
        assertThat(v.getWindowEnd()).isEqualTo(T0_DAY_END);
        assertThat(v.getComputedAt()).isEqualTo(clock.instant());
        // The newest contributing event is the last hour (ends at the day's end), ingested 20 min later.
        assertThat(v.getLastEventIngestedAt()).isEqualTo(Instant.parse("2017-01-10T23:20:00Z"));
        // Output record time is event time (the hour's end), not ingestion or wall-clock time.
        assertThat(emitted.get(23).timestamp()).isEqualTo(T0_DAY_END.toEpochMilli());
        // Provisional values after 1 and 2 hours: 10 / 1 and (10 + 11) / 2.
        assertThat(emitted.get(0).value().getValue()).isEqualTo(10.0);
        assertThat(emitted.get(1).value().getValue()).isEqualTo(10.5);
        assertThat(emitted.get(1).value().getCoverage()).isEqualTo(2.0 / 24);
        assertThat(T0_DAY_KEY).isEqualTo(IndicatorKeys.key(PM10_DAILY, IndicatorKeys.stationScope(KRASINSKIEGO), T0, WARSAW));
        assertThat(counter("pulse.indicators.values", "indicator", PM10_DAILY, "status", "PROVISIONAL")).isEqualTo(24);
    }

    @Test
    void springForwardDayHas23Hours() {
        startDriver();
        String dayKey = PM10_DAILY + "|station:" + KRASINSKIEGO + "|2017-03-26T00:00:00+01:00";
        // Send the day's last hour first: stamped 2017-03-27 00:00 CEST (22:00 UTC), it belongs to the 26th.
        pm10(Instant.parse("2017-03-26T22:00:00Z"), 23);
        assertThat(table.readRecord().key()).isEqualTo(dayKey);
        for (int h = 0; h < 22; h++) {
            pm10(hourEnd(DST_SPRING_DAY, h), h + 1);
        }
        IndicatorValue v = table.readValuesToList().get(21);
        // values 1..23: sum 276, mean 12
        assertThat(v.getValue()).isEqualTo(12.0);
        assertThat(v.getObservedCount()).isEqualTo(23);
        assertThat(v.getExpectedCount()).isEqualTo(23);
        assertThat(v.getCoverage()).isEqualTo(1.0);
        assertThat(v.getValid()).isTrue();
        assertThat(v.getWindowStart()).isEqualTo(DST_SPRING_DAY);
        assertThat(v.getWindowEnd()).isEqualTo(DST_SPRING_DAY_END);
    }

    @Test
    void autumnBackDayHas25Hours() {
        startDriver();
        String dayKey = PM10_DAILY + "|station:" + KRASINSKIEGO + "|2017-10-29T00:00:00+02:00";
        for (int h = 0; h < 25; h++) {
            pm10(hourEnd(DST_AUTUMN_DAY, h), h + 1);
        }
        List<TestRecord<String, IndicatorValue>> emitted = table.readRecordsToList();
        assertThat(emitted).hasSize(25).allMatch(r -> r.key().equals(dayKey));
        IndicatorValue v = emitted.get(24).value();
        // values 1..25: sum 325, mean 13
        assertThat(v.getValue()).isEqualTo(13.0);
        assertThat(v.getObservedCount()).isEqualTo(25);
        assertThat(v.getExpectedCount()).isEqualTo(25);
        assertThat(v.getCoverage()).isEqualTo(1.0);
        assertThat(v.getWindowStart()).isEqualTo(DST_AUTUMN_DAY);
        assertThat(v.getWindowEnd()).isEqualTo(DST_AUTUMN_DAY_END);
        // The hour stamped 2017-10-30 00:00 CET (23:00 UTC) closes the 29th; the next one opens the 30th.
        pm10(Instant.parse("2017-10-30T00:00:00Z"), 99);
        assertThat(table.readRecord().key()).isEqualTo(PM10_DAILY + "|station:" + KRASINSKIEGO + "|2017-10-30T00:00:00+01:00");
    }

    @Test
    void dayWithFewerThan18HoursIsInvalid() {
        startDriver();
        for (int h = 0; h < 17; h++) {
            pm10(hourEnd(T0, h), 30.0);
        }
        IndicatorValue seventeen = lastValue();
        assertThat(seventeen.getValue()).isEqualTo(30.0);
        assertThat(seventeen.getObservedCount()).isEqualTo(17);
        assertThat(seventeen.getCoverage()).isEqualTo(17.0 / 24);
        assertThat(seventeen.getValid()).isFalse();

        pm10(hourEnd(T0, 17), 30.0);
        IndicatorValue eighteen = lastValue();
        assertThat(eighteen.getObservedCount()).isEqualTo(18);
        assertThat(eighteen.getValid()).isTrue();
    }

    @Test
    void invalidDayIsStillPublishedAsFinal() {
        startDriver();
        for (int h = 0; h < 14; h++) {
            pm10(hourEnd(T0, h), 40.0);
        }
        pm10(AFTER_GRACE, 1.0); // next day's hour 02-03: stream time reaches end + grace
        IndicatorValue fin = finalOf(table.readKeyValuesToList(), T0_DAY_KEY);
        assertThat(fin.getValue()).isEqualTo(40.0);
        assertThat(fin.getObservedCount()).isEqualTo(14);
        assertThat(fin.getCoverage()).isEqualTo(14.0 / 24);
        assertThat(fin.getValid()).isFalse();
    }

    @Test
    void lateReadingWithinGraceRevisesDailyMean() {
        startDriver();
        for (int h = 0; h < 24; h++) {
            if (h != 5) {
                pm10(hourEnd(T0, h), 20.0);
            }
        }
        // Next day's first two hours: stream time = day end + 2 h, still within the 3 h grace.
        pm10(T0_DAY_END.plus(HOUR), 50.0);
        pm10(T0_DAY_END.plus(Duration.ofHours(2)), 50.0);
        table.readRecordsToList();

        pm10(hourEnd(T0, 5), 44.0);
        List<KeyValue<String, IndicatorValue>> revised = table.readKeyValuesToList();
        assertThat(revised).hasSize(1);
        assertThat(revised.get(0).key).isEqualTo(T0_DAY_KEY);
        IndicatorValue v = revised.get(0).value;
        // (23 × 20 + 44) / 24 = 504 / 24 = 21
        assertThat(v.getValue()).isEqualTo(21.0);
        assertThat(v.getObservedCount()).isEqualTo(24);
        assertThat(v.getStatus()).isEqualTo(IndicatorStatus.PROVISIONAL);
        assertThat(lateTopic.isEmpty()).isTrue();
        assertThat(counter("pulse.indicators.late.events", "indicator", PM10_DAILY)).isZero();
    }

    @Test
    void readingAfterGraceGoesToLateTopic() {
        startDriver();
        for (int h = 0; h < 20; h++) {
            pm10(hourEnd(T0, h), 25.0);
        }
        pm10(AFTER_GRACE, 70.0); // stream time = day end + 3 h: the day closes
        List<KeyValue<String, IndicatorValue>> before = table.readKeyValuesToList();
        assertThat(finalOf(before, T0_DAY_KEY).getValue()).isEqualTo(25.0);

        AirQualityMeasurement tooLate = hourly(KRASINSKIEGO, Pollutant.PM10, hourEnd(T0, 22), 500.0);
        pipe(tooLate);

        assertThat(table.isEmpty()).as("a late reading changes no indicator value").isTrue();
        TestRecord<String, LateEvent> late = lateTopic.readRecord();
        assertThat(lateTopic.isEmpty()).isTrue();
        assertThat(late.key()).isEqualTo(KRASINSKIEGO);
        LateEvent e = late.value();
        assertThat(e.getIndicatorId()).isEqualTo(PM10_DAILY);
        assertThat(e.getSourceTopic()).isEqualTo(Topics.AIR_QUALITY.name());
        assertThat(e.getEventKey()).isEqualTo(KRASINSKIEGO);
        assertThat(e.getEventTime()).isEqualTo(hourEnd(T0, 22));
        assertThat(e.getWindowStart()).isEqualTo(T0);
        assertThat(e.getWindowEnd()).isEqualTo(T0_DAY_END);
        assertThat(e.getStreamTime()).isEqualTo(AFTER_GRACE);
        byte[] payload = toArray(e.getPayload());
        assertThat(serdes.value(Topics.AIR_QUALITY).deserializer().deserialize(Topics.AIR_QUALITY.name(), payload))
                .isEqualTo(tooLate);
        assertThat(counter("pulse.indicators.late.events", "indicator", PM10_DAILY)).isEqualTo(1);
        assertThat(openDays()).doesNotContain(T0);
    }

    @Test
    void duplicateEventIsCountedOnce() {
        startDriver();
        pm10(hourEnd(T0, 0), 40.0);
        pm10(hourEnd(T0, 1), 60.0);
        assertThat(table.readValuesToList()).hasSize(2);

        AirQualityMeasurement again = hourly(KRASINSKIEGO, Pollutant.PM10, hourEnd(T0, 1), 60.0,
                hourEnd(T0, 1).plus(Duration.ofHours(2)));
        pipe(again);
        pipe(again);
        assertThat(table.isEmpty()).as("a duplicate produces no new emission").isTrue();
        assertThat(counter("pulse.indicators.duplicate.events", "indicator", PM10_DAILY)).isEqualTo(2);

        pm10(hourEnd(T0, 2), 80.0);
        IndicatorValue v = lastValue();
        // (40 + 60 + 80) / 3: the duplicated hour counted once
        assertThat(v.getValue()).isEqualTo(60.0);
        assertThat(v.getObservedCount()).isEqualTo(3);
        // The duplicate's later ingestion time did not count: the newest contributor is hour 2's event.
        assertThat(v.getLastEventIngestedAt()).isEqualTo(hourEnd(T0, 2).plus(INGEST_LAG));
    }

    @Test
    void correctedValueForTheSameHourReplacesTheOldOne() {
        startDriver();
        pm10(hourEnd(T0, 0), 40.0);
        pm10(hourEnd(T0, 1), 60.0);
        pm10(hourEnd(T0, 1), 90.0);
        List<IndicatorValue> values = table.readValuesToList();
        assertThat(values).hasSize(3);
        // (40 + 90) / 2
        assertThat(values.get(2).getValue()).isEqualTo(65.0);
        assertThat(values.get(2).getObservedCount()).isEqualTo(2);
        assertThat(counter("pulse.indicators.corrected.events", "indicator", PM10_DAILY)).isEqualTo(1);
    }

    @Test
    void finalValueEmittedOnceAfterGraceAndStoreCleaned() {
        startDriver();
        for (int h = 0; h < 24; h++) {
            pm10(hourEnd(T0, h), h < 12 ? 30.0 : 60.0);
        }
        pm10(T0_DAY_END.plus(Duration.ofHours(2)), 10.0); // within grace: nothing closes
        assertThat(table.readValuesToList()).noneMatch(v -> v.getStatus() == IndicatorStatus.FINAL);
        assertThat(openDays()).hasSize(2);

        pm10(AFTER_GRACE, 10.0);
        List<TestRecord<String, IndicatorValue>> out = table.readRecordsToList();
        List<TestRecord<String, IndicatorValue>> finals = out.stream()
                .filter(r -> r.value().getStatus() == IndicatorStatus.FINAL).toList();
        assertThat(finals).hasSize(1);
        TestRecord<String, IndicatorValue> fin = finals.get(0);
        assertThat(fin.key()).isEqualTo(T0_DAY_KEY);
        assertThat(fin.value().getRevision()).isEqualTo(1);
        // (12 × 30 + 12 × 60) / 24 = 45
        assertThat(fin.value().getValue()).isEqualTo(45.0);
        assertThat(fin.value().getObservedCount()).isEqualTo(24);
        assertThat(fin.value().getValid()).isTrue();
        assertThat(fin.timestamp()).isEqualTo(AFTER_GRACE.toEpochMilli());

        assertThat(openDays()).as("only the next day is left open").containsExactly(T0_DAY_END);

        pm10(AFTER_GRACE.plus(HOUR), 10.0);
        pm10(AFTER_GRACE.plus(Duration.ofHours(2)), 10.0);
        assertThat(table.readValuesToList()).noneMatch(v -> v.getStatus() == IndicatorStatus.FINAL);
        assertThat(counter("pulse.indicators.values", "indicator", PM10_DAILY, "status", "FINAL")).isEqualTo(1);
    }

    @Test
    void finalisationIsPerStationDayAcrossStations() {
        startDriver();
        for (int h = 0; h < 24; h++) {
            pm10(hourEnd(T0, h), 10.0);
            pipe(hourly(DIETLA, Pollutant.PM10, hourEnd(T0, h), 20.0));
        }
        pipe(hourly(DIETLA, Pollutant.PM10, AFTER_GRACE, 20.0)); // another station moves stream time
        Map<String, IndicatorValue> latest = table.readKeyValuesToMap();
        assertThat(latest.get(T0_DAY_KEY).getStatus()).isEqualTo(IndicatorStatus.FINAL);
        assertThat(latest.get(T0_DAY_KEY).getValue()).isEqualTo(10.0);
        String dietlaKey = PM10_DAILY + "|station:" + DIETLA + "|2017-01-10T00:00:00+01:00";
        assertThat(latest.get(dietlaKey).getStatus()).isEqualTo(IndicatorStatus.FINAL);
        assertThat(latest.get(dietlaKey).getValue()).isEqualTo(20.0);
    }

    @Test
    void idleStationFinalisedByWallClockPunctuator() {
        // Wall clock one hour after the day's end; the station then falls silent.
        Instant wallStart = T0_DAY_END.plus(HOUR);
        clock.set(wallStart);
        startDriver(catalogPm10DailyOnly(), wallStart);
        for (int h = 0; h < 24; h++) {
            pm10(hourEnd(T0, h), 35.0);
        }
        table.readRecordsToList();

        driver.advanceWallClockTime(Duration.ofSeconds(30)); // sees stream time for the first time
        driver.advanceWallClockTime(Duration.ofMinutes(30)); // stalled 30 min < 1 h idle timeout
        assertThat(table.isEmpty()).isTrue();

        // Stalled 3.5 h: idle watermark = wall − 1 h = day end + 3.5 h ≥ day end + 3 h grace.
        clock.set(wallStart.plus(Duration.ofMinutes(270)).plusSeconds(30));
        driver.advanceWallClockTime(Duration.ofHours(3));
        List<TestRecord<String, IndicatorValue>> out = table.readRecordsToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).key()).isEqualTo(T0_DAY_KEY);
        assertThat(out.get(0).value().getStatus()).isEqualTo(IndicatorStatus.FINAL);
        assertThat(out.get(0).value().getRevision()).isEqualTo(1);
        assertThat(out.get(0).value().getValue()).isEqualTo(35.0);
        assertThat(out.get(0).value().getComputedAt()).isEqualTo(clock.instant());
        assertThat(openDays()).isEmpty();
        assertThat(counter("pulse.indicators.idle.finalised.windows", "indicator", PM10_DAILY)).isEqualTo(1);

        // The station wakes up with a value for the closed day: it is late, not a second FINAL.
        pm10(hourEnd(T0, 3), 99.0);
        assertThat(table.isEmpty()).isTrue();
        assertThat(lateTopic.readValue().getWindowStart()).isEqualTo(T0);
    }

    @Test
    void punctuatorDoesNotCloseWindowsWhileStreamTimeAdvances() {
        // A replay of 2017 data years later: the wall clock is far ahead, but stream time keeps moving.
        Instant wallStart = Instant.parse("2025-06-01T12:00:00Z");
        startDriver(catalogPm10DailyOnly(), wallStart);
        for (int h = 0; h < 24; h++) {
            pm10(hourEnd(T0, h), 35.0);
            driver.advanceWallClockTime(Duration.ofMinutes(40));
        }
        assertThat(table.readValuesToList()).noneMatch(v -> v.getStatus() == IndicatorStatus.FINAL);
        assertThat(openDays()).hasSize(1);
    }

    @Test
    void replayPausedLongerThanIdleTimeoutClosesOnlyTheDaysItHadOpen() {
        Instant wallStart = Instant.parse("2025-06-01T12:00:00Z");
        clock.set(wallStart);
        startDriver(catalogPm10DailyOnly(), wallStart);
        for (int h = 0; h < 10; h++) {
            pm10(hourEnd(T0, h), 12.0);
        }
        table.readRecordsToList();
        driver.advanceWallClockTime(Duration.ofSeconds(30));
        driver.advanceWallClockTime(Duration.ofHours(2));
        IndicatorValue fin = table.readValue();
        assertThat(fin.getStatus()).isEqualTo(IndicatorStatus.FINAL);
        assertThat(fin.getObservedCount()).isEqualTo(10);
        assertThat(fin.getValid()).isFalse();

        pm10(hourEnd(T0, 10), 12.0); // the closed day: late
        assertThat(lateTopic.readValue().getStreamTime()).as("closing time = the closed day's end + grace")
                .isEqualTo(AFTER_GRACE);
        pm10(hourEnd(T0_DAY_END, 0), 14.0); // the next day was never open: accepted
        TestRecord<String, IndicatorValue> next = table.readRecord();
        assertThat(next.value().getWindowStart()).isEqualTo(T0_DAY_END);
        assertThat(next.value().getStatus()).isEqualTo(IndicatorStatus.PROVISIONAL);
        assertThat(table.isEmpty()).isTrue();
    }

    @Test
    void idlePartitionWithoutOpenDaysDoesNotMakeALaterBackfillLate() {
        Instant wallStart = Instant.parse("2025-06-01T12:00:00Z");
        startDriver(catalogPm10DailyOnly(), wallStart);
        driver.advanceWallClockTime(Duration.ofSeconds(30));
        driver.advanceWallClockTime(Duration.ofHours(2));
        pm10(hourEnd(T0, 0), 10.0);
        assertThat(table.readValue().getValue()).isEqualTo(10.0);
        assertThat(lateTopic.isEmpty()).isTrue();
    }

    @Test
    void coalescedEmissionPublishesEachChangedStationDayOncePerInterval() {
        emitInterval = Duration.ofMillis(100);
        startDriver();
        for (int h = 0; h < 24; h++) {
            pm10(hourEnd(T0, h), h < 12 ? 30.0 : 60.0);
        }
        for (int h = 0; h < 3; h++) {
            pipe(hourly(DIETLA, Pollutant.PM10, hourEnd(T0, h), 20.0));
        }
        assertThat(table.isEmpty()).as("nothing before the interval elapses").isTrue();

        driver.advanceWallClockTime(Duration.ofMillis(100));
        Map<String, TestRecord<String, IndicatorValue>> first = new java.util.HashMap<>();
        table.readRecordsToList().forEach(r -> assertThat(first.put(r.key(), r)).isNull());
        String dietlaKey = PM10_DAILY + "|station:" + DIETLA + "|2017-01-10T00:00:00+01:00";
        assertThat(first).containsOnlyKeys(T0_DAY_KEY, dietlaKey);
        // (12 × 30 + 12 × 60) / 24 = 45
        assertThat(first.get(T0_DAY_KEY).value().getValue()).isEqualTo(45.0);
        assertThat(first.get(T0_DAY_KEY).value().getObservedCount()).isEqualTo(24);
        assertThat(first.get(T0_DAY_KEY).timestamp()).isEqualTo(T0_DAY_END.toEpochMilli());
        assertThat(first.get(dietlaKey).value().getObservedCount()).isEqualTo(3);
        assertThat(first.get(dietlaKey).timestamp()).isEqualTo(hourEnd(T0, 2).toEpochMilli());

        pm10(hourEnd(T0, 0), 30.0); // duplicate: nothing to publish
        driver.advanceWallClockTime(Duration.ofMillis(100));
        assertThat(table.isEmpty()).isTrue();

        pipe(hourly(DIETLA, Pollutant.PM10, hourEnd(T0, 3), 40.0));
        pm10(AFTER_GRACE, 5.0); // closes both days before Dietla's change was published
        List<IndicatorValue> closing = table.readValuesToList();
        assertThat(closing).hasSize(2).allMatch(v -> v.getStatus() == IndicatorStatus.FINAL);
        IndicatorValue dietlaFinal = closing.stream().filter(v -> v.getScope().endsWith(DIETLA)).findFirst().orElseThrow();
        // (3 × 20 + 40) / 4 = 25: the FINAL value includes the unpublished change
        assertThat(dietlaFinal.getValue()).isEqualTo(25.0);

        driver.advanceWallClockTime(Duration.ofMillis(100));
        List<IndicatorValue> next = table.readValuesToList();
        assertThat(next).hasSize(1);
        assertThat(next.get(0).getWindowStart()).isEqualTo(T0_DAY_END);
        assertThat(next.get(0).getStatus()).isEqualTo(IndicatorStatus.PROVISIONAL);
    }

    @Test
    void hourStampedOneAmBelongsToThatDayAndMidnightToPreviousDay() {
        startDriver();
        pm10(Instant.parse("2017-01-10T00:00:00Z"), 11.0); // 01:00 local on the 10th: hour 00-01 of the 10th
        pm10(Instant.parse("2017-01-09T23:00:00Z"), 22.0); // 00:00 local on the 10th: hour 23-24 of the 9th
        List<TestRecord<String, IndicatorValue>> out = table.readRecordsToList();
        assertThat(out.get(0).key()).isEqualTo(PM10_DAILY + "|station:" + KRASINSKIEGO + "|2017-01-10T00:00:00+01:00");
        assertThat(out.get(0).value().getWindowStart()).isEqualTo(Instant.parse("2017-01-09T23:00:00Z"));
        assertThat(out.get(1).key()).isEqualTo(PM10_DAILY + "|station:" + KRASINSKIEGO + "|2017-01-09T00:00:00+01:00");
        assertThat(out.get(1).value().getWindowStart()).isEqualTo(Instant.parse("2017-01-08T23:00:00Z"));
        assertThat(out.get(1).value().getWindowEnd()).isEqualTo(Instant.parse("2017-01-09T23:00:00Z"));
    }

    @Test
    void otherPollutantsAndNonHourlyValuesAreIgnored() {
        startDriver();
        pipe(hourly(KRASINSKIEGO, Pollutant.NO2, hourEnd(T0, 0), 80.0));
        pipe(hourly(KRASINSKIEGO, Pollutant.PM25, hourEnd(T0, 0), 80.0)); // PM2.5 not implemented in this catalog
        AirQualityMeasurement daily = hourly(KRASINSKIEGO, Pollutant.PM10, T0_DAY_END, 80.0);
        daily.setAveragingPeriodSeconds(86_400);
        pipe(daily);
        pipe(hourly(KRASINSKIEGO, Pollutant.PM10, hourEnd(T0, 0), Double.NaN));
        assertThat(table.isEmpty()).isTrue();
        assertThat(counter("pulse.indicators.ignored.events", "indicator", PM10_DAILY, "reason", "not_hourly")).isEqualTo(1);
        assertThat(counter("pulse.indicators.ignored.events", "indicator", PM10_DAILY, "reason", "not_finite")).isEqualTo(1);
    }

    @Test
    void pm25DailyMeansAppearWhenTheCatalogImplementsThem() {
        startDriver(catalogWithPm25(), clock.instant());
        for (int h = 0; h < 24; h++) {
            pm10(hourEnd(T0, h), 50.0);
            pipe(hourly(KRASINSKIEGO, Pollutant.PM25, hourEnd(T0, h), h < 18 ? 20.0 : 38.0));
        }
        Map<String, IndicatorValue> latest = table.readKeyValuesToMap();
        String pm25Key = PM25_DAILY + "|station:" + KRASINSKIEGO + "|2017-01-10T00:00:00+01:00";
        assertThat(latest).containsOnlyKeys(T0_DAY_KEY, pm25Key);
        assertThat(latest.get(T0_DAY_KEY).getValue()).isEqualTo(50.0);
        IndicatorValue pm25 = latest.get(pm25Key);
        assertThat(pm25.getIndicatorId()).isEqualTo(PM25_DAILY);
        // (18 × 20 + 6 × 38) / 24 = (360 + 228) / 24 = 24.5
        assertThat(pm25.getValue()).isEqualTo(24.5);
        assertThat(pm25.getUnit()).isEqualTo(UNIT);
        assertThat(driver.getKeyValueStore("iv3-pm25-daily-by-station")).isNotNull();
        assertThat(counter("pulse.indicators.values", "indicator", PM25_DAILY, "status", "PROVISIONAL")).isEqualTo(24);
    }

    @Test
    void latencyIsMeasuredFromIngestionToComputation() {
        startDriver();
        clock.set(Instant.parse("2017-01-10T00:20:00.250Z"));
        pm10(hourEnd(T0, 0), 10.0); // ingested at 00:20:00Z
        Timer latency = meters.find("pulse.indicators.latency").tag("indicator", PM10_DAILY).timer();
        assertThat(latency).isNotNull();
        assertThat(latency.count()).isEqualTo(1);
        assertThat(latency.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isCloseTo(250.0, within(0.001));
    }

    @Test
    void everyNodeAndStoreIsExplicitlyNamed() {
        TopologyDescription description = topology(catalogWithPm25()).describe();
        List<String> names = new ArrayList<>();
        List<String> stores = new ArrayList<>();
        description.subtopologies().forEach(s -> s.nodes().forEach(n -> {
            names.add(n.name());
            if (n instanceof TopologyDescription.Processor p) {
                stores.addAll(p.stores());
            }
        }));
        assertThat(names).contains(Iv3EnvironmentTopology.SOURCE_NAME,
                "iv3-pm10-daily-mean-pollutant-filter", "iv3-pm10-daily-mean-processor",
                "iv3-pm10-daily-mean-indicator-sink", "iv3-pm10-daily-mean-late-sink",
                "iv3-pm25-daily-mean-processor");
        assertThat(names).noneMatch(n -> n.startsWith("KSTREAM-") || n.startsWith("KTABLE-"));
        assertThat(stores).containsExactlyInAnyOrder("iv3-pm10-daily-by-station", "iv3-pm10-daily-closing-time",
                "iv3-pm25-daily-by-station", "iv3-pm25-daily-closing-time");
        assertThat(description.subtopologies()).hasSize(1); // no repartitioning
    }

    private IndicatorValue lastValue() {
        List<IndicatorValue> values = table.readValuesToList();
        assertThat(values).isNotEmpty();
        return values.get(values.size() - 1);
    }

    private static IndicatorValue finalOf(List<KeyValue<String, IndicatorValue>> records, String key) {
        List<IndicatorValue> finals = records.stream()
                .filter(kv -> kv.key.equals(key) && kv.value.getStatus() == IndicatorStatus.FINAL)
                .map(kv -> kv.value).toList();
        assertThat(finals).hasSize(1);
        return finals.get(0);
    }

    /** Window starts of the open station-days held in the PM10 store. */
    private List<Instant> openDays() {
        KeyValueStore<Bytes, DailyMeanAccumulator> store = driver.getKeyValueStore(PM10_STORE);
        List<Instant> out = new ArrayList<>();
        try (KeyValueIterator<Bytes, DailyMeanAccumulator> it = store.all()) {
            it.forEachRemaining(kv -> out.add(Instant.ofEpochMilli(kv.value.dayStartMs())));
        }
        return out;
    }

    private static byte[] toArray(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }
}
