package pl.krakow.pulse.indicators.daily;

import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.indicators.window.HourWindows;
import pl.krakow.pulse.indicators.window.LocalDayWindows;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.runtime.streams.TopologyOptions;

/** The {@link DailyMeanProcessor} of one series with its two stores (open station-windows, wall-clock closing time). */
public final class DailyMeanSupplier implements ProcessorSupplier<String, AirQualityMeasurement, String, SpecificRecord> {
    private final DailyMeanDefinition def;
    private final ZoneId zone;
    private final TopologyOptions options;
    private final Serde<AirQualityMeasurement> measurementSerde;
    private final DailyMeanMetrics metrics;

    private final String valuesSink;
    private final String lateSink;
    private final List<String> derivedChildren;

    public DailyMeanSupplier(DailyMeanDefinition def, ZoneId zone, TopologyOptions options, Serde<AirQualityMeasurement> measurementSerde,
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
                measurementSerde.serializer(), valuesSink, lateSink, options.emitInterval(), derivedChildren,
                options.provisional());
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        // Caching coalesces the ~24 updates of a station-day between commits into one store write and
        // one changelog record; with exactly-once, commit.interval.ms bounds visibility anyway.
        StoreBuilder<?> days = Stores.keyValueStoreBuilder(pl.krakow.pulse.indicators.kind.IndicatorStores.keyValue(def.storeName()),
                Serdes.Bytes(), new DailyMeanAccumulatorSerde()).withCachingEnabled();
        StoreBuilder<?> closing = Stores.keyValueStoreBuilder(pl.krakow.pulse.indicators.kind.IndicatorStores.keyValue(def.closingTimeStoreName()),
                Serdes.String(), Serdes.Long()).withCachingDisabled();
        return Set.of(days, closing);
    }
}
