package pl.krakow.pulse.indicators.iv5;

import java.nio.file.Path;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.runtime.streams.EventTimeExtractor;
import pl.krakow.pulse.runtime.streams.StreamsApplication;
import pl.krakow.pulse.runtime.streams.TopologyOptions;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import io.micrometer.core.instrument.Counter;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.events.safety.Incident;
import pl.krakow.pulse.indicators.Iv3EnvironmentTopology;
import pl.krakow.pulse.indicators.kind.IndicatorKinds;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.catalog.Scopes;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.runtime.streams.watermark.ProgressEmitter;
import pl.krakow.pulse.runtime.streams.watermark.UpstreamWatermark;
import pl.krakow.pulse.runtime.streams.watermark.WatermarkPartitioner;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * The IV.5 (Wysoki poziom bezpieczeństwa / high level of safety) indicator table {@code indicators.iv5.v1},
 * built from {@code safety.incidents.v1}:
 * <pre>
 *   iv5-incidents-source ─► iv5-incident-dedupe [iv5-seen-incidents] ─► iv5-area-scopes
 *     ─► repartition iv5-incidents-by-area ─► iv5-safety-processor [iv5-day-buckets, iv5-window-revisions,
 *        iv5-pending-final, iv5-dirty-windows] ─► iv5-indicator-sink
 * </pre>
 * Record time is the incident's own {@code eventTime}. The dedupe stage drops an incident id seen before (a
 * replayed file, a restarted simulator) so nothing is counted twice ({@code pulse.indicators.iv5.duplicates}).
 * The area stage sends each incident to the scopes it counts for ({@link #areas}): {@code district:<n>}
 * <em>and</em> {@code city:krakow} for a point in a Kraków district, {@code city:<id>} for a city's record without
 * a district (another city's feed always lands in its own {@code city:<id>}, e.g. {@code city:wroclaw}), and
 * {@code region:<id>} for anything outside the city (e.g. {@code region:swietokrzyskie}) — so regional events and
 * other cities' records never distort Kraków's district or city values. The processor
 * ({@link Iv5SafetyProcessor}) computes every implemented IV.5 catalog entry ({@link Iv5Indicator}), what each
 * measures given by its kind ({@link Iv5Kinds}, one small class per kind); counts
 * per category use the scope {@code <area>/<category>} (e.g. {@code city:krakow/road_accident}) beside the
 * all-category {@code <area>}. {@code build} does no I/O.
 */
public final class Iv5SafetyTopology {

    public static final String GOAL = "IV.5";
    public static final String APPLICATION_SUFFIX = "indicators-iv5";
    public static final String SOURCE_NAME = "iv5-incidents-source";
    public static final String SEEN_STORE = "iv5-seen-incidents";
    /** How often dirty windows are emitted when {@code Options.emitInterval} is zero. */
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(1);

    private Iv5SafetyTopology() {
    }

    /**
     * The implemented IV.5 entries of the catalog, each parsed by its registered kind ({@link Iv5Kinds}), in catalog
     * order: the processor's state keys windows by an entry's position in this list.
     */
    public static List<Iv5Indicator> indicators(IndicatorCatalog catalog) {
        List<Iv5Indicator> out = new ArrayList<>();
        for (IndicatorKinds.Defined<?> defined : IndicatorKinds.bundled().implemented(catalog, GOAL)) {
            if (!(defined.definition() instanceof Iv5Indicator indicator)) {
                throw new IllegalStateException("kind " + defined.kind().name() + " of " + GOAL + " is no IV.5 kind");
            }
            out.add(indicator);
        }
        return out;
    }

    /**
     * How long a window stays due before it is finalised (see {@link Iv5SafetyProcessor}). None: the stage's
     * watermark already waits for every input partition (a 10 s wall-clock wait stood in for it before).
     */
    public static final Duration DEFAULT_SETTLE = Duration.ZERO;
    /** Granularity of the input partitions' progress markers (one per partition and minute of incident time at most). */
    static final Duration PROGRESS_GRANULARITY = Duration.ofMinutes(1);

    /**
     * The IV.5 table as its own Kafka Streams application {@code <prefix>-indicators-iv5} (built with
     * {@link #DEFAULT_SETTLE}), with the dead-letter handling of {@link StreamsApplication}; not started.
     */
    public static StreamsApplication application(KafkaClients clients, PulseSerdes serdes, IndicatorCatalog catalog, ZoneId zone,
                                                 PopulationTable population, PulseMetrics metrics, Path stateDir,
                                                 TopologyOptions options) {
        return new StreamsApplication(clients, serdes, metrics, stateDir, APPLICATION_SUFFIX, options.meters(), options.clock(),
                builder -> build(builder, serdes, catalog, zone, population, options));
    }

    /** Builds with {@link #DEFAULT_SETTLE}. */
    public static StreamsBuilder build(StreamsBuilder builder, PulseSerdes serdes, IndicatorCatalog catalog, ZoneId zone,
                                       PopulationTable population, TopologyOptions options) {
        return build(builder, serdes, catalog, zone, population, options, DEFAULT_SETTLE);
    }

    public static StreamsBuilder build(StreamsBuilder builder, PulseSerdes serdes, IndicatorCatalog catalog, ZoneId zone,
                                       PopulationTable population, TopologyOptions options, Duration settle) {
        List<Iv5Indicator> defs = indicators(catalog);
        if (defs.isEmpty()) {
            throw new IllegalArgumentException("the catalog has no implemented indicator of goal " + GOAL + ": nothing to compute");
        }
        Serde<Incident> incidentSerde = serdes.value(Topics.INCIDENTS);
        Serde<IndicatorValue> indicatorSerde = serdes.value(Topics.INDICATORS_IV5);
        Duration flush = options.emitInterval().isZero() ? DEFAULT_FLUSH_INTERVAL : options.emitInterval();
        Counter duplicates = Counter.builder("pulse.indicators.iv5.duplicates")
                .description("Incidents with an id already counted (replayed or re-sent), not counted again").register(options.meters());

        builder.stream(Topics.INCIDENTS.name(), Consumed.with(serdes.key(), incidentSerde)
                        .withTimestampExtractor(new EventTimeExtractor()).withName(SOURCE_NAME))
                .process(new DedupeSupplier(duplicates), Named.as("iv5-incident-dedupe"))
                .flatMap((id, incident) -> areas(incident).stream().map(a -> KeyValue.pair(a, incident)).toList(),
                        Named.as("iv5-area-scopes"))
                // Progress of each input partition rides along to every area task (the stage's watermark).
                .process(() -> new ProgressEmitter<String, Incident>(i -> i.getEventTime().toEpochMilli(),
                        PROGRESS_GRANULARITY, options.idleTimeout(), options.punctuationInterval(), Topics.INCIDENTS.name()),
                        Named.as("iv5-progress"))
                .repartition(Repartitioned.with(serdes.key(), incidentSerde).withName("iv5-incidents-by-area")
                        .withStreamPartitioner(new WatermarkPartitioner<>()))
                .process(new SafetySupplier(defs, zone, population, options, flush, settle), Named.as("iv5-safety-processor"))
                .to(Topics.INDICATORS_IV5.name(), Produced.with(serdes.key(), indicatorSerde).withName("iv5-indicator-sink"));
        return builder;
    }

    /** {@code city:<id>} or {@code region:<id>}, ids lower case ASCII with dashes ({@link Scopes}). */
    private static final Pattern NAMED_AREA = Pattern.compile("(city|region):[a-z0-9][a-z0-9-]*");
    /** Area of incidents whose scope names no city ({@code city:unknown}): never Kraków's. */
    public static final String UNKNOWN_CITY = Scopes.city("unknown");
    /** Area of incidents whose scope names no region ({@code region:unknown}). */
    public static final String UNKNOWN_REGION = Iv5SafetyProcessor.REGION_PREFIX + "unknown";

    /**
     * The area scopes an incident counts for: {@code district:<n>} (Kraków's districts, the only ones there are)
     * and {@code city:krakow}; {@code city:<id>} or {@code region:<id>} alone. A scope that names no place — a bare
     * {@code city} or {@code region}, the schema default and what records written before scopes named their city
     * carry (the Wrocław city-guard register was written as {@code city} then) — goes to {@link #UNKNOWN_CITY} /
     * {@link #UNKNOWN_REGION}, never to Kraków.
     */
    static List<String> areas(Incident incident) {
        String scope = incident.getScope() == null ? "" : incident.getScope();
        if (scope.startsWith("district:")) {
            return List.of(scope, Scopes.KRAKOW_CITY);
        }
        if (NAMED_AREA.matcher(scope).matches()) {
            return List.of(scope);
        }
        return List.of(scope.startsWith("region") ? UNKNOWN_REGION : UNKNOWN_CITY);
    }

    /** Every state store the topology creates. */
    public static List<String> storeNames() {
        return List.of(SEEN_STORE, Iv5SafetyProcessor.BUCKETS, Iv5SafetyProcessor.REVISIONS, Iv5SafetyProcessor.PENDING,
                Iv5SafetyProcessor.WATERMARKS,
                Iv5SafetyProcessor.DIRTY);
    }

    private static final class DedupeSupplier implements ProcessorSupplier<String, Incident, String, Incident> {
        private final Counter duplicates;

        DedupeSupplier(Counter duplicates) {
            this.duplicates = duplicates;
        }

        @Override
        public Processor<String, Incident, String, Incident> get() {
            return new Processor<>() {
                private ProcessorContext<String, Incident> context;
                private KeyValueStore<String, Long> seen;

                @Override
                public void init(ProcessorContext<String, Incident> context) {
                    this.context = context;
                    this.seen = context.getStateStore(SEEN_STORE);
                }

                @Override
                public void process(Record<String, Incident> record) {
                    Incident i = record.value();
                    if (i == null) {
                        return;
                    }
                    String id = i.getEventId();
                    if (seen.get(id) != null) {
                        duplicates.increment();
                        return;
                    }
                    seen.put(id, i.getEventTime().toEpochMilli());
                    context.forward(record);
                }
            };
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            // keyed by incident id = the input key, so no repartition is needed before it
            return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SEEN_STORE), Serdes.String(), Serdes.Long())
                    .withCachingEnabled());
        }
    }

    private static final class SafetySupplier implements ProcessorSupplier<String, Incident, String, IndicatorValue> {
        private final List<Iv5Indicator> defs;
        private final ZoneId zone;
        private final PopulationTable population;
        private final TopologyOptions options;
        private final Duration flush;
        private final Duration settle;

        SafetySupplier(List<Iv5Indicator> defs, ZoneId zone, PopulationTable population, TopologyOptions options,
                       Duration flush, Duration settle) {
            this.settle = settle;
            this.defs = defs;
            this.zone = zone;
            this.population = population;
            this.options = options;
            this.flush = flush;
        }

        @Override
        public Processor<String, Incident, String, IndicatorValue> get() {
            return new Iv5SafetyProcessor(defs, zone, population, options.clock(), flush, settle, options.meters());
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Iv5SafetyProcessor.BUCKETS), Serdes.String(),
                            DayBucket.serde()).withCachingEnabled(),
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Iv5SafetyProcessor.REVISIONS), Serdes.String(),
                            Serdes.Integer()).withCachingEnabled(),
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Iv5SafetyProcessor.PENDING), Serdes.String(),
                            Serdes.String()).withCachingEnabled(),
                    UpstreamWatermark.storeBuilder(Iv5SafetyProcessor.WATERMARKS),
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Iv5SafetyProcessor.DIRTY), Serdes.String(),
                            Serdes.String()).withCachingEnabled());
        }
    }
}
