package pl.krakow.pulse.indicators.iv5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.events.safety.Incident;
import pl.krakow.pulse.events.safety.IncidentCategory;

class Iv5SafetyTopologyTest extends Iv5TestBase {

    /** 2024-01-10 00:00 in Warsaw (CET). */
    static final Instant JAN_10 = Instant.parse("2024-01-09T23:00:00Z");

    static List<IndicatorValue> of(List<IndicatorValue> values, String id, String scope) {
        return values.stream().filter(v -> v.getIndicatorId().equals(id) && v.getScope().equals(scope)).toList();
    }

    @Test
    void perHundredThousandArithmeticAgainstAHandComputedCase() throws Exception {
        Path table = stateDir.resolve("population.csv");
        Files.writeString(table, "scope,year,residents,source\ndistrict:I,2024,50000,test figure\n");
        start(PopulationTable.krakowWith(table));
        // District I, 2024: 3 accidents with injured, 1 with a death, 1 collision without injury, 1 fire.
        pipe(incident("2024-01-10T08:00:00Z", IncidentCategory.ROAD_ACCIDENT, 1, 0, "district:I"));
        pipe(incident("2024-01-11T08:00:00Z", IncidentCategory.ROAD_ACCIDENT, 2, 0, "district:I"));
        pipe(incident("2024-02-11T08:00:00Z", IncidentCategory.ROAD_ACCIDENT, 1, 0, "district:I"));
        pipe(incident("2024-02-12T08:00:00Z", IncidentCategory.ROAD_ACCIDENT, 0, 1, "district:I"));
        pipe(incident("2024-02-12T09:00:00Z", IncidentCategory.ROAD_COLLISION, 0, 0, "district:I"));
        pipe(incident("2024-02-12T10:00:00Z", IncidentCategory.FIRE, 3, 0, "district:I"));
        Map<String, IndicatorValue> latest = latest(flush());

        // By hand: 4 injury accidents (the fire is no road accident) / 50 000 × 100 000 = 8.0
        IndicatorValue districtYtd = latest.get("iv5.road.injury_accidents_per_100k_ytd|district:I|2023-12-31T23:00:00Z");
        assertThat(districtYtd.getValue()).isEqualTo(8.0);
        assertThat(districtYtd.getObservedCount()).isEqualTo(4);
        // City: the same 4 accidents over 806 200 residents (GUS, end of 2023, used for 2024): 0.49615...
        IndicatorValue cityYtd = latest.get("iv5.road.injury_accidents_per_100k_ytd|city:krakow|2023-12-31T23:00:00Z");
        assertThat(cityYtd.getValue()).isCloseTo(0.4961548, within(1e-6));
        // Road deaths: 1 / 806 200 × 100 000 = 0.1240387
        IndicatorValue deaths = latest.get("iv5.road.fatalities_per_100k|city:krakow|2023-12-31T23:00:00Z");
        assertThat(deaths.getValue()).isCloseTo(0.1240387, within(1e-6));
        // Rolling 12 months ending February 2024 (March 2023 … February 2024): all four
        IndicatorValue rolling = latest.get("iv5.road.injury_accidents_per_100k|district:I|2023-02-28T23:00:00Z");
        assertThat(rolling.getValue()).isEqualTo(8.0);
        // ... and the one ending January 2024 only the two January accidents: 2 / 50 000 × 100 000 = 4.0
        assertThat(latest.get("iv5.road.injury_accidents_per_100k|district:I|2023-01-31T23:00:00Z").getValue()).isEqualTo(4.0);
        assertThat(Rates.per100k(10, 800_653)).isCloseTo(1.2489805, within(1e-6));
    }

    @Test
    void districtRatesNeedAPopulationTableButCountsDoNot() {
        start(PopulationTable.krakowDefault());
        pipe(incident("2024-01-10T08:00:00Z", IncidentCategory.ROAD_ACCIDENT, 1, 0, "district:IV"));
        List<IndicatorValue> out = flush();
        assertThat(of(out, "iv5.road.injury_accidents_per_100k_ytd", "district:IV")).isEmpty();
        assertThat(of(out, "iv5.road.injury_accidents_per_100k_ytd", "city:krakow")).isNotEmpty();
        assertThat(of(out, "iv5.incidents.count", "district:IV")).singleElement()
                .satisfies(v -> assertThat(v.getValue()).isEqualTo(1.0));
        assertThat(of(out, "iv5.incidents.count", "district:IV/road_accident")).singleElement()
                .satisfies(v -> assertThat(v.getValue()).isEqualTo(1.0));
        assertThat(of(out, "iv5.incidents.count", "city:krakow")).singleElement()
                .satisfies(v -> assertThat(v.getValue()).isEqualTo(1.0));
    }

    @Test
    void roadDeathRateIsPublishedAsZeroForEachYearWithRoadEventsAndRevisedByALateDeath() {
        start(PopulationTable.krakowDefault());
        pipe(incident("2025-06-10T08:00:00Z", IncidentCategory.ROAD_COLLISION, 0, 0, "district:II"));
        pipe(incident("2026-03-10T08:00:00Z", IncidentCategory.ROAD_COLLISION, 0, 0, "district:II"));
        Map<String, IndicatorValue> latest = latest(flush());
        assertThat(latest.get("iv5.road.fatalities_per_100k|city:krakow|2024-12-31T23:00:00Z").getValue()).isEqualTo(0.0);
        assertThat(latest.get("iv5.road.fatalities_per_100k|city:krakow|2025-12-31T23:00:00Z").getValue()).isEqualTo(0.0);
        // 2025 is FINAL once stream time passes 2026-01-01 + 60 days; a death reported later revises it.
        assertThat(latest.get("iv5.road.fatalities_per_100k|city:krakow|2024-12-31T23:00:00Z").getStatus()).isEqualTo(IndicatorStatus.FINAL);
        pipe(incident("2025-12-20T08:00:00Z", IncidentCategory.ROAD_ACCIDENT, 0, 1, "district:II"));
        IndicatorValue revised = latest(flush()).get("iv5.road.fatalities_per_100k|city:krakow|2024-12-31T23:00:00Z");
        assertThat(revised.getRevision()).isEqualTo(2);
        assertThat(revised.getValue()).isCloseTo(0.1240387, within(1e-6));
    }

    @Test
    void regionEventsAreCountedApartAndNeverRated() {
        start(PopulationTable.krakowDefault());
        pipe(incident("2024-01-10T08:00:00Z", IncidentCategory.ROAD_ACCIDENT, 1, 1, "region:malopolskie"));
        List<IndicatorValue> out = flush();
        assertThat(of(out, "iv5.incidents.count", "region:malopolskie")).singleElement().satisfies(v -> assertThat(v.getValue()).isEqualTo(1.0));
        assertThat(out).noneMatch(v -> v.getScope().startsWith("city:krakow") || v.getScope().startsWith("district"));
        assertThat(out).noneMatch(v -> v.getIndicatorId().contains("per_100k"));
    }

    @Test
    void valuesFromSimulatedIncidentsCarryTheSimulatedHeaderAndRealOnesDoNot() {
        start(PopulationTable.krakowDefault());
        pipe(incident("2024-01-10T08:00:00Z", IncidentCategory.CRIME, 0, 0, "city:krakow"));
        driver.advanceWallClockTime(java.time.Duration.ofSeconds(2));
        assertThat(table.readRecordsToList()).isNotEmpty()
                .allSatisfy(r -> assertThat(r.headers().lastHeader(Iv5SafetyProcessor.SIMULATED_HEADER)).isNull());

        Incident simulated = Incident.newBuilder(incident("2024-01-11T08:00:00Z", IncidentCategory.CRIME, 0, 0, "city:krakow"))
                .setFeed("simulated").build();
        pipe(simulated);
        driver.advanceWallClockTime(java.time.Duration.ofSeconds(2));
        var day11 = table.readRecordsToList().stream()
                .filter(r -> r.key().startsWith("iv5.incidents.count|city:krakow|2024-01-11")).toList();
        assertThat(day11).isNotEmpty().allSatisfy(r -> assertThat(
                new String(r.headers().lastHeader(Iv5SafetyProcessor.SIMULATED_HEADER).value(),
                        java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("simulated"));
    }

    @Test
    void rollingThirtyDaysSumsTheDaysEndingThere() {
        start(PopulationTable.krakowDefault());
        pipe(incident("2024-01-01T08:00:00Z", IncidentCategory.CRIME, 0, 0, "city:krakow"));
        pipe(incident("2024-01-20T08:00:00Z", IncidentCategory.CRIME, 0, 0, "city:krakow"));
        pipe(incident("2024-01-31T08:00:00Z", IncidentCategory.CRIME, 0, 0, "city:krakow"));
        Map<String, IndicatorValue> latest = latest(flush());
        // 30 days ending 2024-01-31 start on 2024-01-02: the 1 January incident is out
        assertThat(latest.get("iv5.incidents.count_30d|city:krakow|2024-01-01T23:00:00Z").getValue()).isEqualTo(2.0);
        // 30 days ending 2024-01-20 (from 2023-12-22): two
        assertThat(latest.get("iv5.incidents.count_30d|city:krakow|2023-12-21T23:00:00Z").getValue()).isEqualTo(2.0);
    }

    @Test
    void lateBatchAfterFinalProducesRevisionTwo() {
        start(PopulationTable.krakowDefault());
        pipe(incident("2024-01-10T08:00:00Z", IncidentCategory.ROAD_COLLISION, 0, 0, "city:krakow"));
        assertThat(flush()).filteredOn(v -> v.getIndicatorId().equals("iv5.incidents.count") && v.getScope().equals("city:krakow"))
                .singleElement().satisfies(v -> {
                    assertThat(v.getStatus()).isEqualTo(IndicatorStatus.PROVISIONAL);
                    assertThat(v.getRevision()).isZero();
                });
        // Stream time reaches 2024-01-13 00:00 local = the day's end + 2 days grace: the day becomes FINAL.
        pipe(incident("2024-01-12T23:30:00Z", IncidentCategory.ROAD_COLLISION, 0, 0, "city:krakow"));
        List<IndicatorValue> day10 = flush().stream().filter(v -> v.getIndicatorId().equals("iv5.incidents.count")
                && v.getScope().equals("city:krakow") && v.getWindowStart().equals(JAN_10)).toList();
        assertThat(day10).singleElement().satisfies(v -> {
            assertThat(v.getStatus()).isEqualTo(IndicatorStatus.FINAL);
            assertThat(v.getRevision()).isEqualTo(1);
            assertThat(v.getValue()).isEqualTo(1.0);
        });
        // A police batch for 10 January arrives weeks later: the FINAL value is revised, not dropped.
        pipe(incident("2024-01-10T15:00:00Z", IncidentCategory.ROAD_COLLISION, 0, 0, "city:krakow"));
        pipe(incident("2024-01-10T16:00:00Z", IncidentCategory.ROAD_COLLISION, 0, 0, "city:krakow"));
        List<IndicatorValue> revised = flush().stream().filter(v -> v.getIndicatorId().equals("iv5.incidents.count")
                && v.getScope().equals("city:krakow") && v.getWindowStart().equals(JAN_10)).toList();
        assertThat(revised).singleElement().satisfies(v -> {
            assertThat(v.getStatus()).isEqualTo(IndicatorStatus.FINAL);
            assertThat(v.getRevision()).isEqualTo(2);
            assertThat(v.getValue()).isEqualTo(3.0);
        });
    }

    @Test
    void dueWindowWaitsForTheSettlePeriodSoACatchUpBurstDoesNotReviseIt() {
        settle = java.time.Duration.ofSeconds(10);
        start(PopulationTable.krakowDefault());
        pipe(incident("2024-01-10T08:00:00Z", IncidentCategory.ROAD_COLLISION, 0, 0, "city:krakow"));
        pipe(incident("2024-01-12T23:30:00Z", IncidentCategory.ROAD_COLLISION, 0, 0, "city:krakow")); // 10 January is due
        assertThat(flush()).noneMatch(v -> v.getStatus() == IndicatorStatus.FINAL);
        // Another input task's records of the same moment arrive within seconds: still PROVISIONAL, no revision.
        pipe(incident("2024-01-10T15:00:00Z", IncidentCategory.ROAD_COLLISION, 0, 0, "city:krakow"));
        assertThat(flush()).noneMatch(v -> v.getStatus() == IndicatorStatus.FINAL);
        driver.advanceWallClockTime(java.time.Duration.ofSeconds(10));
        List<IndicatorValue> day10 = flush().stream().filter(v -> v.getIndicatorId().equals("iv5.incidents.count")
                && v.getScope().equals("city:krakow") && v.getWindowStart().equals(JAN_10)).toList();
        assertThat(day10).singleElement().satisfies(v -> {
            assertThat(v.getStatus()).isEqualTo(IndicatorStatus.FINAL);
            assertThat(v.getRevision()).isEqualTo(1);
            assertThat(v.getValue()).isEqualTo(2.0);
        });
    }

    @Test
    void replayedIncidentIsNotCountedTwice() {
        start(PopulationTable.krakowDefault());
        Incident i = incident("2024-01-10T08:00:00Z", IncidentCategory.FIRE, 0, 0, "city:krakow");
        pipe(i);
        pipe(i);
        assertThat(of(flush(), "iv5.incidents.count", "city:krakow")).singleElement().satisfies(v -> assertThat(v.getValue()).isEqualTo(1.0));
        assertThat(meters.get("pulse.indicators.iv5.duplicates").counter().count()).isEqualTo(1.0);
    }

    @Test
    void responseTimePercentilesFromArrivals() {
        start(PopulationTable.krakowDefault());
        for (int minutes = 1; minutes <= 10; minutes++) {
            Incident i = incident("2024-01-10T08:00:00Z", IncidentCategory.MEDICAL, 0, 0, "city:krakow");
            i.setArrivedAt(i.getReportedAt().plusSeconds(60L * minutes));
            pipe(i);
        }
        Map<String, IndicatorValue> latest = latest(flush());
        double p50 = latest.get("iv5.response.time_p50|city:krakow|" + JAN_10).getValue();
        double p90 = latest.get("iv5.response.time_p90|city:krakow|" + JAN_10).getValue();
        assertThat(p50).isBetween(5.0, 6.0);
        assertThat(p90).isBetween(9.0, 10.0);
        assertThat(latest.get("iv5.response.time_p90|city:krakow|" + JAN_10).getObservedCount()).isEqualTo(10);
    }

    @Test
    void lateIncidentOfAnotherCategoryOpensTheWindowsOfEveryCategoryOnItsDay() {
        // The order of a late police batch: the area's own days first, then an older day of another category.
        start(PopulationTable.krakowDefault());
        pipe(incident("2024-01-05T08:00:00Z", IncidentCategory.ROAD_ACCIDENT, 1, 0, "city:krakow"));
        pipe(incident("2024-01-20T08:00:00Z", IncidentCategory.FIRE, 0, 0, "city:krakow"));
        pipe(incident("2024-01-12T08:00:00Z", IncidentCategory.CRIME, 0, 0, "city:krakow"));
        List<DayCategory> expected = List.of(
                new DayCategory("city:krakow", LocalDate.of(2024, 1, 5), IncidentCategory.ROAD_ACCIDENT),
                new DayCategory("city:krakow", LocalDate.of(2024, 1, 20), IncidentCategory.FIRE),
                new DayCategory("city:krakow", LocalDate.of(2024, 1, 12), IncidentCategory.CRIME));
        assertRollingWindows(expectedRolling30(expected), publishedRolling30(latest(flush())), "three categories, one late");
    }

    @Test
    void anotherCitysIncidentsCountInItsOwnCityScopeNeverInKrakow() {
        start(PopulationTable.krakowDefault());
        pipe(incident("2024-01-10T08:00:00Z", IncidentCategory.ROAD_ACCIDENT, 1, 0, "city:wroclaw"));
        pipe(incident("2024-01-10T09:00:00Z", IncidentCategory.ROAD_ACCIDENT, 1, 0, "district:I"));
        List<IndicatorValue> out = flush();
        assertThat(of(out, "iv5.incidents.count", "city:wroclaw")).singleElement().satisfies(v -> assertThat(v.getValue()).isEqualTo(1.0));
        assertThat(of(out, "iv5.incidents.count", "city:krakow")).singleElement().satisfies(v -> assertThat(v.getValue()).isEqualTo(1.0));
        // Kraków's population never rates another city
        assertThat(of(out, "iv5.road.injury_accidents_per_100k_ytd", "city:wroclaw")).isEmpty();
        assertThat(of(out, "iv5.road.injury_accidents_per_100k_ytd", "city:krakow")).isNotEmpty();
    }

    @Test
    void scopeThatNamesNoCityIsNeverCountedAsKrakow() {
        // The schema default and records written before scopes named their city: which city is unknown.
        start(PopulationTable.krakowDefault());
        pipe(incident("2024-01-10T08:00:00Z", IncidentCategory.PUBLIC_ORDER, 0, 0, "city"));
        pipe(incident("2024-01-10T09:00:00Z", IncidentCategory.ROAD_COLLISION, 0, 0, "region"));
        List<IndicatorValue> out = flush();
        assertThat(of(out, "iv5.incidents.count", "city:unknown")).singleElement().satisfies(v -> assertThat(v.getValue()).isEqualTo(1.0));
        assertThat(of(out, "iv5.incidents.count", "region:unknown")).singleElement().satisfies(v -> assertThat(v.getValue()).isEqualTo(1.0));
        assertThat(out).noneMatch(v -> v.getScope().startsWith("city:krakow") || v.getScope().startsWith("district"));
    }
}
