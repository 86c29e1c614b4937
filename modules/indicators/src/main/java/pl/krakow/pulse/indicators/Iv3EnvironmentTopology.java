package pl.krakow.pulse.indicators;

import java.nio.file.Path;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.runtime.streams.StreamsApplication;
import pl.krakow.pulse.runtime.streams.EventTimeExtractor;
import pl.krakow.pulse.runtime.streams.TopologyOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.events.indicators.LateEvent;
import pl.krakow.pulse.indicators.aqi.AqiClassDefinition;
import pl.krakow.pulse.indicators.aqi.AqiClassProcessor;
import pl.krakow.pulse.indicators.city.CityAggregate;
import pl.krakow.pulse.indicators.city.CityAggregateProcessor;
import pl.krakow.pulse.indicators.city.CityDayStateSerde;
import pl.krakow.pulse.indicators.city.CityDefinition;
import pl.krakow.pulse.indicators.completeness.CompletenessDefinition;
import pl.krakow.pulse.indicators.completeness.CompletenessProcessor;
import pl.krakow.pulse.indicators.daily.DailyMeanAccumulatorSerde;
import pl.krakow.pulse.indicators.hours.ExceedanceHoursDefinition;
import pl.krakow.pulse.indicators.o3.Max8hDaySerde;
import pl.krakow.pulse.indicators.o3.Max8hDefinition;
import pl.krakow.pulse.indicators.o3.Max8hProcessor;
import pl.krakow.pulse.indicators.hours.ExceedanceHoursProcessor;
import pl.krakow.pulse.indicators.hours.HourYearStateSerde;
import pl.krakow.pulse.indicators.daily.DailyMeanDefinition;
import pl.krakow.pulse.indicators.daily.DailyMeanMetrics;
import pl.krakow.pulse.indicators.daily.DailyMeanProcessor;
import pl.krakow.pulse.indicators.window.HourWindows;
import pl.krakow.pulse.indicators.window.LocalDayWindows;
import pl.krakow.pulse.indicators.ytd.YearStateSerde;
import pl.krakow.pulse.indicators.ytd.YearToDateDefinition;
import pl.krakow.pulse.indicators.ytd.YearToDateProcessor;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.catalog.Scopes;
import pl.krakow.pulse.runtime.streams.watermark.UpstreamWatermark;
import pl.krakow.pulse.runtime.streams.watermark.WatermarkPartitioner;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * The IV.3 (Zrównoważone środowisko / sustainable environment) indicator table,
 * {@code indicators.iv3.v1}, built from {@code environment.air-quality.v1}.
 *
 * <p>For <em>every</em> implemented catalog indicator of kind {@code daily_mean} of goal IV.3 (today
 * {@code iv3.pm10.daily_mean}; flipping {@code implemented} on {@code iv3.pm25.daily_mean} adds PM2.5
 * with no code change) it builds:
 * <pre>
 *   iv3-air-quality-source ─► &lt;p&gt;-pollutant-filter ─► &lt;p&gt;-processor [stores &lt;s&gt;-daily-by-station, &lt;s&gt;-daily-closing-time]
 *                                                    ├─► &lt;p&gt;-indicator-sink  (indicators.iv3.v1, IndicatorValue)
 *                                                    └─► &lt;p&gt;-late-sink       (indicators.late.v1, LateEvent)
 * </pre>
 * where {@code <p>} is the id with dashes ({@code iv3-pm10-daily-mean}) and {@code <s>} its subject
 * ({@code iv3-pm10}). The rules (local day, validity, grace, late data, finalisation) are those of
 * {@link DailyMeanProcessor}. Record time is the measurement's own {@code eventTime}, never arrival
 * time. The per-station work needs no repartitioning: the input is keyed by station code, the grouping key.
 *
 * <p>The same chain is built for every implemented {@code hourly_value} indicator (one-hour windows,
 * {@code iv3-pm10-hourly-…}: the latest value of the hour, PROVISIONAL on arrival, FINAL after the grace).
 * When the catalog implements year-to-date indicators ({@code exceedance_days}, {@code annual_mean}) of a
 * pollutant, its daily-mean processor also forwards every daily value to
 * {@code <s>-year-to-date-processor} [store {@code <s>-year-to-date-by-station}] ─► {@code <s>-year-to-date-indicator-sink};
 * see {@link YearToDateProcessor} for the rules. Each such indicator needs the daily mean of its pollutant.
 *
 * <p>Further in-process children of a daily-mean or hourly processor: {@code completeness}
 * ({@link CompletenessProcessor}, from the entry's pollutant's daily means) and {@code exceedance_hours}
 * ({@link ExceedanceHoursProcessor}, from the pollutant's hourly values). A station value whose catalog entry
 * names a {@code cityAggregate} gets a {@code city} value in two stages: {@code <id>-city-rekey} re-keys the
 * station values by (indicator, window), the repartition {@code <id>-city-by-day} (topic
 * {@code <application.id>-<id>-city-by-day-repartition}) moves them to one task per window, and
 * {@code <id>-city-processor} [store {@code <id>-city-stations-by-day}] combines them ({@link CityAggregateProcessor}).
 *
 * <p>{@code build} does no I/O; it only adds nodes to the builder.
 */
public final class Iv3EnvironmentTopology {

    public static final String GOAL = "IV.3";
    public static final String SOURCE_NAME = "iv3-air-quality-source";

    /** Application id suffix: the IV.3 application is {@code <prefix>-indicators-iv3}. */
    public static final String APPLICATION_SUFFIX = "indicators-iv3";

    private Iv3EnvironmentTopology() {
    }

    /** The IV.3 topology as its own exactly-once application, with default options and {@code metrics}' registry. */
    public static StreamsApplication application(KafkaClients clients, PulseSerdes serdes, IndicatorCatalog catalog, ZoneId zone,
                                                 PulseMetrics metrics, Path stateDir) {
        return application(clients, serdes, catalog, zone, metrics, stateDir, TopologyOptions.defaults().withMeters(metrics.registry()));
    }

    /** The IV.3 topology as its own exactly-once application ({@code <prefix>-indicators-iv3}); state below {@code stateDir}. */
    public static StreamsApplication application(KafkaClients clients, PulseSerdes serdes, IndicatorCatalog catalog, ZoneId zone,
                                                 PulseMetrics metrics, Path stateDir, TopologyOptions options) {
        return new StreamsApplication(clients, serdes, metrics, stateDir, APPLICATION_SUFFIX, options.meters(), options.clock(),
                builder -> build(builder, serdes, catalog, zone, options));
    }

    /** Builds with {@link TopologyOptions#defaults()}. */
    public static StreamsBuilder build(StreamsBuilder builder, PulseSerdes serdes, IndicatorCatalog catalog, ZoneId zone) {
        return build(builder, serdes, catalog, zone, TopologyOptions.defaults());
    }

    /**
     * Adds the IV.3 table's nodes to {@code builder}.
     *
     * @throws IllegalArgumentException when the catalog has no implemented IV.3 indicator this topology
     *                                  computes, or a daily_mean entry without a known pollutant
     */
    public static StreamsBuilder build(StreamsBuilder builder, PulseSerdes serdes, IndicatorCatalog catalog, ZoneId zone,
                                       TopologyOptions options) {
        List<DailyMeanDefinition> dailyMeans = dailyMeans(catalog);
        List<DailyMeanDefinition> hourlyValues = hourlyValues(catalog);
        List<YearToDateDefinition> yearToDate = yearToDate(catalog);
        if (dailyMeans.isEmpty() && hourlyValues.isEmpty()) {
            throw new IllegalArgumentException("the catalog has no implemented " + DailyMeanDefinition.KIND + " or "
                    + DailyMeanDefinition.HOURLY_KIND + " indicator of goal " + GOAL + ": nothing to compute");
        }
        List<CompletenessDefinition> completeness = completeness(catalog);
        List<ExceedanceHoursDefinition> exceedanceHours = exceedanceHours(catalog);
        List<Max8hDefinition> max8h = max8h(catalog);
        for (Max8hDefinition e : max8h) {
            if (hourlyValues.stream().noneMatch(h -> h.pollutant() == e.pollutant())) {
                throw new IllegalArgumentException(e.indicatorId() + " needs hourly values of " + e.pollutant()
                        + ", but no " + DailyMeanDefinition.HOURLY_KIND + " indicator of " + e.pollutant() + " is implemented");
            }
        }
        for (ExceedanceHoursDefinition e : exceedanceHours) {
            if (hourlyValues.stream().noneMatch(h -> h.pollutant() == e.pollutant())) {
                throw new IllegalArgumentException(e.indicatorId() + " counts hourly values of " + e.pollutant()
                        + ", but no " + DailyMeanDefinition.HOURLY_KIND + " indicator of " + e.pollutant() + " is implemented");
            }
        }
        for (CompletenessDefinition c : completeness) {
            if (dailyMeans.stream().noneMatch(d -> d.pollutant() == c.pollutant())) {
                throw new IllegalArgumentException(c.indicatorId() + " counts the hours of the " + c.pollutant()
                        + " daily means, but no " + DailyMeanDefinition.KIND + " indicator of " + c.pollutant() + " is implemented");
            }
        }
        for (YearToDateDefinition y : yearToDate) {
            if (dailyMeans.stream().noneMatch(d -> d.pollutant() == y.pollutant())) {
                throw new IllegalArgumentException(y.indicatorId() + " counts daily means of " + y.pollutant()
                        + ", but no " + DailyMeanDefinition.KIND + " indicator of " + y.pollutant() + " is implemented");
            }
        }
        Serde<AirQualityMeasurement> measurementSerde = serdes.value(Topics.AIR_QUALITY);
        Serde<IndicatorValue> indicatorSerde = serdes.value(Topics.INDICATORS_IV3);
        Serde<LateEvent> lateSerde = serdes.value(Topics.LATE_EVENTS);

        KStream<String, AirQualityMeasurement> measurements = builder.stream(Topics.AIR_QUALITY.name(),
                Consumed.with(serdes.key(), measurementSerde)
                        .withTimestampExtractor(new EventTimeExtractor())
                        .withName(SOURCE_NAME));

        List<DailyMeanDefinition> windowed = new java.util.ArrayList<>(dailyMeans);
        windowed.addAll(hourlyValues);
        for (DailyMeanDefinition def : windowed) {
            String p = def.namePrefix();
            List<YearToDateDefinition> fed = def.hourly() ? List.of()
                    : yearToDate.stream().filter(y -> y.pollutant() == def.pollutant()).toList();
            List<CompletenessDefinition> completenessFed = def.hourly() ? List.of()
                    : completeness.stream().filter(c -> c.pollutant() == def.pollutant()).toList();
            List<ExceedanceHoursDefinition> hoursFed = !def.hourly() ? List.of()
                    : exceedanceHours.stream().filter(e -> e.pollutant() == def.pollutant()).toList();
            List<Max8hDefinition> max8hFed = !def.hourly() ? List.of()
                    : max8h.stream().filter(e -> e.pollutant() == def.pollutant()).toList();
            Optional<CityDefinition> city = def.hourly() ? Optional.empty()
                    : cityOf(catalog, def.indicatorId(), def.unit(), def.grace(), zone);
            String ytdName = fed.isEmpty() ? null : yearToDatePrefix(def) + "-processor";
            List<String> derived = new java.util.ArrayList<>();
            if (ytdName != null) {
                derived.add(ytdName);
            }
            completenessFed.forEach(c -> derived.add(c.processorName()));
            hoursFed.forEach(e -> derived.add(e.processorName()));
            max8hFed.forEach(e -> derived.add(e.processorName()));
            city.ifPresent(c -> derived.add(c.rekeyName()));
            KStream<String, SpecificRecord> out = measurements
                    .filter((station, m) -> m != null && m.getPollutant() == def.pollutant(), Named.as(p + "-pollutant-filter"))
                    .process(new DailyMeanSupplier(def, zone, options, measurementSerde, valuesSinkName(def), lateSinkName(def),
                                    derived),
                            Named.as(processorName(def)));
            // The processor forwards each output by child name to the sink for its type, so each sink's
            // serde only ever sees its own record type.
            out.to(Topics.INDICATORS_IV3.name(), Produced.with(serdes.key(), routed(indicatorSerde)).withName(valuesSinkName(def)));
            out.to(Topics.LATE_EVENTS.name(), Produced.with(serdes.key(), routed(lateSerde)).withName(lateSinkName(def)));
            if (ytdName != null) {
                // Fed in process by the daily-mean processor (child by name): same task, no topic in between.
                out.process(new YearToDateSupplier(fed, yearToDateStoreName(def), zone, def.grace().toMillis(), options),
                                Named.as(ytdName))
                        .to(Topics.INDICATORS_IV3.name(), Produced.with(serdes.key(), indicatorSerde)
                                .withName(yearToDatePrefix(def) + "-indicator-sink"));
            }
            for (CompletenessDefinition c : completenessFed) {
                Optional<CityDefinition> completenessCity = cityOf(catalog, c.indicatorId(), c.unit(), def.grace(), zone);
                KStream<String, SpecificRecord> values = out.process(
                        () -> new CompletenessProcessor(c, options.clock(), options.meters(), c.sinkName(),
                                completenessCity.map(CityDefinition::rekeyName)), Named.as(c.processorName()));
                values.to(Topics.INDICATORS_IV3.name(), Produced.with(serdes.key(), routed(indicatorSerde)).withName(c.sinkName()));
                completenessCity.ifPresent(cd -> addCityStage(values, cd, serdes, indicatorSerde, options));
            }
            for (ExceedanceHoursDefinition e : hoursFed) {
                // Fed in process by the hourly-value processor (child by name), like the daily year-to-date values.
                out.process(new ExceedanceHoursSupplier(e, zone, def.grace().toMillis(), options), Named.as(e.processorName()))
                        .to(Topics.INDICATORS_IV3.name(), Produced.with(serdes.key(), indicatorSerde).withName(e.sinkName()));
            }
            for (Max8hDefinition e : max8hFed) {
                out.process(new Max8hSupplier(e, zone, options), Named.as(e.processorName()))
                        .to(Topics.INDICATORS_IV3.name(), Produced.with(serdes.key(), indicatorSerde).withName(e.sinkName()));
            }
            city.ifPresent(cd -> addCityStage(out, cd, serdes, indicatorSerde, options));
        }
        for (AqiClassDefinition a : aqiClasses(catalog)) {
            // Straight from the station-keyed measurements: every pollutant of the station-hour is on this task.
            measurements.process(new AqiClassSupplier(a, zone, options), Named.as(a.processorName()))
                    .to(Topics.INDICATORS_IV3.name(), Produced.with(serdes.key(), indicatorSerde).withName(a.sinkName()));
        }
        return builder;
    }

    /** The implemented air-quality index class indicators of IV.3 ({@code aqi_class}) in catalog order. */
    public static List<AqiClassDefinition> aqiClasses(IndicatorCatalog catalog) {
        return catalog.implementedOfKind(AqiClassDefinition.KIND).stream()
                .filter(i -> GOAL.equalsIgnoreCase(i.goal()))
                .map(AqiClassDefinition::of)
                .toList();
    }

    /**
     * Stage 2 of a city value: re-key the station values by (indicator, window), send them through the named
     * repartition topic, and combine them per window in {@link CityAggregateProcessor}.
     */
    private static void addCityStage(KStream<String, SpecificRecord> stationValues, CityDefinition city, PulseSerdes serdes,
                                     Serde<IndicatorValue> indicatorSerde, TopologyOptions options) {
        // Progress markers of the stage-1 tasks ride along (city.cityKey keeps their key) and the partitioner sends
        // each to every partition: the stage-2 watermark is the minimum over all stage-1 tasks.
        stationValues
                .selectKey((stationKey, value) -> city.cityKey(stationKey), Named.as(city.rekeyName()))
                .repartition(Repartitioned.with(serdes.key(), routed(indicatorSerde)).withName(city.repartitionName())
                        .withStreamPartitioner(new WatermarkPartitioner<>()))
                .process(new CitySupplier(city, options), Named.as(city.processorName()))
                .to(Topics.INDICATORS_IV3.name(), Produced.with(serdes.key(), indicatorSerde).withName(city.sinkName()));
    }

    /** The city stage of a catalog indicator, when its entry names a {@code cityAggregate}. */
    static Optional<CityDefinition> cityOf(IndicatorCatalog catalog, String indicatorId, String unit, Duration grace,
                                          ZoneId zone) {
        return catalog.indicator(indicatorId).flatMap(IndicatorCatalog.Indicator::cityAggregateName)
                .map(name -> new CityDefinition(indicatorId, GOAL, unit, CityAggregate.parse(indicatorId, name), grace,
                        CityDefinition.DEFAULT_RETENTION, Scopes.KRAKOW_CITY, zone.getId()));
    }

    /** Every city stage the topology builds (daily means and completeness with a {@code cityAggregate}), for names. */
    public static List<CityDefinition> cities(IndicatorCatalog catalog) {
        return cities(catalog, ZoneId.of("Europe/Warsaw"));
    }

    /** Every city stage the topology builds (daily means and completeness with a {@code cityAggregate}). */
    public static List<CityDefinition> cities(IndicatorCatalog catalog, ZoneId zone) {
        List<CityDefinition> out = new java.util.ArrayList<>();
        for (DailyMeanDefinition d : dailyMeans(catalog)) {
            cityOf(catalog, d.indicatorId(), d.unit(), d.grace(), zone).ifPresent(out::add);
        }
        for (CompletenessDefinition c : completeness(catalog)) {
            dailyMeans(catalog).stream().filter(d -> d.pollutant() == c.pollutant()).findFirst()
                    .flatMap(d -> cityOf(catalog, c.indicatorId(), c.unit(), d.grace(), zone)).ifPresent(out::add);
        }
        return out;
    }

    /** The implemented hours-above-threshold indicators of IV.3 in catalog order. */
    public static List<ExceedanceHoursDefinition> exceedanceHours(IndicatorCatalog catalog) {
        return catalog.implementedOfKind(ExceedanceHoursDefinition.KIND).stream()
                .filter(i -> GOAL.equalsIgnoreCase(i.goal()))
                .map(ExceedanceHoursDefinition::of)
                .toList();
    }

    /** The implemented max-daily-8-h-mean indicators of IV.3 in catalog order. */
    public static List<Max8hDefinition> max8h(IndicatorCatalog catalog) {
        return catalog.implementedOfKind(Max8hDefinition.KIND).stream()
                .filter(i -> GOAL.equalsIgnoreCase(i.goal()))
                .map(Max8hDefinition::of)
                .toList();
    }

    /** The implemented completeness indicators of IV.3 in catalog order. */
    public static List<CompletenessDefinition> completeness(IndicatorCatalog catalog) {
        return catalog.implementedOfKind(CompletenessDefinition.KIND).stream()
                .filter(i -> GOAL.equalsIgnoreCase(i.goal()))
                .map(CompletenessDefinition::of)
                .toList();
    }

    /** Node-name prefix of a pollutant's year-to-date processor, e.g. {@code iv3-pm10-year-to-date}. */
    static String yearToDatePrefix(DailyMeanDefinition daily) {
        return daily.subjectPrefix() + "-year-to-date";
    }

    /** The store of a pollutant's station-years, e.g. {@code iv3-pm10-year-to-date-by-station}. */
    static String yearToDateStoreName(DailyMeanDefinition daily) {
        return yearToDatePrefix(daily) + "-by-station";
    }

    static String processorName(DailyMeanDefinition def) {
        return def.namePrefix() + "-processor";
    }

    static String valuesSinkName(DailyMeanDefinition def) {
        return def.namePrefix() + "-indicator-sink";
    }

    static String lateSinkName(DailyMeanDefinition def) {
        return def.namePrefix() + "-late-sink";
    }

    /** A record type's serde seen as a serde of the processor's output type; safe because of routing by child. */
    @SuppressWarnings("unchecked")
    private static <V extends SpecificRecord> Serde<SpecificRecord> routed(Serde<V> serde) {
        return (Serde<SpecificRecord>) serde;
    }

    /** The implemented daily-mean indicators of IV.3 in catalog order. */
    public static List<DailyMeanDefinition> dailyMeans(IndicatorCatalog catalog) {
        return catalog.implementedOfKind(DailyMeanDefinition.KIND).stream()
                .filter(i -> GOAL.equalsIgnoreCase(i.goal()))
                .map(DailyMeanDefinition::of)
                .toList();
    }

    /** The implemented hourly-value indicators of IV.3 in catalog order. */
    public static List<DailyMeanDefinition> hourlyValues(IndicatorCatalog catalog) {
        return catalog.implementedOfKind(DailyMeanDefinition.HOURLY_KIND).stream()
                .filter(i -> GOAL.equalsIgnoreCase(i.goal()))
                .map(DailyMeanDefinition::of)
                .toList();
    }

    /** The implemented year-to-date indicators of IV.3 ({@code exceedance_days}, {@code annual_mean}) in catalog order. */
    public static List<YearToDateDefinition> yearToDate(IndicatorCatalog catalog) {
        return catalog.indicators().stream()
                .filter(i -> i.implemented() && GOAL.equalsIgnoreCase(i.goal()))
                .filter(i -> java.util.Arrays.stream(YearToDateDefinition.Kind.values())
                        .anyMatch(k -> k.catalogKind().equals(i.kind())))
                .map(YearToDateDefinition::of)
                .toList();
    }

    /** Every state store the topology creates (for operators and tests). */
    public static List<String> storeNames(IndicatorCatalog catalog) {
        List<YearToDateDefinition> ytd = yearToDate(catalog);
        List<String> out = new java.util.ArrayList<>();
        for (DailyMeanDefinition d : dailyMeans(catalog)) {
            out.add(d.storeName());
            out.add(d.closingTimeStoreName());
            if (ytd.stream().anyMatch(y -> y.pollutant() == d.pollutant())) {
                out.add(yearToDateStoreName(d));
            }
        }
        for (DailyMeanDefinition h : hourlyValues(catalog)) {
            out.add(h.storeName());
            out.add(h.closingTimeStoreName());
        }
        exceedanceHours(catalog).forEach(e -> out.add(e.storeName()));
        max8h(catalog).forEach(e -> out.add(e.storeName()));
        cities(catalog).forEach(c -> {
            out.add(c.storeName());
            out.add(c.watermarkStoreName());
        });
        aqiClasses(catalog).forEach(a -> out.add(a.storeName()));
        return out;
    }

    private static final class DailyMeanSupplier implements ProcessorSupplier<String, AirQualityMeasurement, String, SpecificRecord> {
        private final DailyMeanDefinition def;
        private final ZoneId zone;
        private final TopologyOptions options;
        private final Serde<AirQualityMeasurement> measurementSerde;
        private final DailyMeanMetrics metrics;

        private final String valuesSink;
        private final String lateSink;
        private final List<String> derivedChildren;

        DailyMeanSupplier(DailyMeanDefinition def, ZoneId zone, TopologyOptions options, Serde<AirQualityMeasurement> measurementSerde,
                          String valuesSink, String lateSink, List<String> derivedChildren) {
            this.def = def;
            this.derivedChildren = List.copyOf(derivedChildren);
            this.valuesSink = valuesSink;
            this.lateSink = lateSink;
            this.zone = zone;
            this.options = options;
            this.measurementSerde = measurementSerde;
            this.metrics = new DailyMeanMetrics(options.meters(), def.indicatorId());
        }

        @Override
        public Processor<String, AirQualityMeasurement, String, SpecificRecord> get() {
            return new DailyMeanProcessor(def, def.hourly() ? new HourWindows(zone) : new LocalDayWindows(zone),
                    options.clock(), options.punctuationInterval(), options.idleTimeout(), metrics, Topics.AIR_QUALITY.name(),
                    measurementSerde.serializer(), valuesSink, lateSink, options.emitInterval(), derivedChildren);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            // Caching coalesces the ~24 updates of a station-day between commits into one RocksDB write and
            // one changelog record; with exactly-once, commit.interval.ms bounds visibility anyway.
            StoreBuilder<?> days = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(def.storeName()),
                    Serdes.Bytes(), new DailyMeanAccumulatorSerde()).withCachingEnabled();
            StoreBuilder<?> closing = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(def.closingTimeStoreName()),
                    Serdes.String(), Serdes.Long()).withCachingDisabled();
            return Set.of(days, closing);
        }
    }

    private static final class YearToDateSupplier implements ProcessorSupplier<String, SpecificRecord, String, IndicatorValue> {
        private final List<YearToDateDefinition> defs;
        private final String storeName;
        private final ZoneId zone;
        private final long graceMs;
        private final TopologyOptions options;

        YearToDateSupplier(List<YearToDateDefinition> defs, String storeName, ZoneId zone, long graceMs, TopologyOptions options) {
            this.defs = defs;
            this.storeName = storeName;
            this.zone = zone;
            this.graceMs = graceMs;
            this.options = options;
        }

        @Override
        public Processor<String, SpecificRecord, String, IndicatorValue> get() {
            return new YearToDateProcessor(defs, storeName, zone, graceMs, options.clock(), options.meters());
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            // Cached: a station-year changes with most hourly values of its current day; the cache turns those
            // into one RocksDB write and one changelog record per commit.
            return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(storeName), Serdes.String(),
                    new YearStateSerde()).withCachingEnabled());
        }
    }

    private static final class CitySupplier implements ProcessorSupplier<String, SpecificRecord, String, IndicatorValue> {
        private final CityDefinition city;
        private final TopologyOptions options;

        CitySupplier(CityDefinition city, TopologyOptions options) {
            this.city = city;
            this.options = options;
        }

        @Override
        public Processor<String, SpecificRecord, String, IndicatorValue> get() {
            return new CityAggregateProcessor(city, options.clock(), options.meters());
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            // Cached: a city day changes with most station values of the day; one write per commit.
            return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(city.storeName()), Serdes.String(),
                    new CityDayStateSerde()).withCachingEnabled(), UpstreamWatermark.storeBuilder(city.watermarkStoreName()));
        }
    }

    private static final class ExceedanceHoursSupplier implements ProcessorSupplier<String, SpecificRecord, String, IndicatorValue> {
        private final ExceedanceHoursDefinition def;
        private final ZoneId zone;
        private final long graceMs;
        private final TopologyOptions options;

        ExceedanceHoursSupplier(ExceedanceHoursDefinition def, ZoneId zone, long graceMs, TopologyOptions options) {
            this.def = def;
            this.zone = zone;
            this.graceMs = graceMs;
            this.options = options;
        }

        @Override
        public Processor<String, SpecificRecord, String, IndicatorValue> get() {
            return new ExceedanceHoursProcessor(def, zone, graceMs, options.clock(), options.meters());
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            // Cached: a station-year changes with every hourly value; one RocksDB write per commit.
            return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(def.storeName()), Serdes.String(),
                    new HourYearStateSerde()).withCachingEnabled());
        }
    }

    private static final class AqiClassSupplier implements ProcessorSupplier<String, AirQualityMeasurement, String, IndicatorValue> {
        private final AqiClassDefinition def;
        private final ZoneId zone;
        private final TopologyOptions options;

        AqiClassSupplier(AqiClassDefinition def, ZoneId zone, TopologyOptions options) {
            this.def = def;
            this.zone = zone;
            this.options = options;
        }

        @Override
        public Processor<String, AirQualityMeasurement, String, IndicatorValue> get() {
            return new AqiClassProcessor(def, zone, options.clock(), options.meters(), options.emitInterval());
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            // Cached: a station-hour changes with each pollutant's value; entries live until the hour is FINAL.
            return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(def.storeName()), Serdes.String(),
                    Serdes.String()).withCachingEnabled());
        }
    }

    private static final class Max8hSupplier implements ProcessorSupplier<String, SpecificRecord, String, IndicatorValue> {
        private final Max8hDefinition def;
        private final ZoneId zone;
        private final TopologyOptions options;

        Max8hSupplier(Max8hDefinition def, ZoneId zone, TopologyOptions options) {
            this.def = def;
            this.zone = zone;
            this.options = options;
        }

        @Override
        public Processor<String, SpecificRecord, String, IndicatorValue> get() {
            return new Max8hProcessor(def, zone, options.clock(), options.meters());
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(def.storeName()), Serdes.String(),
                    new Max8hDaySerde()).withCachingEnabled());
        }
    }
}
