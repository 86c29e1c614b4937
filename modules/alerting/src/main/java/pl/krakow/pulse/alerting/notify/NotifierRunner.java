package pl.krakow.pulse.alerting.notify;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.events.alerts.Alert;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.runtime.service.Service;

/**
 * Feeds one {@link AlertNotifier} from {@code alerts.v1} on its own thread and consumer group
 * ({@code <prefix>-alerting-notify-<name>}), outside the Streams application, so notifying never blocks
 * alerting and one slow notifier never delays another.
 *
 * <p>Delivery is at-least-once with a stable idempotency key per record
 * ({@code alerts.v1-<partition>-<offset>}): the offset is committed after each record is delivered or
 * dead-lettered, so a crash redelivers at most the record in flight, with the same key. Reads are
 * {@code read_committed}: alerts from aborted Streams transactions are never notified. A record that
 * cannot be decoded is skipped and logged.
 */
public final class NotifierRunner implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(NotifierRunner.class);

    private final KafkaConsumer<String, Alert> consumer;
    private final AlertNotifier notifier;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean started;
    private boolean closed;

    public NotifierRunner(KafkaClients clients, PulseSerdes serdes, String groupId, AlertNotifier notifier, Duration worstDelivery) {
        this.notifier = notifier;
        Map<String, Object> props = clients.consumer(groupId, groupId);
        // Delivering one record may take the whole retry budget; the group must not evict us meanwhile.
        long maxPollMs = Math.max(300_000L, worstDelivery.toMillis() * 2 + 60_000L);
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, maxPollMs));
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        this.consumer = new KafkaConsumer<>(props, serdes.key().deserializer(), serdes.value(Topics.ALERTS).deserializer());
        this.thread = new Thread(this::run, "pulse-notifier-" + notifier.name());
        this.thread.setDaemon(true);
    }

    @Override
    public void start() {
        started = true;
        thread.start();
    }

    /** The notifier's name, e.g. {@code log}, {@code webhook-1}. */
    @Override
    public String name() {
        return notifier.name();
    }

    public boolean isAlive() {
        return thread.isAlive();
    }

    /** While its thread lives. */
    @Override
    public boolean isReady() {
        return isAlive();
    }

    /** DOWN once its thread died without a close (an error it does not recover from). */
    @Override
    public Health health() {
        return started && running && !isAlive() ? Health.DOWN : Health.UP;
    }

    @Override
    public String status() {
        return isAlive() ? "running" : "stopped";
    }

    public static String idempotencyKey(ConsumerRecord<?, ?> r) {
        return r.topic() + "-" + r.partition() + "-" + r.offset();
    }

    private void run() {
        LOG.info("notifier {} started", notifier.name());
        try {
            consumer.subscribe(List.of(Topics.ALERTS.name()));
            while (running) {
                try {
                    for (ConsumerRecord<String, Alert> r : consumer.poll(Duration.ofMillis(500))) {
                        if (r.value() != null) {
                            notifier.deliver(idempotencyKey(r), r.value());
                        }
                        consumer.commitSync(Map.of(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1)));
                    }
                } catch (RecordDeserializationException e) {
                    LOG.warn("notifier {} skips undecodable alert {}-{}@{}: {}", notifier.name(), e.topicPartition().topic(),
                            e.topicPartition().partition(), e.offset(), e.getMessage());
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                }
            }
        } catch (WakeupException | InterruptException | InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("notifier {} stops", notifier.name(), e);
        } finally {
            Thread.interrupted(); // close() interrupts a sleeping retry; the consumer must still close cleanly
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (InterruptException e) {
                LOG.debug("notifier {}: consumer close interrupted", notifier.name(), e);
            }
            LOG.info("notifier {} stopped", notifier.name());
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        if (!started) {
            consumer.close(Duration.ZERO);
            return;
        }
        consumer.wakeup();
        try {
            // A poll ends on the wakeup; only a delivery sleeping between retries needs an interrupt. Interrupting
            // at once could hit the consumer's own close (leave group, close fetch sessions) and log errors.
            thread.join(2_000);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(10_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
