package pl.krakow.pulse.indicators;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;

/**
 * {@code indicators.emit.provisional=false}: a daily mean is published once, FINAL, when event time passes its end plus
 * grace — the output of a windowed batch or Flink job — with the same value, count and validity the default mode's FINAL
 * value has; nothing is published while the day is open, in either emission mode.
 */
class FinalOnlyEmissionTest extends IndicatorsTestBase {

    @Test
    void onlyTheFinalValueIsPublishedWhenTheDayCloses() {
        provisional = false;
        startDriver();
        double sum = 0;
        for (int h = 0; h < 20; h++) {
            double v = 10 + h;
            sum += v;
            pm10(hourEnd(T0, h), v);
        }
        pm10(hourEnd(T0, 3), 13); // a duplicate: changes nothing
        assertThat(table.readRecordsToList()).as("nothing while the day is open").isEmpty();

        pm10(AFTER_GRACE.plus(Duration.ofHours(1)), 50); // next day's value moves event time past end + grace
        List<TestRecord<String, IndicatorValue>> out = table.readRecordsToList();
        assertThat(out).hasSize(1);
        IndicatorValue v = out.get(0).value();
        assertThat(out.get(0).key()).isEqualTo(T0_DAY_KEY);
        assertThat(v.getStatus()).isEqualTo(IndicatorStatus.FINAL);
        assertThat(v.getObservedCount()).isEqualTo(20);
        assertThat(v.getValue()).isCloseTo(sum / 20, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(v.getValid()).isTrue();
    }

    @Test
    void coalescedEmissionPublishesNoProvisionalValueEitherAndTheFinalOneMatchesTheDefaultMode() {
        IndicatorValue finalOnly = finalOfADay(false, Duration.ofMillis(50));
        IndicatorValue everyChange = finalOfADay(true, Duration.ZERO);
        assertThat(finalOnly.getValue()).isEqualTo(everyChange.getValue());
        assertThat(finalOnly.getObservedCount()).isEqualTo(everyChange.getObservedCount());
        assertThat(finalOnly.getValid()).isEqualTo(everyChange.getValid());
        assertThat(finalOnly.getCoverage()).isEqualTo(everyChange.getCoverage());
    }

    private IndicatorValue finalOfADay(boolean withProvisional, Duration interval) {
        closeDriver();
        provisional = withProvisional;
        emitInterval = interval;
        startDriver();
        for (int h = 0; h < 12; h++) {
            pipe(hourly(KRASINSKIEGO, Pollutant.PM10, hourEnd(T0, h), 30.5 + 3 * h));
            driver.advanceWallClockTime(Duration.ofMillis(60)); // lets a coalesced emission run between values
        }
        pm10(AFTER_GRACE.plus(Duration.ofHours(1)), 50);
        List<TestRecord<String, IndicatorValue>> out = table.readRecordsToList();
        List<IndicatorValue> finals = out.stream().map(TestRecord::value).filter(v -> v.getStatus() == IndicatorStatus.FINAL).toList();
        assertThat(finals).hasSize(1);
        if (!withProvisional) {
            assertThat(out).as("FINAL only").hasSize(1);
        } else {
            assertThat(out.size()).as("PROVISIONAL values on").isGreaterThan(1);
        }
        return finals.get(0);
    }

}
