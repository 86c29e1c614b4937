package pl.krakow.pulse.indicators.kind;

import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/** A processor and the state stores it owns, as Kafka Streams wants them when a kind adds its processor. */
public record ProcessorWithStores<KIn, VIn, KOut, VOut>(Supplier<Processor<KIn, VIn, KOut, VOut>> processor,
                                                        Set<StoreBuilder<?>> stores)
        implements ProcessorSupplier<KIn, VIn, KOut, VOut> {

    @Override
    public Processor<KIn, VIn, KOut, VOut> get() {
        return processor.get();
    }

    /**
     * An in-memory, changelogged key-value store ({@link IndicatorStores}) with caching: a kind's state changes with
     * most records, and the cache turns the changes between commits into one changelog record.
     */
    public static <K, V> StoreBuilder<?> cachedStore(String name, Serde<K> keySerde, Serde<V> valueSerde) {
        return Stores.keyValueStoreBuilder(IndicatorStores.keyValue(name), keySerde, valueSerde).withCachingEnabled();
    }

    /** {@link #cachedStore} with string keys. */
    public static <V> StoreBuilder<?> cachedStore(String name, Serde<V> valueSerde) {
        return cachedStore(name, Serdes.String(), valueSerde);
    }
}
