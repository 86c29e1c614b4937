package pl.krakow.pulse.alerting;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import pl.krakow.pulse.alerting.missing.HeartbeatProcessor;
import pl.krakow.pulse.alerting.missing.MissingDataProcessor;
import pl.krakow.pulse.alerting.missing.MissingDataSpec;
import pl.krakow.pulse.alerting.missing.SilenceState;
import pl.krakow.pulse.alerting.rules.AlertRules;
import pl.krakow.pulse.alerting.threshold.SeriesState;
import pl.krakow.pulse.alerting.threshold.ThresholdAlertProcessor;
import pl.krakow.pulse.events.alerts.Alert;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.runtime.streams.StreamsApplication;

/**
 * The alerting topology (no I/O; {@link #application} runs it as its own Kafka Streams application):
 * <pre>
 * indicators.iv3/iv4/iv5.v1 ─► alerting-indicators-with-rules ─► alerting-by-series-rekey (indicator|scope)
 *    ─► repartition alerting-by-series ─► alerting-threshold-processor ─► alerting-threshold-sink (alerts.v1)
 *       store alerting-threshold-by-series: per series, the state of each rule family + held FINAL values
 * &lt;event topic&gt; ─► alerting-missing-data-&lt;topic&gt;-heartbeat (throttled) ─┐
 *                                                            merge ─► repartition alerting-missing-data-heartbeats
 *    ─► alerting-missing-data-processor ─► alerting-missing-data-sink (alerts.v1)
 *       store alerting-missing-data-last-seen: per source, last heartbeat and open alert
 * </pre>
 * Only values of indicators with at least one rule cross the repartition topic.
 */
public final class AlertingTopology {

    public static final String APPLICATION_SUFFIX = "alerting";

    public static final String THRESHOLD_STORE = "alerting-threshold-by-series";
    public static final String MISSING_DATA_STORE = "alerting-missing-data-last-seen";

    /** Clock, timings and meters; {@link #defaults()} suits production. */
    public record Options(Clock clock, Duration reorderWait, Duration punctuationInterval, Duration missingDataCheckInterval,
                          MeterRegistry meters) {

        public static Options defaults() {
            return new Options(Clock.systemUTC(), Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(30),
                    new SimpleMeterRegistry());
        }

        public Options withClock(Clock c) {
            return new Options(c, reorderWait, punctuationInterval, missingDataCheckInterval, meters);
        }

        public Options withReorderWait(Duration d) {
            return new Options(clock, d, punctuationInterval, missingDataCheckInterval, meters);
        }

        public Options withPunctuationInterval(Duration d) {
            return new Options(clock, reorderWait, d, missingDataCheckInterval, meters);
        }

        public Options withMissingDataCheckInterval(Duration d) {
            return new Options(clock, reorderWait, punctuationInterval, d, meters);
        }

        public Options withMeters(MeterRegistry m) {
            return new Options(clock, reorderWait, punctuationInterval, missingDataCheckInterval, m);
        }
    }

    private AlertingTopology() {
    }

    /**
     * The alerting application {@code <prefix>-alerting}, run by the same machinery as every goal's
     * indicators application ({@link StreamsApplication}: exactly-once v2, explicit names, dead-letter
     * handling — bad input counted, written to {@code ingest.rejected.v1}, processing continues). Its own
     * application id, so its failure, rebalance or restore never holds up an indicator table. Not started.
     */
    public static StreamsApplication application(KafkaClients clients, PulseSerdes serdes, PulseMetrics metrics, Path stateDir,
                                                 AlertRules rules, MissingDataSpec missing, Options options) {
        return new StreamsApplication(clients, serdes, metrics, stateDir, APPLICATION_SUFFIX, options.meters(), options.clock(),
                builder -> build(builder, serdes, rules, missing, options));
    }

    public static StreamsBuilder build(StreamsBuilder builder, PulseSerdes serdes, AlertRules rules, MissingDataSpec missing,
                                       Options options) {
        Serde<IndicatorValue> indicatorSerde = serdes.value(Topics.INDICATORS_IV3);
        Serde<Alert> alertSerde = serdes.value(Topics.ALERTS);
        Set<String> withRules = rules.indicatorsWithRules();

        StoreBuilder<KeyValueStore<String, SeriesState>> thresholdStore = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(THRESHOLD_STORE), serdes.key(), JsonSerde.of(SeriesState.class));
        builder.stream(List.of(Topics.INDICATORS_IV3.name(), Topics.INDICATORS_IV4.name(), Topics.INDICATORS_IV5.name()),
                        Consumed.with(serdes.key(), indicatorSerde).withName("alerting-indicators-source"))
                .filter((k, v) -> v != null && withRules.contains(v.getIndicatorId()), Named.as("alerting-indicators-with-rules"))
                .selectKey((k, v) -> v.getIndicatorId() + "|" + v.getScope(), Named.as("alerting-by-series-rekey"))
                .repartition(Repartitioned.with(serdes.key(), indicatorSerde).withName("alerting-by-series"))
                .process(supplier(thresholdStore, () -> new ThresholdAlertProcessor(THRESHOLD_STORE, rules, options.clock(),
                                options.reorderWait(), options.punctuationInterval(), options.meters())),
                        Named.as("alerting-threshold-processor"))
                .to(Topics.ALERTS.name(), Produced.with(serdes.key(), alertSerde).withName("alerting-threshold-sink"));

        if (missing.entries().isEmpty()) {
            return builder;
        }
        KStream<String, Long> heartbeats = null;
        for (MissingDataSpec.Entry entry : missing.entries()) {
            String name = "alerting-missing-data-" + entry.topic().replaceAll("[^A-Za-z0-9]+", "-").toLowerCase(Locale.ROOT);
            // A beat at least four times per silence duration, at most every 30 s.
            long throttleMs = Math.min(30_000L, entry.silentAfter().toMillis() / 4);
            KStream<String, Long> beats = builder.stream(entry.topic(),
                            Consumed.with(serdes.key(), Serdes.ByteArray()).withName(name + "-source"))
                    .process(() -> new HeartbeatProcessor(entry, options.clock(), throttleMs), Named.as(name + "-heartbeat"));
            heartbeats = heartbeats == null ? beats : heartbeats.merge(beats, Named.as(name + "-merge"));
        }
        StoreBuilder<KeyValueStore<String, SilenceState>> silenceStore = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(MISSING_DATA_STORE), serdes.key(), JsonSerde.of(SilenceState.class));
        heartbeats.repartition(Repartitioned.with(serdes.key(), Serdes.Long()).withName("alerting-missing-data-heartbeats"))
                .process(supplier(silenceStore, () -> new MissingDataProcessor(MISSING_DATA_STORE, missing, options.clock(),
                                options.missingDataCheckInterval(), options.meters())),
                        Named.as("alerting-missing-data-processor"))
                .to(Topics.ALERTS.name(), Produced.with(serdes.key(), alertSerde).withName("alerting-missing-data-sink"));
        return builder;
    }

    private static <KIn, VIn> ProcessorSupplier<KIn, VIn, String, Alert> supplier(StoreBuilder<?> store,
                                                                                  java.util.function.Supplier<Processor<KIn, VIn, String, Alert>> factory) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<KIn, VIn, String, Alert> get() {
                return factory.get();
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(store);
            }
        };
    }
}
