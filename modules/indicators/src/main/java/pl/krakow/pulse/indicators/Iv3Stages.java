package pl.krakow.pulse.indicators;

import pl.krakow.pulse.runtime.streams.EventTimeExtractor;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.events.indicators.LateEvent;
import pl.krakow.pulse.indicators.city.CityAggregate;
import pl.krakow.pulse.indicators.city.CityDefinition;
import pl.krakow.pulse.indicators.city.CitySupplier;
import pl.krakow.pulse.indicators.daily.DailyMeanDefinition;
import pl.krakow.pulse.indicators.daily.DailyMeanKind;
import pl.krakow.pulse.indicators.daily.DailyMeanSupplier;
import pl.krakow.pulse.platform.catalog.CatalogException;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.catalog.Scopes;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.runtime.streams.TopologyOptions;
import pl.krakow.pulse.runtime.streams.watermark.WatermarkPartitioner;

/**
 * The IV.3 topology under construction: what the kinds contributed ({@link Iv3Kind#contribute}), and the stages
 * every IV.3 kind shares, which it builds.
 *
 * <p><b>Series.</b> Each {@code daily_mean} / {@code hourly_value} entry is a series: {@code <p>-pollutant-filter} ─►
 * {@code <p>-processor} ({@link pl.krakow.pulse.indicators.daily.DailyMeanProcessor}) ─► {@code <p>-indicator-sink} and
 * {@code <p>-late-sink}. Daily series are built before hourly ones (the order the topology has always had).
 * <b>Series children</b> are stages fed in process by a pollutant's daily or hourly series processor, which forwards to
 * them by name (same task, no topic in between): year to date, completeness, exceedance hours, max 8-h mean; a child
 * needs the series of its pollutant, else the build fails. Children of one series are wired in the order their
 * entries appear in the catalog (a shared child, e.g. one year-to-date processor per pollutant, at its first entry).
 * <b>City stage.</b> A station value whose entry names a {@code cityAggregate} gets a {@code city} value in two
 * stages: {@code <id>-city-rekey} re-keys the station values by (indicator, window), the repartition
 * {@code <id>-city-by-day} moves them to one task per window, {@code <id>-city-processor} combines them; progress
 * markers ride along to every partition (the stage's watermark). <b>Measurement stages</b> (e.g. {@code aqi_class})
 * read the station-keyed measurements directly, after every series.
 */
public final class Iv3Stages {

    /** A stage fed in process by one series processor (its child by {@link #processorName()}). */
    public interface SeriesChild {
        /** The node name the series processor forwards to. */
        String processorName();

        /** Its own state stores. */
        List<String> storeNames();

        /** The city stages it adds (none by default). */
        default List<CityDefinition> cities() {
            return List.of();
        }

        /** Adds its nodes below the series processor's output {@code series}. */
        void build(KStream<String, SpecificRecord> series, Wiring wiring);

        /**
         * The usual child: one processor with one store of its own, writing to the IV.3 table,
         * {@code processorName} [{@code storeName}] ─► {@code sinkName}.
         */
        static SeriesChild toTable(String processorName, String storeName, String sinkName,
                                   Function<Wiring, ProcessorSupplier<String, SpecificRecord, String, IndicatorValue>> processor) {
            return new SeriesChild() {
                @Override
                public String processorName() {
                    return processorName;
                }

                @Override
                public List<String> storeNames() {
                    return List.of(storeName);
                }

                @Override
                public void build(KStream<String, SpecificRecord> series, Wiring wiring) {
                    series.process(processor.apply(wiring), Named.as(processorName))
                            .to(Topics.INDICATORS_IV3.name(), wiring.toTable(sinkName));
                }
            };
        }
    }

    /** A stage that reads the station-keyed measurements directly. */
    public interface MeasurementStage {
        List<String> storeNames();

        void build(KStream<String, AirQualityMeasurement> measurements, Wiring wiring);
    }

    /** What a stage needs to add its nodes: serdes, options, the IV.3 table and the shared city stage. */
    public record Wiring(PulseSerdes serdes, Serde<IndicatorValue> indicatorSerde, ZoneId zone, TopologyOptions options) {

        /** The IV.3 table's sink, named {@code name}. */
        public Produced<String, IndicatorValue> toTable(String name) {
            return Produced.with(serdes.key(), indicatorSerde).withName(name);
        }

        /** The IV.3 table's sink for a stream whose processor forwards only indicator values to it (routing by child). */
        public Produced<String, SpecificRecord> routedToTable(String name) {
            return Produced.with(serdes.key(), routed(indicatorSerde)).withName(name);
        }

        /**
         * Stage 2 of a city value: re-key the station values by (indicator, window), send them through the named
         * repartition topic, and combine them per window.
         */
        public void addCityStage(KStream<String, SpecificRecord> stationValues, CityDefinition city) {
            // Progress markers of the stage-1 tasks ride along (city.cityKey keeps their key) and the partitioner sends
            // each to every partition: the stage-2 watermark is the minimum over all stage-1 tasks.
            stationValues
                    .selectKey((stationKey, value) -> city.cityKey(stationKey), Named.as(city.rekeyName()))
                    .repartition(Repartitioned.with(serdes.key(), routed(indicatorSerde)).withName(city.repartitionName())
                            .withStreamPartitioner(new WatermarkPartitioner<>()))
                    .process(new CitySupplier(city, options), Named.as(city.processorName()))
                    .to(Topics.INDICATORS_IV3.name(), toTable(city.sinkName()));
        }
    }

    private record Series(DailyMeanDefinition def, Optional<CityDefinition> city, List<SeriesChild> children) {
    }

    /** A child waiting for its series: {@link #resolve()} attaches it once every entry has contributed. */
    private record ChildRequest(IndicatorCatalog.Indicator entry, Pollutant pollutant, boolean hourly, String need,
                                Function<Series, SeriesChild> attach) {
    }

    private final ZoneId zone;
    private final List<Series> dailies = new ArrayList<>();
    private final List<Series> hourlies = new ArrayList<>();
    private final List<ChildRequest> requests = new ArrayList<>();
    private final List<MeasurementStage> measurementStages = new ArrayList<>();
    private boolean resolved;

    Iv3Stages(ZoneId zone) {
        this.zone = zone;
    }

    public ZoneId zone() {
        return zone;
    }

    /** The city stage of an indicator whose station values combine with {@code aggregate} into {@code city:krakow}. */
    public CityDefinition city(String indicatorId, String unit, CityAggregate aggregate, Duration grace) {
        return new CityDefinition(indicatorId, Iv3EnvironmentTopology.GOAL, unit, aggregate, grace,
                CityDefinition.DEFAULT_RETENTION, Scopes.KRAKOW_CITY, zone.getId());
    }

    /** A daily or hourly series, with its city stage when its entry names a {@code cityAggregate}. */
    public void addSeries(DailyMeanDefinition def, Optional<CityAggregate> cityAggregate) {
        Series s = new Series(def, cityAggregate.map(a -> city(def.indicatorId(), def.unit(), a, def.grace())), new ArrayList<>());
        (def.hourly() ? hourlies : dailies).add(s);
    }

    /**
     * A child of the daily ({@code hourly} false) or hourly series of {@code pollutant}, made from that series' definition.
     *
     * @param need what the entry needs the series for, for the error when the catalog implements none, e.g.
     *             {@code "counts daily means of PM10"}
     */
    public void addChild(IndicatorCatalog.Indicator entry, Pollutant pollutant, boolean hourly, String need,
                         Function<DailyMeanDefinition, SeriesChild> child) {
        requests.add(new ChildRequest(entry, pollutant, hourly, need, s -> {
            SeriesChild c = child.apply(s.def());
            s.children().add(c);
            return c;
        }));
    }

    /**
     * Adds to the one child of {@code type} the series shares among several entries (created at the first of them),
     * e.g. one year-to-date processor for every year-to-date indicator of a pollutant.
     */
    public <C extends SeriesChild> void addToSharedChild(IndicatorCatalog.Indicator entry, Pollutant pollutant, boolean hourly,
                                                         String need, Class<C> type, Function<DailyMeanDefinition, C> create,
                                                         Consumer<C> add) {
        requests.add(new ChildRequest(entry, pollutant, hourly, need, s -> {
            C shared = s.children().stream().filter(type::isInstance).map(type::cast).findFirst().orElseGet(() -> {
                C c = create.apply(s.def());
                s.children().add(c);
                return c;
            });
            add.accept(shared);
            return shared;
        }));
    }

    public void addMeasurementStage(MeasurementStage stage) {
        measurementStages.add(stage);
    }

    /**
     * Attaches every child to its series, in catalog order.
     *
     * @throws IllegalArgumentException when nothing would be computed (no daily or hourly series)
     * @throws CatalogException         when an entry needs a series the catalog does not implement
     */
    void resolve() {
        if (resolved) {
            return;
        }
        if (dailies.isEmpty() && hourlies.isEmpty()) {
            throw new IllegalArgumentException("the catalog has no implemented " + DailyMeanKind.DAILY_MEAN.name() + " or "
                    + DailyMeanKind.HOURLY_VALUE.name() + " indicator of goal " + Iv3EnvironmentTopology.GOAL + ": nothing to compute");
        }
        for (ChildRequest r : requests) {
            List<Series> candidates = r.hourly() ? hourlies : dailies;
            Series series = candidates.stream().filter(s -> s.def().pollutant() == r.pollutant()).findFirst()
                    .orElseThrow(() -> new CatalogException(r.entry().location("pollutant"), r.entry().id(), "pollutant",
                            r.need() + ", but no " + (r.hourly() ? DailyMeanKind.HOURLY_VALUE : DailyMeanKind.DAILY_MEAN).name()
                                    + " indicator of " + r.pollutant() + " is implemented"));
            r.attach().apply(series);
        }
        resolved = true;
    }

    /** The daily series (then the hourly ones) in build order. */
    List<DailyMeanDefinition> series() {
        List<DailyMeanDefinition> out = new ArrayList<>();
        dailies.forEach(s -> out.add(s.def()));
        hourlies.forEach(s -> out.add(s.def()));
        return out;
    }

    /** Every city stage: each series' own, then its children's. */
    List<CityDefinition> cities() {
        List<CityDefinition> out = new ArrayList<>();
        for (Series s : allSeries()) {
            s.city().ifPresent(out::add);
        }
        for (Series s : allSeries()) {
            s.children().forEach(c -> out.addAll(c.cities()));
        }
        return out;
    }

    /** Every state store the stages create. */
    List<String> storeNames() {
        List<String> out = new ArrayList<>();
        for (Series s : allSeries()) {
            out.add(s.def().storeName());
            out.add(s.def().closingTimeStoreName());
            s.children().forEach(c -> out.addAll(c.storeNames()));
        }
        cities().forEach(c -> {
            out.add(c.storeName());
            out.add(c.watermarkStoreName());
        });
        measurementStages.forEach(m -> out.addAll(m.storeNames()));
        return out;
    }

    private List<Series> allSeries() {
        List<Series> out = new ArrayList<>(dailies);
        out.addAll(hourlies);
        return out;
    }

    /** Adds every stage's nodes to {@code builder}. */
    void build(StreamsBuilder builder, PulseSerdes serdes, TopologyOptions options) {
        resolve();
        Serde<AirQualityMeasurement> measurementSerde = serdes.value(Topics.AIR_QUALITY);
        Serde<LateEvent> lateSerde = serdes.value(Topics.LATE_EVENTS);
        Wiring wiring = new Wiring(serdes, serdes.value(Topics.INDICATORS_IV3), zone, options);

        KStream<String, AirQualityMeasurement> measurements = builder.stream(Topics.AIR_QUALITY.name(),
                Consumed.with(serdes.key(), measurementSerde)
                        .withTimestampExtractor(new EventTimeExtractor())
                        .withName(Iv3EnvironmentTopology.SOURCE_NAME));
        for (Series s : allSeries()) {
            DailyMeanDefinition def = s.def();
            String p = def.namePrefix();
            List<String> derived = new ArrayList<>();
            s.children().forEach(c -> derived.add(c.processorName()));
            s.city().ifPresent(c -> derived.add(c.rekeyName()));
            KStream<String, SpecificRecord> out = measurements
                    .filter((station, m) -> m != null && m.getPollutant() == def.pollutant(), Named.as(p + "-pollutant-filter"))
                    .process(new DailyMeanSupplier(def, zone, options, measurementSerde, def.valuesSinkName(),
                                    def.lateSinkName(), derived),
                            Named.as(def.processorName()));
            // The processor forwards each output by child name to the sink for its type, so each sink's
            // serde only ever sees its own record type.
            out.to(Topics.INDICATORS_IV3.name(), wiring.routedToTable(def.valuesSinkName()));
            out.to(Topics.LATE_EVENTS.name(), Produced.with(serdes.key(), routed(lateSerde)).withName(def.lateSinkName()));
            s.children().forEach(c -> c.build(out, wiring));
            s.city().ifPresent(cd -> wiring.addCityStage(out, cd));
        }
        measurementStages.forEach(m -> m.build(measurements, wiring));
    }

    /** A record type's serde seen as a serde of the processor's output type; safe because of routing by child. */
    @SuppressWarnings("unchecked")
    static <V extends SpecificRecord> Serde<SpecificRecord> routed(Serde<V> serde) {
        return (Serde<SpecificRecord>) serde;
    }
}
