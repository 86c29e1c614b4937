package pl.krakow.pulse.ingest.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.safety.Incident;
import pl.krakow.pulse.ingest.EventSink;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.runtime.geo.District;

class IncidentSimulatorTest {

    @Test
    void aSimulatedYearMatchesTheCalibrationAndEveryEventSaysSimulated() {
        List<Incident> events = new ArrayList<>();
        List<ParseOutcome.Rejected> rejected = new ArrayList<>();
        EventSink sink = new EventSink() {
            @Override
            public void accept(ParseOutcome.Accepted<?> event) {
                events.add((Incident) event.value());
            }

            @Override
            public void reject(ParseOutcome.Rejected rejection) {
                rejected.add(rejection);
            }

            @Override
            public void flush() {
            }
        };
        IncidentSimulator.Calibration c = IncidentSimulator.Calibration.KRAKOW_2020;
        try (IncidentSimulator sim = new IncidentSimulator(CityProfile.krakow(), sink, IngestContext.defaults(ParseResults.CLOCK), c, 42)) {
            sim.backfill(Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:00Z"));
        }
        assertThat(rejected).isEmpty();
        // Poisson totals: within 4 standard deviations of the calibrated yearly means
        assertThat((double) events.size()).isBetween(c.roadEventsPerYear() - 4 * Math.sqrt(c.roadEventsPerYear()),
                c.roadEventsPerYear() + 4 * Math.sqrt(c.roadEventsPerYear()));
        double injured = events.stream().mapToInt(Incident::getInjured).sum();
        assertThat(injured).isBetween(c.injuredPerYear() - 4 * Math.sqrt(c.injuredPerYear()), c.injuredPerYear() + 4 * Math.sqrt(c.injuredPerYear()));
        assertThat(events.stream().mapToInt(Incident::getKilled).sum()).isBetween(1, 30);
        assertThat(events).allSatisfy(i -> {
            assertThat(i.getFeed()).isEqualTo("simulated");
            assertThat(i.getSourceType()).startsWith("SIMULATED");
            assertThat(i.getScope()).startsWith("district:");
        });
        Set<String> districts = new HashSet<>();
        events.forEach(i -> districts.add(i.getScope()));
        assertThat(districts).hasSize(18);
    }

    @Test
    void samplingBoxContainsEveryDistrict() {
        // Every district must be reachable: its interior points lie inside the simulator's box.
        CityProfile city = CityProfile.krakow();
        Set<Integer> hit = new HashSet<>();
        for (double lat = 49.90; lat <= 50.20; lat += 0.002) {
            for (double lon = 19.70; lon <= 20.30; lon += 0.002) {
                var d = city.districts().districtOf(lat, lon);
                if (d.isPresent()) {
                    assertThat(lat).isBetween(IncidentSimulator.MIN_LAT, IncidentSimulator.MAX_LAT);
                    assertThat(lon).isBetween(IncidentSimulator.MIN_LON, IncidentSimulator.MAX_LON);
                    hit.add(d.map(District::number).get());
                }
            }
        }
        assertThat(hit).hasSize(18);
    }
}
