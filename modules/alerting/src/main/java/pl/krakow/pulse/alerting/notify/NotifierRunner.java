package pl.krakow.pulse.alerting.notify;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
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
 *
 * <p><b>Where a notifier starts.</b> A group with a committed position continues from it, whatever the start mode.
 * A group without any (a notifier never run before) starts as its {@link StartAt} says: {@link StartAt#EARLIEST}
 * reads {@code alerts.v1} from the beginning; {@link StartAt#PRESENT} (webhooks: a new receiver must not get up to
 * 400 days of history) starts at the end offsets read in {@link #start()}, so every alert committed after
 * {@code start()} returned is delivered, exactly as for an old webhook, and none before. That starting position is
 * committed at once, so a restart before the first alert neither skips what came meanwhile nor replays history.
 * A partition without an end offset from {@code start()} (added later) is read from its beginning: all of it is new.
 * In a group that has committed on some partition, a partition without an offset is read from the beginning.
 */
public final class NotifierRunner implements Service {

    /** Where a notifier whose consumer group has no committed position starts. */
    public enum StartAt {
        /** The beginning of {@code alerts.v1} (what is retained). */
        EARLIEST,
        /** The end of {@code alerts.v1} when {@link #start()} ran: only alerts after that. */
        PRESENT
    }

    private static final Logger LOG = LoggerFactory.getLogger(NotifierRunner.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaConsumer<String, Alert> consumer;
    private final AlertNotifier notifier;
    private final StartAt startAt;
    private final Thread thread;
    /** End offsets read by start() for {@link StartAt#PRESENT}; read by the notifier thread after it started. */
    private volatile Map<TopicPartition, Long> present = Map.of();
    private volatile boolean running = true;
    private volatile boolean started;
    private boolean closed;

    public NotifierRunner(KafkaClients clients, PulseSerdes serdes, String groupId, AlertNotifier notifier, Duration worstDelivery) {
        this(clients, serdes, groupId, notifier, worstDelivery, StartAt.EARLIEST);
    }

    public NotifierRunner(KafkaClients clients, PulseSerdes serdes, String groupId, AlertNotifier notifier, Duration worstDelivery,
                          StartAt startAt) {
        this.notifier = notifier;
        this.startAt = startAt;
        Map<String, Object> props = clients.consumer(groupId, groupId);
        // Delivering one record may take the whole retry budget; the group must not evict us meanwhile.
        long maxPollMs = Math.max(300_000L, worstDelivery.toMillis() * 2 + 60_000L);
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, maxPollMs));
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        this.consumer = new KafkaConsumer<>(props, serdes.key().deserializer(), serdes.value(Topics.ALERTS).deserializer());
        this.thread = new Thread(this::run, "pulse-notifier-" + notifier.name());
        this.thread.setDaemon(true);
    }

    /** For {@link StartAt#PRESENT}, reads the end offsets of {@code alerts.v1} first (the present); then starts the thread. */
    @Override
    public void start() {
        if (startAt == StartAt.PRESENT) {
            // Here, not on the thread: "the present" must be when start() ran, before the caller produces anything more.
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.ALERTS.name(), START_TIMEOUT).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            present = Map.copyOf(consumer.endOffsets(partitions, START_TIMEOUT));
        }
        started = true;
        thread.start();
    }

    /**
     * For a group with no committed offset on any partition (a new notifier), positions the assigned partitions at the
     * present and commits that position. A group that has committed anywhere is an existing notifier: a partition it
     * has no offset for (no alert ever arrived there) is read from the beginning, as before, so nothing it missed
     * while down is skipped.
     */
    private void startUncommitted(Collection<TopicPartition> assigned) {
        if (startAt != StartAt.PRESENT || assigned.isEmpty()) {
            return;
        }
        Set<TopicPartition> all = new HashSet<>(present.keySet());
        all.addAll(assigned);
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(all);
        if (committed.values().stream().anyMatch(Objects::nonNull)) {
            return; // an existing group: the committed positions (and earliest where none) apply
        }
        Map<TopicPartition, OffsetAndMetadata> starts = new HashMap<>();
        for (TopicPartition p : assigned) {
            long offset = present.getOrDefault(p, 0L);
            consumer.seek(p, offset);
            starts.put(p, new OffsetAndMetadata(offset));
        }
        consumer.commitSync(starts);
        LOG.info("notifier {} is new: starts at the present of alerts.v1 (partition@offset {}); earlier alerts are not sent",
                notifier.name(), starts.entrySet().stream().map(e -> e.getKey().partition() + "@" + e.getValue().offset()).sorted().toList());
    }

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
            consumer.subscribe(List.of(Topics.ALERTS.name()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    // offsets are committed after every record; nothing is pending
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    startUncommitted(partitions);
                }
            });
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
