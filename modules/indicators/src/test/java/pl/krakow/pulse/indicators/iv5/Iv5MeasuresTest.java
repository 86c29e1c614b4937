package pl.krakow.pulse.indicators.iv5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.safety.Incident;
import pl.krakow.pulse.events.safety.IncidentCategory;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;

/** The IV.5 kinds' measures on hand-made day buckets, without Kafka. */
class Iv5MeasuresTest {

    private static final Instant T = Instant.parse("2024-03-05T10:00:00Z");
    private int seq;

    private Incident incident(IncidentCategory category, int injured, int killed, Integer arrivedAfterMinutes) {
        seq++;
        return Incident.newBuilder().setEventId("t:" + seq).setEventTime(T).setFeed("test").setSourceId("test")
                .setSourceRecordId(String.valueOf(seq)).setCategory(category).setInjured(injured).setKilled(killed)
                .setLocation(null).setScope("city:krakow").setReportedAt(T).setIngestedAt(T)
                .setArrivedAt(arrivedAfterMinutes == null ? null : T.plusSeconds(60L * arrivedAfterMinutes)).build();
    }

    private static DayBucket day(Incident... incidents) {
        DayBucket b = new DayBucket();
        for (Incident i : incidents) {
            b.add(i);
        }
        return b;
    }

    private static IndicatorCatalog.Indicator entry(String id) {
        return IndicatorCatalog.bundled().indicator(id).orElseThrow();
    }

    @Test
    void countIsPerAreaAndPerCategoryAndZeroIsNoValue() {
        Iv5Measure count = new IncidentCount();
        List<DayBucket> days = List.of(day(incident(IncidentCategory.CRIME, 0, 0, null), incident(IncidentCategory.FIRE, 0, 0, null)),
                day(incident(IncidentCategory.CRIME, 0, 0, null)));
        assertThat(count.perCategory()).isTrue();
        assertThat(count.measure(days, null, 0)).contains(new Iv5Measure.Measured(3.0, 3));
        assertThat(count.measure(days, IncidentCategory.CRIME, 0)).contains(new Iv5Measure.Measured(2.0, 2));
        assertThat(count.measure(days, IncidentCategory.ROAD_ACCIDENT, 0)).isEmpty();
    }

    @Test
    void aRoadEventWithoutCasualtiesOpensARateWithoutChangingIt() {
        Iv5Measure injuries = new InjuryAccidentRate();
        Iv5Measure deaths = new FatalityRate();
        Incident harmless = incident(IncidentCategory.ROAD_COLLISION, 0, 0, null);
        Incident injury = incident(IncidentCategory.ROAD_ACCIDENT, 2, 0, null);
        Incident fatal = incident(IncidentCategory.ROAD_ACCIDENT, 0, 1, null);
        assertThat(injuries.changedBy(harmless)).isFalse();
        assertThat(injuries.opensWindow(harmless)).isTrue();
        assertThat(injuries.changedBy(injury)).isTrue();
        assertThat(deaths.changedBy(injury)).isFalse();
        assertThat(deaths.changedBy(fatal)).isTrue();
        assertThat(injuries.opensWindow(incident(IncidentCategory.CRIME, 1, 0, null))).isFalse();
        // 2 injury accidents (the fatal one too) per 800 000 residents = 0.25 per 100 000
        assertThat(injuries.measure(List.of(day(harmless, injury, fatal)), null, 800_000).orElseThrow().value()).isEqualTo(0.25);
        assertThat(deaths.measure(List.of(day(harmless)), null, 800_000)).contains(new Iv5Measure.Measured(0.0, 0));
    }

    @Test
    void timePercentileTakesItsQuantileFromTheIdAndNeedsAMeasuredTime() {
        TimePercentile p90 = TimePercentile.responseTime(entry("iv5.response.time_p90"));
        assertThat(p90.changedBy(incident(IncidentCategory.CRIME, 0, 0, null))).isFalse();
        List<DayBucket> days = List.of(day(incident(IncidentCategory.CRIME, 0, 0, 5), incident(IncidentCategory.CRIME, 0, 0, 5)));
        Optional<Iv5Measure.Measured> m = p90.measure(days, null, 0);
        assertThat(m.orElseThrow().value()).isCloseTo(5.0, within(1e-9));
        assertThat(m.orElseThrow().observed()).isEqualTo(2);
        assertThat(TimePercentile.handlingTime(entry("iv5.handling.time_p50")).measure(days, null, 0)).isEmpty();
    }
}
