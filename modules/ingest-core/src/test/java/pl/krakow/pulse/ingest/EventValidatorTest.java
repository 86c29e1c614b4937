package pl.krakow.pulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static pl.krakow.pulse.ingest.TestInstants.FIXED_CLOCK;
import static pl.krakow.pulse.ingest.TestInstants.NOW;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.environment.Pollutant;

class EventValidatorTest {

    @Nested
    class TimeSanityChecks {
        private final TimeSanity sanity = new TimeSanity(FIXED_CLOCK, Duration.ofMinutes(5), Duration.ofDays(30));

        @Test
        void eventWithinTheWindowIsAccepted() {
            assertThat(sanity.check(NOW)).isEmpty();
            assertThat(sanity.check(NOW.minus(Duration.ofDays(29)))).isEmpty();
        }

        @Test
        void boundsAreInclusive() {
            assertThat(sanity.check(NOW.plus(Duration.ofMinutes(5)))).isEmpty();
            assertThat(sanity.check(NOW.minus(Duration.ofDays(30)))).isEmpty();
        }

        @Test
        void eventBeyondMaxFutureIsInFuture() {
            assertThat(sanity.check(NOW.plus(Duration.ofMinutes(5)).plusMillis(1)))
                    .map(Violation::reason).contains(ReasonCode.IN_FUTURE);
        }

        @Test
        void eventBeforeHorizonIsTooOld() {
            Optional<Violation> v = sanity.check(NOW.minus(Duration.ofDays(30)).minusMillis(1));
            assertThat(v).map(Violation::reason).contains(ReasonCode.TOO_OLD);
            assertThat(v.orElseThrow().message()).contains("horizon");
        }
    }

    @Nested
    class PhysicalRangeChecks {
        private final PhysicalRanges ranges = PhysicalRanges.defaults();

        @Test
        void designRangesHold() {
            assertThat(ranges.check(Pollutant.PM10, 0)).isEmpty();
            assertThat(ranges.check(Pollutant.PM10, 2000)).isEmpty();
            assertThat(ranges.check(Pollutant.PM25, 2000)).isEmpty();
            assertThat(ranges.check(Pollutant.NO2, 2000)).isEmpty();
            assertThat(ranges.check(Pollutant.O3, 1000)).isEmpty();
            assertThat(ranges.check(Pollutant.O3, 1000.5)).map(Violation::reason).contains(ReasonCode.OUT_OF_RANGE);
        }

        @Test
        void absurdPm10IsOutOfRange() {
            assertThat(ranges.check(Pollutant.PM10, 2000.001)).map(Violation::reason).contains(ReasonCode.OUT_OF_RANGE);
            assertThat(ranges.check(Pollutant.PM25, 5000)).map(Violation::reason).contains(ReasonCode.OUT_OF_RANGE);
        }

        @Test
        void negativeIsOutOfRange() {
            assertThat(ranges.check(Pollutant.PM10, -0.1)).map(Violation::reason).contains(ReasonCode.OUT_OF_RANGE);
            assertThat(ranges.check(Pollutant.OTHER, -1)).map(Violation::reason).contains(ReasonCode.OUT_OF_RANGE);
        }

        @Test
        void nanAndInfinityAreNotANumber() {
            assertThat(ranges.check(Pollutant.PM10, Double.NaN)).map(Violation::reason).contains(ReasonCode.NOT_A_NUMBER);
            assertThat(ranges.check(Pollutant.NO2, Double.POSITIVE_INFINITY)).map(Violation::reason).contains(ReasonCode.NOT_A_NUMBER);
            assertThat(ranges.check(Pollutant.O3, Double.NEGATIVE_INFINITY)).map(Violation::reason).contains(ReasonCode.NOT_A_NUMBER);
        }

        @Test
        void rangeCanBeOverridden() {
            PhysicalRanges strict = ranges.with(Pollutant.PM10, 0, 500);
            assertThat(strict.check(Pollutant.PM10, 501)).isPresent();
            assertThat(ranges.check(Pollutant.PM10, 501)).isEmpty();
            assertThatThrownBy(() -> ranges.with(Pollutant.PM10, 10, 1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class DuplicateChecks {

        @Test
        void secondSightingIsDuplicate() {
            DuplicateFilter f = new DuplicateFilter(10);
            assertThat(f.firstSighting("a")).isTrue();
            assertThat(f.firstSighting("b")).isTrue();
            assertThat(f.firstSighting("a")).isFalse();
        }

        @Test
        void memoryIsBoundedAndForgetsTheLeastRecentlySeen() {
            DuplicateFilter f = new DuplicateFilter(3);
            f.firstSighting("a");
            f.firstSighting("b");
            f.firstSighting("c");
            f.firstSighting("a"); // refreshes a
            f.firstSighting("d"); // evicts b
            assertThat(f.size()).isEqualTo(3);
            assertThat(f.contains("b")).isFalse();
            assertThat(f.contains("a")).isTrue();
            assertThat(f.firstSighting("b")).isTrue();
        }

        @Test
        void millionIdsStayWithinCapacity() {
            DuplicateFilter f = new DuplicateFilter(1000);
            for (int i = 0; i < 1_000_000; i++) {
                f.firstSighting("id-" + i);
            }
            assertThat(f.size()).isEqualTo(1000);
            assertThat(f.firstSighting("id-999999")).isFalse();
        }
    }

    @Nested
    class Composite {
        private final EventValidator validator = EventValidator.of(
                IngestContext.defaults(FIXED_CLOCK).withMaxAge(Duration.ofDays(3650)), Set.of("MpKrakAlKras"));

        @Test
        void unknownStationIsRejected() {
            assertThat(validator.checkStation("MpKrakNowhere")).map(Violation::reason).contains(ReasonCode.UNKNOWN_STATION);
            assertThat(validator.checkStation(null)).map(Violation::reason).contains(ReasonCode.UNKNOWN_STATION);
            assertThat(validator.checkStation("MpKrakAlKras")).isEmpty();
        }

        @Test
        void checksRunInOrderAndOnlyAnAcceptedEventIsRemembered() {
            var old = NOW.minus(Duration.ofDays(365));
            assertThat(validator.checkMeasurement("e1", old, "MpKrakAlKras", Pollutant.PM10, -5))
                    .map(Violation::reason).contains(ReasonCode.OUT_OF_RANGE);
            // the corrected re-delivery is not a duplicate of the rejected one
            assertThat(validator.checkMeasurement("e1", old, "MpKrakAlKras", Pollutant.PM10, 5)).isEmpty();
            assertThat(validator.checkMeasurement("e1", old, "MpKrakAlKras", Pollutant.PM10, 5))
                    .map(Violation::reason).contains(ReasonCode.DUPLICATE);
            assertThat(validator.checkMeasurement("e2", NOW.plus(Duration.ofHours(1)), "MpKrakAlKras", Pollutant.PM10, 5))
                    .map(Violation::reason).contains(ReasonCode.IN_FUTURE);
        }
    }
}
