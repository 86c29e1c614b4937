package pl.krakow.pulse.embedded;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's Kafka side: the single-partition compacted topic, an idempotent {@code acks=all} producer,
 * and a background reader that applies every record of the topic, in order, to a handler and tracks how far
 * it has read so a writer can wait until its own write has been applied.
 */
final class SchemasTopic implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SchemasTopic.class);

    private final String bootstrapServers;
    private final String topic;
    private final short replicationFactor;
    private final String clientId;
    private final BiConsumer<String, String> handler;
    private final Map<String, Object> clientProperties;
    private final TopicPartition partition;

    private final Object progress = new Object();
    private long consumedUpTo;          // the reader's position: every offset below it has been applied
    private Throwable readerFailure;

    private Admin admin;
    private KafkaProducer<String, String> producer;
    private KafkaConsumer<String, String> consumer;
    private Thread reader;
    private volatile boolean running;

    /**
     * @param clientProperties the operator's settings for every client (TLS, SASL), applied under the registry's own:
     *                         how to reach the cluster comes from the operator, how the topic is used stays ours
     */
    SchemasTopic(String bootstrapServers, String topic, short replicationFactor, String clientId,
                 BiConsumer<String, String> handler, Map<String, ?> clientProperties) {
        this.bootstrapServers = bootstrapServers;
        this.clientProperties = Map.copyOf(clientProperties);
        this.topic = topic;
        this.replicationFactor = replicationFactor;
        this.clientId = clientId;
        this.handler = handler;
        this.partition = new TopicPartition(topic, 0);
    }

    /** Creates the topic if missing, starts the reader and waits until it has read up to the end offset. */
    void start(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        admin = Admin.create(withClientProperties(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, clientId + "-admin",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis())));
        ensureTopic(timeout);
        Map<String, Object> producerConfig = new HashMap<>(clientProperties);
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-writer");
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // give up before the caller's timeout, so a write answered as failed is not delivered later
        producerConfig.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) (timeout.toMillis() / 3));
        producerConfig.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) (timeout.toMillis() * 2 / 3));
        producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis() / 3);
        producerConfig.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 4L * 1024 * 1024);
        producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producer = new KafkaProducer<>(producerConfig);
        consumer = new KafkaConsumer<>(withClientProperties(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-reader",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class)));
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        running = true;
        reader = new Thread(this::readLoop, clientId + "-reader");
        reader.setDaemon(true);
        reader.start();
        catchUp(timeout);
    }

    /** {@code own} over the operator's client properties. */
    private Map<String, Object> withClientProperties(Map<String, Object> own) {
        Map<String, Object> merged = new HashMap<>(clientProperties);
        merged.putAll(own);
        return merged;
    }

    /** Waits until the reader has applied everything the topic held when this was called. */
    void catchUp(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS).offset();
        awaitConsumed(end, timeout);
    }

    /** Writes one record and waits for the broker's acknowledgement; returns its offset. */
    long append(String key, String value, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        RecordMetadata metadata = producer.send(new ProducerRecord<>(topic, 0, key, value))
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return metadata.offset();
    }

    /** Waits until the reader's position is at least {@code offset} (every record below it applied). */
    void awaitConsumed(long offset, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (consumedUpTo < offset) {
                if (readerFailure != null) {
                    throw new IllegalStateException("The " + topic + " reader has stopped", readerFailure);
                }
                long waitMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (waitMillis <= 0) {
                    throw new TimeoutException("Reading " + topic + " up to offset " + offset + " took more than "
                            + timeout + " (at " + consumedUpTo + ")");
                }
                progress.wait(waitMillis);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (reader != null) {
            try {
                reader.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (consumer != null && reader == null) {
            closeQuietly(() -> consumer.close(CloseOptions.timeout(Duration.ofSeconds(5))));
        }
        if (producer != null) {
            closeQuietly(() -> producer.close(Duration.ofSeconds(5)));
        }
        if (admin != null) {
            closeQuietly(() -> admin.close(Duration.ofSeconds(5)));
        }
    }

    private void readLoop() {
        try {
            while (running) {
                ConsumerRecords<String, String> records;
                try {
                    records = consumer.poll(Duration.ofMillis(500));
                } catch (WakeupException e) {
                    continue;
                }
                for (ConsumerRecord<String, String> record : records) {
                    try {
                        handler.accept(record.key(), record.value());
                    } catch (RuntimeException e) {
                        LOG.warn("Skipping unreadable {} record at offset {} (key {}): {}", topic, record.offset(),
                                record.key(), e.toString());
                    }
                }
                long position;
                try {
                    position = consumer.position(partition, Duration.ofSeconds(5));
                } catch (WakeupException e) {
                    continue;
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    continue;
                }
                synchronized (progress) {
                    if (position > consumedUpTo) {
                        consumedUpTo = position;
                        progress.notifyAll();
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            if (running) {
                LOG.error("The {} reader failed; the registry will not see new schemas", topic, e);
            }
            synchronized (progress) {
                readerFailure = e;
                progress.notifyAll();
            }
        } finally {
            closeQuietly(() -> consumer.close(CloseOptions.timeout(Duration.ofSeconds(5))));
        }
    }

    private void ensureTopic(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        NewTopic newTopic = new NewTopic(topic, 1, replicationFactor)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        try {
            admin.createTopics(List.of(newTopic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Created the compacted schemas topic {} (replication factor {})", topic, replicationFactor);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        TopicDescription description = describeWhenVisible(timeout);
        if (description.partitions().size() != 1) {
            throw new IllegalStateException("The schemas topic " + topic + " must have exactly 1 partition, it has "
                    + description.partitions().size());
        }
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(resource);
        ConfigEntry policy = config == null ? null : config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
        if (policy == null || !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
            LOG.warn("The schemas topic {} is not compacted (cleanup.policy={}); old schemas may be deleted by retention",
                    topic, policy == null ? null : policy.value());
        }
    }

    /**
     * A topic just created may not be in the broker's metadata cache yet: describe answers
     * UNKNOWN_TOPIC_OR_PARTITION for a moment (seen on a loaded 2-core machine), so retry until the deadline.
     */
    private TopicDescription describeWhenVisible(Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static void closeQuietly(Runnable close) {
        try {
            close.run();
        } catch (RuntimeException e) {
            LOG.debug("Ignoring failure on close", e);
        }
    }
}
