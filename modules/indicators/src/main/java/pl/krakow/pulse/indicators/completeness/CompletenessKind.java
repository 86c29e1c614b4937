package pl.krakow.pulse.indicators.completeness;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import pl.krakow.pulse.indicators.Iv3Kind;
import pl.krakow.pulse.indicators.Iv3Stages;
import pl.krakow.pulse.indicators.city.CityAggregate;
import pl.krakow.pulse.indicators.city.CityDefinition;
import pl.krakow.pulse.indicators.daily.DailyMeanKind;
import pl.krakow.pulse.indicators.kind.KindParameters;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * Kind {@code completeness}: per station and local day, the share of the expected station-hours with an hourly value of
 * the entry's pollutant ({@link CompletenessProcessor}), a child of that pollutant's daily series (its observed and
 * expected hours); with a {@code cityAggregate}, also a {@code city:krakow} value (the IV.3 city stage, with the daily
 * series' grace).
 *
 * <p>Parameters: {@code pollutant} (required), {@code cityAggregate} ({@code max} or {@code mean}).
 */
public final class CompletenessKind implements Iv3Kind<CompletenessKind.Definition> {

    public static final CompletenessKind INSTANCE = new CompletenessKind();

    public record Definition(CompletenessDefinition completeness, Optional<CityAggregate> city) {
    }

    private CompletenessKind() {
    }

    @Override
    public String name() {
        return CompletenessDefinition.KIND;
    }

    @Override
    public Set<String> parameterKeys() {
        return Set.of("pollutant", "cityAggregate");
    }

    @Override
    public Definition parse(IndicatorCatalog.Indicator entry) {
        KindParameters p = new KindParameters(entry);
        return new Definition(new CompletenessDefinition(entry.id(), entry.goal(), entry.unit(), p.pollutant("pollutant")),
                DailyMeanKind.cityAggregate(p));
    }

    @Override
    public void contribute(IndicatorCatalog.Indicator entry, Definition definition, Iv3Stages stages) {
        CompletenessDefinition c = definition.completeness();
        stages.addChild(entry, c.pollutant(), false, entry.id() + " counts the hours of the " + c.pollutant() + " daily means",
                daily -> new Stage(c, definition.city().map(a -> stages.city(c.indicatorId(), c.unit(), a, daily.grace()))));
    }

    private record Stage(CompletenessDefinition c, Optional<CityDefinition> city) implements Iv3Stages.SeriesChild {

        @Override
        public String processorName() {
            return c.processorName();
        }

        @Override
        public List<String> storeNames() {
            return List.of();
        }

        @Override
        public List<CityDefinition> cities() {
            return city.stream().toList();
        }

        @Override
        public void build(KStream<String, SpecificRecord> series, Iv3Stages.Wiring wiring) {
            KStream<String, SpecificRecord> values = series.process(
                    () -> new CompletenessProcessor(c, wiring.options().clock(), wiring.options().meters(), c.sinkName(),
                            city.map(CityDefinition::rekeyName)), Named.as(c.processorName()));
            values.to(Topics.INDICATORS_IV3.name(), wiring.routedToTable(c.sinkName()));
            city.ifPresent(cd -> wiring.addCityStage(values, cd));
        }
    }
}
