package pl.krakow.pulse.indicators.iv4;

import pl.krakow.pulse.runtime.streams.TopologyOptions;
import java.time.Duration;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.events.mobility.BikeStationStatus;
import pl.krakow.pulse.events.mobility.StopEvent;
import pl.krakow.pulse.events.mobility.VehiclePosition;
import java.nio.file.Path;
import pl.krakow.pulse.runtime.streams.StreamsApplication;
import pl.krakow.pulse.indicators.Iv3EnvironmentTopology;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.indicators.kind.IndicatorKinds;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.runtime.streams.watermark.ProgressEmitter;
import pl.krakow.pulse.runtime.streams.watermark.UpstreamWatermark;
import pl.krakow.pulse.runtime.streams.watermark.WatermarkPartitioner;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * The IV.4 mobility table ({@code indicators.iv4.v1}), run as application {@code <prefix>-indicators-iv4}:
 * <ul>
 *   <li>{@code iv4.pt.vehicles_in_service} per minute — city, mode, district, line ({@link VehiclesProcessor});</li>
 *   <li>{@code iv4.pt.speed} per hour — city, district, line (same processor);</li>
 *   <li>{@code iv4.pt.on_time}, {@code iv4.pt.delay_p50}, {@code iv4.pt.delay_p90} per hour and local day —
 *       city, line ({@link DelayProcessor});</li>
 *   <li>{@code iv4.bike.availability} per 15 minutes — bike-share system, district ({@link BikeAvailabilityProcessor}).</li>
 * </ul>
 * Every scope names the city or system of the feed it comes from ({@link MobilityScopes}): {@code city:krakow},
 * {@code mode:krakow/tram}, {@code line:krakow-T/1}, {@code city:poznan}, {@code system:oslo-bysykkel};
 * districts are Kraków's only. Several cities' feeds share the one task, never a scope.
 * Each input is re-keyed to one key and repartitioned into one partition first: the city-wide counts and
 * percentiles need every record in one task, and the volumes (a city's fleet every 10 s) fit one task.
 * Two-stage aggregation, as IV.3's city values do, is the way out if one task stops sufficing.
 * {@code build} loops over the goal's implemented catalog entries ({@link Iv4Kinds}): a processor is built when an
 * entry names one of its kinds, and its grace per indicator comes from the entries' {@code grace}.
 */
public final class Iv4MobilityTopology {

    public static final String GOAL = "IV.4";
    public static final String APPLICATION_SUFFIX = "indicators-iv4";
    static final String VEHICLE_WINDOWS = "iv4-vehicles-windows";
    static final String VEHICLE_LATEST = "iv4-vehicles-latest";
    static final String DELAY_WINDOWS = "iv4-delays-windows";
    static final String BIKE_WINDOWS = "iv4-bikes-windows";
    /** Granularity of the input partitions' progress markers. */
    static final Duration PROGRESS_GRANULARITY = Duration.ofMinutes(1);

    private Iv4MobilityTopology() {
    }

    public static void build(StreamsBuilder builder, PulseSerdes serdes, IndicatorCatalog catalog, ZoneId zone,
                             TopologyOptions options) {
        Serde<IndicatorValue> out = serdes.value(Topics.INDICATORS_IV4);
        String table = Topics.INDICATORS_IV4.name();
        // A loop over the goal's implemented entries: each kind names the shared processor that computes it.
        Map<String, Duration> graceById = new HashMap<>();
        EnumSet<Iv4Kinds.Group> groups = EnumSet.noneOf(Iv4Kinds.Group.class);
        for (IndicatorKinds.Defined<?> defined : IndicatorKinds.bundled().implemented(catalog, GOAL)) {
            if (!(defined.definition() instanceof Iv4Kinds.Iv4Indicator indicator)) {
                throw new IllegalStateException("kind " + defined.kind().name() + " of " + GOAL + " is no IV.4 kind");
            }
            graceById.put(indicator.id(), indicator.grace());
            groups.add(indicator.group());
        }
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("the catalog has no implemented indicator of goal " + GOAL + ": nothing to compute");
        }
        if (groups.contains(Iv4Kinds.Group.VEHICLES)) {
            addVehicles(builder, serdes, zone, options, graceById, table, out);
        }
        if (groups.contains(Iv4Kinds.Group.DELAYS)) {
            addDelays(builder, serdes, zone, options, graceById, table, out);
        }
        if (groups.contains(Iv4Kinds.Group.BIKES)) {
            addBikes(builder, serdes, zone, options, graceById, table, out);
        }
    }

    private static void addVehicles(StreamsBuilder builder, PulseSerdes serdes, ZoneId zone, TopologyOptions options,
                                    Map<String, Duration> graceById, String table, Serde<IndicatorValue> out) {
        Map<String, Duration> vehicleGrace = new HashMap<>();
        vehicleGrace.put("n", grace(graceById, VehiclesProcessor.IN_SERVICE));
        vehicleGrace.put("s", grace(graceById, VehiclesProcessor.SPEED));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(VEHICLE_WINDOWS),
                Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(VEHICLE_LATEST),
                Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(UpstreamWatermark.storeBuilder(WindowedScopeProcessor.progressStoreOf(VEHICLE_WINDOWS)));
        oneTask(builder, serdes, Topics.VEHICLE_POSITIONS, "iv4-vehicles", v -> v.getEventTime().toEpochMilli(), options)
                .process(() -> new VehiclesProcessor(VEHICLE_WINDOWS, VEHICLE_LATEST, vehicleGrace, zone, options.clock(),
                        options.punctuationInterval(), options.meters()), Named.as("iv4-vehicles"), VEHICLE_WINDOWS, VEHICLE_LATEST,
                        WindowedScopeProcessor.progressStoreOf(VEHICLE_WINDOWS))
                .to(table, Produced.with(serdes.key(), out).withName("iv4-vehicles-sink"));
    }

    private static void addDelays(StreamsBuilder builder, PulseSerdes serdes, ZoneId zone, TopologyOptions options,
                                  Map<String, Duration> graceById, String table, Serde<IndicatorValue> out) {
        Map<String, Duration> delayGrace = Map.of("h", grace(graceById, DelayProcessor.ON_TIME),
                "d", grace(graceById, DelayProcessor.ON_TIME));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DELAY_WINDOWS),
                Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(UpstreamWatermark.storeBuilder(WindowedScopeProcessor.progressStoreOf(DELAY_WINDOWS)));
        oneTask(builder, serdes, Topics.STOP_EVENTS, "iv4-delays", v -> v.getEventTime().toEpochMilli(), options)
                .process(() -> new DelayProcessor(DELAY_WINDOWS, delayGrace, zone, options.clock(),
                        options.punctuationInterval(), options.meters()), Named.as("iv4-delays"), DELAY_WINDOWS,
                        WindowedScopeProcessor.progressStoreOf(DELAY_WINDOWS))
                .to(table, Produced.with(serdes.key(), out).withName("iv4-delays-sink"));
    }

    private static void addBikes(StreamsBuilder builder, PulseSerdes serdes, ZoneId zone, TopologyOptions options,
                                 Map<String, Duration> graceById, String table, Serde<IndicatorValue> out) {
        Map<String, Duration> bikeGrace = Map.of("b", grace(graceById, BikeAvailabilityProcessor.AVAILABILITY));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BIKE_WINDOWS),
                Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(UpstreamWatermark.storeBuilder(WindowedScopeProcessor.progressStoreOf(BIKE_WINDOWS)));
        oneTask(builder, serdes, Topics.BIKE_STATIONS, "iv4-bikes", v -> v.getEventTime().toEpochMilli(), options)
                .process(() -> new BikeAvailabilityProcessor(BIKE_WINDOWS, bikeGrace, zone, options.clock(),
                        options.punctuationInterval(), options.meters()), Named.as("iv4-bikes"), BIKE_WINDOWS,
                        WindowedScopeProcessor.progressStoreOf(BIKE_WINDOWS))
                .to(table, Produced.with(serdes.key(), out).withName("iv4-bikes-sink"));
    }

    /** The IV.4 table as its own Kafka Streams application {@code <prefix>-indicators-iv4}, with the dead-letter handling of {@link StreamsApplication}. */
    public static StreamsApplication application(KafkaClients clients, PulseSerdes serdes, IndicatorCatalog catalog, ZoneId zone,
                                                    PulseMetrics metrics, Path stateDir, TopologyOptions options) {
        return new StreamsApplication(clients, serdes, metrics, stateDir, APPLICATION_SUFFIX, options.meters(), options.clock(),
                builder -> build(builder, serdes, catalog, zone, options));
    }

    private static <V extends org.apache.avro.specific.SpecificRecord> org.apache.kafka.streams.kstream.KStream<String, V> oneTask(
            StreamsBuilder builder, PulseSerdes serdes, TopicSpec<V> topic, String name, ToLongFunction<V> eventTime,
            TopologyOptions options) {
        Serde<V> serde = serdes.value(topic);
        // Each input partition's progress rides along (a marker per minute of event time); the one task downstream
        // closes windows at the minimum over all partitions, not at the largest event time any of them sent.
        return builder.stream(topic.name(), Consumed.with(serdes.key(), serde).withName(name + "-source"))
                .selectKey((k, v) -> "city", Named.as(name + "-to-city"))
                .process(() -> new ProgressEmitter<String, V>(eventTime, PROGRESS_GRANULARITY, options.idleTimeout(),
                        options.punctuationInterval(), topic.name()), Named.as(name + "-progress"))
                .repartition(Repartitioned.with(serdes.key(), serde).withName(name + "-by-city").withNumberOfPartitions(1)
                        .withStreamPartitioner(new WatermarkPartitioner<>()));
    }

    /** The grace of an implemented entry; none when the catalog does not implement it. */
    private static Duration grace(Map<String, Duration> graceById, String indicatorId) {
        return graceById.getOrDefault(indicatorId, Duration.ZERO);
    }
}
