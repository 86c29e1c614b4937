package pl.krakow.pulse.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import pl.krakow.pulse.ingest.EventSink;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.platform.topics.TopicProvisioner;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * Section 1, the ceiling: the broker moving our bytes and nothing else. One producer (the production
 * settings of {@code KafkaClients.producer}: idempotent, {@code acks=all}, lz4, 5 ms linger, 64 KiB batches)
 * sends N records while one {@code read_committed} consumer reads them concurrently from the same
 * broker; records/s = N ÷ (time of the last record consumed − time of the first send).
 *
 * <p>The records are real serialized {@code AirQualityMeasurement} events — produced by the real parser
 * from generated hours of the bundled data and serialized by the production Avro serde — cycled, with
 * their station-code keys, into a topic with the partitions and configs of {@code environment.air-quality.v1};
 * so size, compressibility and key distribution are those of the end-to-end run.
 */
final class RawBaseline {

    private RawBaseline() {
    }

    /** Key and value bytes of one real event. */
    record RawRecord(String key, byte[] value) {
    }

    static Section run(BenchContext ctx) throws Exception {
        List<RawRecord> pool = realEvents(ctx);
        double avgValueBytes = pool.stream().mapToInt(r -> r.value().length).average().orElse(0);
        TreeSet<String> keys = new TreeSet<>();
        pool.forEach(r -> keys.add(r.key()));
        long n = ctx.options.rawRecords();
        List<Double> rates = new ArrayList<>();
        for (int run = 0; run < ctx.options.runs("raw"); run++) {
            ctx.platform.resetTopics(List.of(BenchPlatform.RAW_TOPIC));
            double rate = once(ctx, pool, n);
            ctx.progress("raw baseline %s: %s records in %s records/s", ctx.runLabel("raw", run), BenchContext.count(n),
                    BenchContext.count(rate));
            if (!ctx.isWarmup("raw", run)) {
                rates.add(rate);
            }
        }
        ctx.platform.resetTopics(List.of(BenchPlatform.RAW_TOPIC));
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("warmup", ctx.warmupNote("raw"));
        params.put("records", n);
        params.put("valueBytesAvg", Math.round(avgValueBytes * 10) / 10.0);
        params.put("distinctRecords", pool.size());
        params.put("keys", new ArrayList<>(keys));
        params.put("partitions", TopicProvisioner.partitionsOf(BenchPlatform.RAW_TOPIC, ctx.platform.partitions()));
        params.put("producer", "KafkaClients.producer: idempotent, acks=all, lz4, linger.ms=5, batch.size=64KiB");
        params.put("consumer", "KafkaClients.consumer: read_committed, no group (assigned partitions)");
        return new Section("raw", "raw baseline", params, List.of(Figure.of("records/s", "records/s", rates)),
                List.of(String.format(java.util.Locale.ROOT, "%s real serialized air-quality events (%.0f B values on average, "
                        + "%d station keys) cycled through a %d-partition topic", BenchContext.count(pool.size()), avgValueBytes,
                        keys.size(), TopicProvisioner.partitionsOf(BenchPlatform.RAW_TOPIC, ctx.platform.partitions()))));
    }

    private static double once(BenchContext ctx, List<RawRecord> pool, long n) throws Exception {
        String topic = BenchPlatform.RAW_TOPIC.name();
        AtomicLong lastConsumedNanos = new AtomicLong();
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(ctx.platform.clients().consumer("bench-raw-consumer", null),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        partitions.forEach(p -> consumer.position(p, Duration.ofSeconds(30)));
        long deadline = System.nanoTime() + ctx.options.timeout().toNanos();
        Thread reader = new Thread(() -> {
            long seen = 0;
            try {
                while (seen < n && System.nanoTime() < deadline) {
                    int got = consumer.poll(Duration.ofMillis(100)).count();
                    if (got > 0) {
                        seen += got;
                        lastConsumedNanos.set(System.nanoTime());
                    }
                }
            } finally {
                consumer.close(Duration.ofSeconds(5));
            }
        }, "bench-raw-consumer");
        reader.start();
        long firstSend;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(ctx.platform.clients().producer("bench-raw-producer"),
                new StringSerializer(), new ByteArraySerializer())) {
            int size = pool.size();
            firstSend = System.nanoTime();
            for (long i = 0; i < n; i++) {
                RawRecord r = pool.get((int) (i % size));
                producer.send(new ProducerRecord<>(topic, r.key(), r.value()));
            }
            producer.flush();
        }
        reader.join(ctx.options.timeout().toMillis() + 10_000);
        long last = lastConsumedNanos.get();
        if (last == 0 || System.nanoTime() > deadline) {
            throw new IllegalStateException("raw baseline: not all " + n + " records consumed within " + ctx.options.timeout());
        }
        return n * 1e9 / (last - firstSend);
    }

    /** One quarter of generated hours through the real parser, each accepted event serialized by the production serde. */
    static List<RawRecord> realEvents(BenchContext ctx) {
        HourlyWorkload workload = new HourlyWorkload(ctx.series, ctx.historyStart());
        @SuppressWarnings("unchecked")
        Serializer<SpecificRecord> serializer = (Serializer<SpecificRecord>) (Serializer<?>) ctx.platform.serdes()
                .value(Topics.AIR_QUALITY).serializer();
        List<RawRecord> pool = new ArrayList<>();
        EventSink collect = new EventSink() {
            @Override
            public void accept(ParseOutcome.Accepted<?> event) {
                pool.add(new RawRecord(event.key(), serializer.serialize(event.topic().name(), event.value())));
            }

            @Override
            public void reject(ParseOutcome.Rejected rejection) {
                throw new IllegalStateException("the real parser rejected generated data: " + rejection);
            }

            @Override
            public void flush() {
            }

            @Override
            public long sendFailures() {
                return 0;
            }
        };
        try (PulseMetrics metrics = new PulseMetrics("pulse-bench")) {
            FeedParser parser = ctx.newParser(metrics);
            BenchContext.ingest(parser, collect, new CsvFeed(workload, 0, ctx.series.rows()), "bench-raw.csv");
        }
        return pool;
    }
}
