package pl.krakow.pulse.indicators.ytd;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import pl.krakow.pulse.indicators.Iv3Kind;
import pl.krakow.pulse.indicators.Iv3Stages;
import pl.krakow.pulse.indicators.daily.DailyMeanDefinition;
import pl.krakow.pulse.indicators.kind.KindParameters;
import pl.krakow.pulse.indicators.kind.ProcessorWithStores;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.runtime.streams.TopologyOptions;

/**
 * Kinds {@code exceedance_days} and {@code annual_mean}: per station and calendar year to date, from the daily means of
 * the entry's pollutant ({@link YearToDateProcessor}). All year-to-date entries of a pollutant share one processor,
 * {@code <s>-year-to-date-processor} [store {@code <s>-year-to-date-by-station}] ─► {@code <s>-year-to-date-indicator-sink},
 * a child of the pollutant's daily series ({@code <s>} its subject, e.g. {@code iv3-pm10}).
 *
 * <p>Parameters: {@code pollutant} (required); for {@code exceedance_days} also {@code exceedanceThreshold} (µg/m³,
 * required: a day counts when its mean is strictly above it).
 */
public final class YearToDateKind implements Iv3Kind<YearToDateDefinition> {

    public static final YearToDateKind EXCEEDANCE_DAYS = new YearToDateKind(YearToDateDefinition.Kind.EXCEEDANCE_DAYS);
    public static final YearToDateKind ANNUAL_MEAN = new YearToDateKind(YearToDateDefinition.Kind.ANNUAL_MEAN);

    private final YearToDateDefinition.Kind kind;

    private YearToDateKind(YearToDateDefinition.Kind kind) {
        this.kind = kind;
    }

    @Override
    public String name() {
        return kind.catalogKind();
    }

    @Override
    public Set<String> parameterKeys() {
        return kind == YearToDateDefinition.Kind.EXCEEDANCE_DAYS ? Set.of("pollutant", "exceedanceThreshold") : Set.of("pollutant");
    }

    @Override
    public YearToDateDefinition parse(IndicatorCatalog.Indicator entry) {
        KindParameters p = new KindParameters(entry);
        Double threshold = kind == YearToDateDefinition.Kind.EXCEEDANCE_DAYS ? p.requiredNumber("exceedanceThreshold") : null;
        return new YearToDateDefinition(entry.id(), entry.goal(), entry.unit(), p.pollutant("pollutant"), kind, threshold,
                entry.minCoverageOrDefault());
    }

    @Override
    public void contribute(IndicatorCatalog.Indicator entry, YearToDateDefinition definition, Iv3Stages stages) {
        stages.addToSharedChild(entry, definition.pollutant(), false, entry.id() + " counts daily means of " + definition.pollutant(),
                Stage.class, daily -> new Stage(daily, stages.zone()), s -> s.definitions.add(definition));
    }

    /** The one year-to-date processor of a pollutant's daily series. */
    static final class Stage implements Iv3Stages.SeriesChild {
        private final DailyMeanDefinition daily;
        private final ZoneId zone;
        private final List<YearToDateDefinition> definitions = new ArrayList<>();

        Stage(DailyMeanDefinition daily, ZoneId zone) {
            this.daily = daily;
            this.zone = zone;
        }

        /** Node-name prefix, e.g. {@code iv3-pm10-year-to-date}. */
        private String prefix() {
            return daily.subjectPrefix() + "-year-to-date";
        }

        /** The store of a pollutant's station-years, e.g. {@code iv3-pm10-year-to-date-by-station}. */
        private String storeName() {
            return prefix() + "-by-station";
        }

        @Override
        public String processorName() {
            return prefix() + "-processor";
        }

        @Override
        public List<String> storeNames() {
            return List.of(storeName());
        }

        @Override
        public void build(KStream<String, SpecificRecord> series, Iv3Stages.Wiring wiring) {
            // Fed in process by the daily-mean processor (child by name): same task, no topic in between.
            List<YearToDateDefinition> defs = List.copyOf(definitions);
            long graceMs = daily.grace().toMillis();
            TopologyOptions options = wiring.options();
            series.process(new ProcessorWithStores<>(
                                    () -> new YearToDateProcessor(defs, storeName(), zone, graceMs, options.clock(), options.meters()),
                                    // Cached: a station-year changes with most hourly values of its current day.
                                    Set.of(ProcessorWithStores.cachedStore(storeName(), new YearStateSerde()))),
                            Named.as(processorName()))
                    .to(Topics.INDICATORS_IV3.name(), wiring.toTable(prefix() + "-indicator-sink"));
        }
    }
}
