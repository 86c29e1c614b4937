package pl.krakow.pulse.indicators;

import java.nio.file.Path;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.runtime.streams.StreamsApplication;
import pl.krakow.pulse.runtime.streams.TopologyOptions;
import java.time.ZoneId;
import java.util.List;
import org.apache.kafka.streams.StreamsBuilder;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.indicators.city.CityDefinition;
import pl.krakow.pulse.indicators.daily.DailyMeanDefinition;
import pl.krakow.pulse.indicators.daily.DailyMeanKind;
import pl.krakow.pulse.indicators.kind.IndicatorKinds;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.serde.PulseSerdes;

/**
 * The IV.3 (Zrównoważone środowisko / sustainable environment) indicator table,
 * {@code indicators.iv3.v1}, built from {@code environment.air-quality.v1}.
 *
 * <p>{@code build} is a loop over the goal's implemented catalog entries: each names a registered {@link Iv3Kind}
 * ({@link IndicatorKinds}), which parses its typed definition and contributes it to the goal's shared stages
 * ({@link Iv3Stages}: the daily and hourly series of each pollutant, the children fed by them in process, the city
 * stage, the stages that read the measurements). For the bundled catalog:
 * <pre>
 *   iv3-air-quality-source ─► &lt;p&gt;-pollutant-filter ─► &lt;p&gt;-processor [stores &lt;s&gt;-daily-by-station, &lt;s&gt;-daily-closing-time]
 *                                                    ├─► &lt;p&gt;-indicator-sink  (indicators.iv3.v1, IndicatorValue)
 *                                                    ├─► &lt;p&gt;-late-sink       (indicators.late.v1, LateEvent)
 *                                                    ├─► children: year to date, completeness, exceedance hours, max 8-h
 *                                                    └─► &lt;id&gt;-city-rekey ─► &lt;id&gt;-city-by-day ─► &lt;id&gt;-city-processor
 * </pre>
 * where {@code <p>} is the id with dashes ({@code iv3-pm10-daily-mean}) and {@code <s>} its subject
 * ({@code iv3-pm10}). Record time is the measurement's own {@code eventTime}, never arrival time. The per-station
 * work needs no repartitioning: the input is keyed by station code, the grouping key. An implemented entry whose kind
 * is not registered, or with an unknown or mistyped parameter, fails the build with file, line and key.
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
     * @throws IllegalArgumentException when the catalog has no implemented IV.3 series (daily mean or hourly value), or
     *                                  an IV.3 entry is invalid ({@link pl.krakow.pulse.platform.catalog.CatalogException})
     */
    public static StreamsBuilder build(StreamsBuilder builder, PulseSerdes serdes, IndicatorCatalog catalog, ZoneId zone,
                                       TopologyOptions options) {
        stages(catalog, zone).build(builder, serdes, options);
        return builder;
    }

    /** What every implemented IV.3 entry contributes, resolved (children attached to their series). */
    static Iv3Stages stages(IndicatorCatalog catalog, ZoneId zone) {
        Iv3Stages stages = new Iv3Stages(zone);
        for (IndicatorKinds.Defined<?> defined : IndicatorKinds.bundled().implemented(catalog, GOAL)) {
            contribute(defined, stages);
        }
        stages.resolve();
        return stages;
    }

    private static <D> void contribute(IndicatorKinds.Defined<D> defined, Iv3Stages stages) {
        if (!(defined.kind() instanceof Iv3Kind<D> kind)) {
            throw new IllegalStateException("kind " + defined.kind().name() + " is registered for " + GOAL
                    + " but is no " + Iv3Kind.class.getSimpleName());
        }
        kind.contribute(defined.entry(), defined.definition(), stages);
    }

    /** Every city stage the topology builds (daily means and completeness with a {@code cityAggregate}), for names. */
    public static List<CityDefinition> cities(IndicatorCatalog catalog) {
        return cities(catalog, ZoneId.of("Europe/Warsaw"));
    }

    /** Every city stage the topology builds (daily means and completeness with a {@code cityAggregate}). */
    public static List<CityDefinition> cities(IndicatorCatalog catalog, ZoneId zone) {
        return stages(catalog, zone).cities();
    }

    /** The implemented daily-mean indicators of IV.3 in catalog order. */
    public static List<DailyMeanDefinition> dailyMeans(IndicatorCatalog catalog) {
        return IndicatorKinds.bundled().implementedOf(catalog, DailyMeanKind.DAILY_MEAN).stream()
                .map(DailyMeanKind.Definition::series).toList();
    }

    /** Every state store the topology creates (for operators and tests). */
    public static List<String> storeNames(IndicatorCatalog catalog) {
        return stages(catalog, ZoneId.of("Europe/Warsaw")).storeNames();
    }
}
