package pl.krakow.pulse.indicators.city;

import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.runtime.streams.TopologyOptions;
import pl.krakow.pulse.runtime.streams.watermark.UpstreamWatermark;

/** The {@link CityAggregateProcessor} of one city stage with its stores (open city days, upstream progress). */
public final class CitySupplier implements ProcessorSupplier<String, SpecificRecord, String, IndicatorValue> {
    private final CityDefinition city;
    private final TopologyOptions options;

    public CitySupplier(CityDefinition city, TopologyOptions options) {
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
        return Set.of(Stores.keyValueStoreBuilder(pl.krakow.pulse.indicators.kind.IndicatorStores.keyValue(city.storeName()), Serdes.String(),
                new CityDayStateSerde()).withCachingEnabled(), UpstreamWatermark.storeBuilder(city.watermarkStoreName()));
    }
}
