package pl.krakow.pulse.indicators.bench;

import static org.awaitility.Awaitility.await;

import pl.krakow.pulse.runtime.streams.TopologyOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.runtime.streams.StreamsApplication;
import pl.krakow.pulse.indicators.Iv3EnvironmentTopology;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.testsupport.kafka.EmbeddedPlatform;

/**
 * Manual throughput probe (not a test: DESIGN §13 keeps timing out of tests): preloads N hourly PM10
 * values into the embedded broker, then times the indicators application from start until every value
 * has been processed. Run: {@code java -cp <test classpath> ...DailyMeanThroughput [events] [stations] [threads]}.
 */
public final class DailyMeanThroughput {

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int stations = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        String threads = args.length > 2 ? args[2] : "1";
        Duration emitInterval = Duration.ofMillis(args.length > 3 ? Long.parseLong(args[3]) : 0);
        Path dir = Files.createTempDirectory("indicators-bench");
        // provision() returns once every partition has its leader: the preload's idempotent producer must not race it.
        try (EmbeddedPlatform platform = EmbeddedPlatform.builder(dir, "bench")
                .config(PulseConfig.defaults().with(Map.of("streams.num.threads", threads))).start().provision(Topics.all())) {
            KafkaClients clients = platform.clients();
            PulseSerdes serdes = platform.serdes();
            Instant start = Instant.parse("2016-01-01T00:00:00Z");
            long t0 = System.nanoTime();
            java.util.concurrent.atomic.AtomicLong acked = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.atomic.AtomicLong failed = new java.util.concurrent.atomic.AtomicLong();
            try (KafkaProducer<String, AirQualityMeasurement> producer = new KafkaProducer<>(clients.producer("bench"),
                    new StringSerializer(), serdes.value(Topics.AIR_QUALITY).serializer())) {
                int hours = events / stations;
                for (int h = 0; h < hours; h++) {
                    Instant end = start.plusSeconds(3600L * (h + 1));
                    for (int s = 0; s < stations; s++) {
                        String station = "Station" + s;
                        producer.send(new ProducerRecord<>(Topics.AIR_QUALITY.name(), station,
                                AirQualityMeasurement.newBuilder().setEventId(station + end).setEventTime(end)
                                        .setFeed("bench").setSourceId("bench").setStationCode(station)
                                        .setPollutant(Pollutant.PM10).setConcentrationUgM3(20 + (h * 7 + s) % 50)
                                        .setAveragingPeriodSeconds(3600).setValidated(false).setIngestedAt(end).build()),
                                (md, e) -> (e == null ? acked : failed).incrementAndGet());
                    }
                }
            }
            System.out.printf("preloaded %d events (%d failed) in %d ms%n", acked.get(), failed.get(),
                    (System.nanoTime() - t0) / 1_000_000);
            long target = acked.get();
            PulseMetrics metrics = platform.metrics();
            try (StreamsApplication app = Iv3EnvironmentTopology.application(clients, serdes, IndicatorCatalog.bundled(),
                         ZoneId.of("Europe/Warsaw"), metrics, dir.resolve("state"),
                         TopologyOptions.defaults().withMeters(metrics.registry()).withEmitInterval(emitInterval))) {
                long t1 = System.nanoTime();
                app.start();
                // Every event but those of the last open days ends in a FINAL value; count processed input
                // with Kafka Streams' own per-task process counter.
                long[] lastReport = {System.nanoTime()};
                await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    double processed = metrics.registry().find("kafka.stream.thread.process.total").functionCounters().stream()
                            .mapToDouble(io.micrometer.core.instrument.FunctionCounter::count).sum();
                    if (System.nanoTime() - lastReport[0] > 5_000_000_000L) {
                        lastReport[0] = System.nanoTime();
                        System.out.printf("  %.0f processed after %d ms%n", processed, (lastReport[0] - t1) / 1_000_000);
                    }
                    return processed >= target;
                });
                long ms = (System.nanoTime() - t1) / 1_000_000;
                System.out.printf("processed %d events in %d ms (incl. start-up): %.0f events/s%n", target, ms, target * 1000.0 / ms);
            }
        }
    }
}
