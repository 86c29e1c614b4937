package pl.krakow.pulse.testsupport.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.runtime.replica.RestartBackoff;
import pl.krakow.pulse.runtime.replica.TopicReplica;

/**
 * Everything written to a topic, accumulated while a test runs: a background {@link TopicReplica} reads committed
 * records from the beginning of every partition (per partition, in the order written); the public lists change
 * only in {@link #poll()}, {@link #catchUp()} and {@link #readToEnd()}, on the caller's thread. For tests that keep
 * reading while the application writes (inside an awaitility condition); {@link TopicReader} is the one-shot read.
 */
public class TableReader<V extends SpecificRecord> implements AutoCloseable {

    public final List<String> keys = new ArrayList<>();
    public final List<V> records = new ArrayList<>();
    /** What the replica read and the caller has not taken in yet. Guarded by itself. */
    private final List<ConsumerRecord<String, V>> arrived = new ArrayList<>();
    private final TopicReplica<String, V> replica;

    public TableReader(EmbeddedPlatform platform, TopicSpec<V> topic) {
        this(platform.clients(), platform.serdes(), topic);
    }

    public TableReader(KafkaClients clients, PulseSerdes serdes, TopicSpec<V> topic) {
        String name = "table-reader-" + topic.name() + "-" + System.nanoTime();
        replica = TopicReplica.builder(name, clients.consumer(name, null), List.of(topic.name()),
                        serdes.key().deserializer(), serdes.value(topic).deserializer())
                .listener(r -> {
                    synchronized (arrived) {
                        arrived.add(r);
                    }
                })
                .restartBackoff(RestartBackoff.none())
                .pollTimeout(Duration.ofMillis(50))
                .build();
        replica.start();
    }

    /** Takes in what is committed now, as far as it is read within 200 ms; returns this (for polling loops). */
    public TableReader<V> poll() {
        awaitCaughtUp(Duration.ofMillis(200));
        return takeIn();
    }

    /** Takes in everything committed to the topic when called; fails if it cannot be read within 30 s. */
    public TableReader<V> catchUp() {
        if (!awaitCaughtUp(TopicReader.TIMEOUT)) {
            throw new AssertionError("could not read the topic to its end offsets within " + TopicReader.TIMEOUT);
        }
        return takeIn();
    }

    /** As {@link #catchUp()}: the name the indicators ITs read best ("read to the end offsets of now"). */
    public TableReader<V> readToEnd() {
        return catchUp();
    }

    private boolean awaitCaughtUp(Duration timeout) {
        try {
            return replica.awaitCaughtUp(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while reading the topic", e);
        }
    }

    private TableReader<V> takeIn() {
        if (replica.failure() != null) {
            throw new AssertionError("table reader failed: " + replica.failure(), replica.failure());
        }
        synchronized (arrived) {
            for (ConsumerRecord<String, V> r : arrived) {
                keys.add(r.key());
                records.add(r.value());
            }
            arrived.clear();
        }
        return this;
    }

    /** The latest record per key, keys sorted. */
    public Map<String, V> latest() {
        Map<String, V> out = new TreeMap<>();
        for (int i = 0; i < keys.size(); i++) {
            out.put(keys.get(i), records.get(i));
        }
        return out;
    }

    @Override
    public void close() {
        replica.close();
    }
}
