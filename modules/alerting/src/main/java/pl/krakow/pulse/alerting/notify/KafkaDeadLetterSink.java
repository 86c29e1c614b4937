package pl.krakow.pulse.alerting.notify;

import java.time.Clock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.events.ingest.RejectedRecord;
import pl.krakow.pulse.platform.config.SecretMask;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.RejectedRecords;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * Dead letters of the notifiers on {@code ingest.rejected.v1} (the project's DLQ): a
 * {@link RejectedRecord} with feed {@code alerting-<notifier>}, reason code {@value #REASON_CODE}, the
 * target (the URL with its secrets masked, {@link SecretMask}), the reason and the JSON body as payload
 * (cut to {@code dead.letter.payload.max.bytes}, with its length and SHA-256: {@link RejectedRecords}).
 * Sent synchronously, so the notifier commits the alert's offset only once the dead letter is stored.
 */
public final class KafkaDeadLetterSink implements DeadLetterSink, AutoCloseable {

    public static final String REASON_CODE = "NOTIFICATION_FAILED";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaDeadLetterSink.class);

    private final KafkaProducer<String, RejectedRecord> producer;
    private final Clock clock;
    private final RejectedRecords records;

    public KafkaDeadLetterSink(KafkaClients clients, PulseSerdes serdes, String clientId, Clock clock) {
        this.producer = new KafkaProducer<>(clients.producer(clientId), serdes.key().serializer(),
                serdes.value(Topics.REJECTED).serializer());
        this.clock = clock;
        this.records = RejectedRecords.from(clients.config());
    }

    @Override
    public void deadLetter(String notifier, String target, byte[] body, String reason) {
        String feed = "alerting-" + notifier;
        RejectedRecord r = records.rejected(feed, target, REASON_CODE, reason, null, "application/json", body, clock.instant());
        try {
            producer.send(new ProducerRecord<>(Topics.REJECTED.name(), feed, r)).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.error("cannot write the dead letter of {} for {}: {}", notifier, target, e.toString());
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
