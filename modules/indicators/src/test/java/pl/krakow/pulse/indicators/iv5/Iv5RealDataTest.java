package pl.krakow.pulse.indicators.iv5;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.events.safety.Incident;
import pl.krakow.pulse.events.safety.IncidentCategory;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.safety.SafetyFormats;
import pl.krakow.pulse.ingest.safety.SafetyTestData;

/**
 * IV.5 over the real files (city-guard register, SEWIK), expected values computed with plain Java over the
 * files; the parsers of ingest-safety turn the files into the incidents the topology reads.
 */
class Iv5RealDataTest extends Iv5TestBase {

    /** Where the SEWIK świętokrzyskie records (WOJ 26) count: their voivodeship, outside Kraków. */
    static final String SEWIK_AREA = "region:swietokrzyskie";
    /** Where the Wrocław city-guard register counts: Wrocław, never Kraków. */
    static final String CITY_GUARD_AREA = "city:wroclaw";
    /** Where NYC's crashes count. */
    static final String NYC_AREA = "city:new-york";

    static List<Incident> parse(SafetyFormats.Base format, String resource) {
        IngestContext context = IngestContext.defaults(java.time.Clock.fixed(WALL, ZoneOffset.UTC));
        try (Stream<ParseOutcome> s = format.newParser(context).parse(SafetyTestData.open(resource), resource)) {
            return s.filter(o -> o instanceof ParseOutcome.Accepted<?>).map(o -> (Incident) ((ParseOutcome.Accepted<?>) o).value()).toList();
        }
    }

    @Test
    void cityGuardHandlingTimePercentilesPerMonthMatchTheRegister() {
        // Independently: one handling time (closed − registered, minutes) per report, by month of registration.
        Map<YearMonth, List<Double>> minutesByMonth = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        List<String> lines = SafetyTestData.lines(SafetyTestData.CITY_GUARD);
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = SafetyTestData.fields(line);
            if (!seen.add(f.get(1))) {
                continue;
            }
            LocalDateTime registered = LocalDateTime.parse(f.get(0).replace(' ', 'T'));
            LocalDateTime closed = LocalDateTime.parse(f.get(7).replace(' ', 'T'));
            if (closed.isBefore(registered)) {
                continue; // rejected by the feed (closing before registration)
            }
            // Both times are Warsaw summer time (May/June 2018, no DST change inside): the local difference is exact.
            minutesByMonth.computeIfAbsent(YearMonth.from(registered), m -> new ArrayList<>())
                    .add(Duration.between(registered, closed).toSeconds() / 60.0);
        }

        start(PopulationTable.krakowDefault());
        parse(new SafetyFormats.CityGuard(), SafetyTestData.CITY_GUARD).forEach(this::pipe);
        Map<String, IndicatorValue> latest = latest(flush());

        for (Map.Entry<YearMonth, List<Double>> e : minutesByMonth.entrySet()) {
            List<Double> sorted = e.getValue().stream().sorted().toList();
            Instant monthStart = e.getKey().atDay(1).atStartOfDay(WARSAW).toInstant();
            for (String q : List.of("p50", "p90")) {
                IndicatorValue v = latest.get("iv5.handling.time_month_" + q + "|" + CITY_GUARD_AREA + "|" + monthStart);
                assertThat(v).as("%s %s", q, e.getKey()).isNotNull();
                assertThat(v.getObservedCount()).isEqualTo(sorted.size());
                double quantile = Integer.parseInt(q.substring(1)) / 100.0;
                // t-digest estimates the quantile: it must lie between the order statistics 1 % of n either side
                int n = sorted.size();
                int rank = (int) Math.floor(quantile * n);
                int slack = Math.max(2, n / 100);
                double low = sorted.get(Math.max(0, rank - slack));
                double high = sorted.get(Math.min(n - 1, rank + slack));
                assertThat(v.getValue()).as("%s %s of %d reports", q, e.getKey(), n).isBetween(low, high);
                System.out.printf("City guard %s handling %s: %.1f min (exact order statistic %.1f, n=%d)%n",
                        e.getKey(), q, v.getValue(), sorted.get(Math.min(n - 1, rank)), n);
            }
        }
        // Registers have no arrival time: no response-time values.
        assertThat(latest.keySet()).noneMatch(k -> k.startsWith("iv5.response."));
    }

    @Test
    void sewikDailyCountsByCategoryMatchTheFileAndStayInRegion() {
        // Independently: features per local day (dt is already Warsaw local time), split by injury.
        Map<String, Integer> perDay = new TreeMap<>();
        Map<String, Integer> injuryPerDay = new HashMap<>();
        java.util.regex.Pattern p = java.util.regex.Pattern.compile("\"dt\":\"(\\d{4}-\\d{2}-\\d{2})T.*\"sli\":(\\d+),\"ser\":(\\d+),\"fat\":(\\d+)");
        for (String line : SafetyTestData.lines(SafetyTestData.SEWIK)) {
            java.util.regex.Matcher m = p.matcher(line);
            if (m.find()) {
                perDay.merge(m.group(1), 1, Integer::sum);
                int casualties = Integer.parseInt(m.group(2)) + Integer.parseInt(m.group(3)) + Integer.parseInt(m.group(4));
                if (casualties > 0) {
                    injuryPerDay.merge(m.group(1), 1, Integer::sum);
                }
            }
        }
        start(PopulationTable.krakowDefault());
        parse(new SafetyFormats.Sewik(), SafetyTestData.SEWIK).forEach(this::pipe);
        Map<String, IndicatorValue> latest = latest(flush());
        for (Map.Entry<String, Integer> e : perDay.entrySet()) {
            Instant start = LocalDate.parse(e.getKey()).atStartOfDay(WARSAW).toInstant();
            assertThat(latest.get("iv5.incidents.count|" + SEWIK_AREA + "|" + start).getValue()).as(e.getKey()).isEqualTo(e.getValue().doubleValue());
            IndicatorValue injury = latest.get("iv5.incidents.count|" + SEWIK_AREA + "/road_accident|" + start);
            assertThat(injury == null ? 0 : injury.getValue().intValue()).as(e.getKey()).isEqualTo(injuryPerDay.getOrDefault(e.getKey(), 0));
        }
        assertThat(latest.keySet()).noneMatch(k -> k.contains("|city") || k.contains("|district"));
    }

    @Test
    void wroclawRegisterNycCrashesAndAnotherVoivodeshipAreNeverCountedAsKrakow() {
        // Independently: records per file (the register: one incident per report that is not closed before it was
        // registered; NYC: one per data row; SEWIK: one per feature).
        List<String> register = SafetyTestData.lines(SafetyTestData.CITY_GUARD);
        Set<String> reports = new HashSet<>();
        int registerIncidents = 0;
        for (String line : register.subList(1, register.size())) {
            List<String> f = SafetyTestData.fields(line);
            if (reports.add(f.get(1)) && f.get(7).compareTo(f.get(0)) >= 0) {
                registerIncidents++;
            }
        }
        int nycCrashes = SafetyTestData.lines(SafetyTestData.NYC).size() - 1;
        long sewikFeatures = SafetyTestData.lines(SafetyTestData.SEWIK).stream().filter(l -> l.contains("\"type\":\"Feature\"")).count();

        start(PopulationTable.krakowDefault());
        parse(new SafetyFormats.CityGuard(), SafetyTestData.CITY_GUARD).forEach(this::pipe);
        parse(new SafetyFormats.NycCollisions(), SafetyTestData.NYC).forEach(this::pipe);
        parse(new SafetyFormats.Sewik(), SafetyTestData.SEWIK).forEach(this::pipe);
        List<IndicatorValue> values = flush();

        // Nothing in Kraków: no city:krakow value, no district value, no rate (no population for other cities)
        assertThat(values).extracting(IndicatorValue::getScope)
                .noneMatch(scope -> scope.startsWith("city:krakow") || scope.startsWith("district:"));
        assertThat(values).extracting(IndicatorValue::getIndicatorId).noneMatch(id -> id.contains("per_100k"));
        Map<String, Integer> perArea = new TreeMap<>();
        latest(values).values().stream().filter(v -> v.getIndicatorId().equals("iv5.incidents.count") && v.getScope().indexOf('/') < 0)
                .forEach(v -> perArea.merge(v.getScope(), v.getValue().intValue(), Integer::sum));
        assertThat(perArea).containsExactlyInAnyOrderEntriesOf(Map.of(
                CITY_GUARD_AREA, registerIncidents, NYC_AREA, nycCrashes, SEWIK_AREA, (int) sewikFeatures));
        System.out.printf("Other places' files: %s incidents per area, none in Kraków%n", perArea);
    }
    @Test
    void sewikRollingThirtyDaysExistForEveryCategoryOnEveryDayItsAreaHasOne() {
        // Independently from the file: local day (dt is Warsaw time) and category (an event with anyone injured or
        // killed, or a severity above 0, is a road accident — "wypadek" — else a collision).
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(
                "\"dt\":\"(\\d{4}-\\d{2}-\\d{2})T.*\"sev\":(\\d).*\"sli\":(\\d+),\"ser\":(\\d+),\"fat\":(\\d+)");
        List<DayCategory> fromFile = new ArrayList<>();
        for (String line : SafetyTestData.lines(SafetyTestData.SEWIK)) {
            java.util.regex.Matcher m = p.matcher(line);
            if (m.find()) {
                int casualties = Integer.parseInt(m.group(3)) + Integer.parseInt(m.group(4)) + Integer.parseInt(m.group(5));
                boolean accident = casualties > 0 || Integer.parseInt(m.group(2)) > 0;
                fromFile.add(new DayCategory(SEWIK_AREA, LocalDate.parse(m.group(1)),
                        accident ? IncidentCategory.ROAD_ACCIDENT : IncidentCategory.ROAD_COLLISION));
            }
        }
        start(PopulationTable.krakowDefault());
        parse(new SafetyFormats.Sewik(), SafetyTestData.SEWIK).forEach(this::pipe);
        assertRollingWindows(expectedRolling30(fromFile), publishedRolling30(latest(flush())), "SEWIK świętokrzyskie 2024-01");
    }

    @Test
    void cityGuardRollingThirtyDaysExistForEveryCategoryOnEveryDayItsAreaHasOne() {
        // Day of registration from the file (one incident per report; a report closed before its registration is
        // rejected by the feed); the category is the register type as the parser maps it (CityGuardRow), the one
        // thing taken from the parsed incidents.
        List<Incident> parsed = parse(new SafetyFormats.CityGuard(), SafetyTestData.CITY_GUARD);
        Map<String, IncidentCategory> categoryOfReport = new HashMap<>();
        parsed.forEach(i -> categoryOfReport.put(i.getSourceRecordId(), i.getCategory()));
        List<DayCategory> fromFile = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<String> lines = SafetyTestData.lines(SafetyTestData.CITY_GUARD);
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = SafetyTestData.fields(line);
            if (!seen.add(f.get(1)) || LocalDateTime.parse(f.get(7).replace(' ', 'T')).isBefore(LocalDateTime.parse(f.get(0).replace(' ', 'T')))) {
                continue;
            }
            fromFile.add(new DayCategory(CITY_GUARD_AREA, LocalDate.parse(f.get(0).substring(0, 10)),
                    Objects.requireNonNull(categoryOfReport.get(f.get(1)), f.get(1))));
        }
        assertThat(fromFile).hasSize(parsed.size());
        start(PopulationTable.krakowDefault());
        parsed.forEach(this::pipe);
        assertRollingWindows(expectedRolling30(fromFile), publishedRolling30(latest(flush())), "Wrocław city-guard register 2018-05/06");
    }
}
