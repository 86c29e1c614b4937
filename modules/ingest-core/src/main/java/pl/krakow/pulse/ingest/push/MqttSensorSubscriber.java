package pl.krakow.pulse.ingest.push;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.runtime.service.Service;
import pl.krakow.pulse.ingest.EventSink;
import pl.krakow.pulse.ingest.NotAcknowledgedException;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReasonCode;

/**
 * Subscribes to the sensors' MQTT topics — one topic per sensor, matched by a filter with one
 * single-level wildcard, e.g. {@code pulse/sensors/+/readings} — and hands every message to a
 * {@link PushParser} and its outcomes to an {@link EventSink}.
 *
 * <p>Contract:
 * <ul>
 *   <li>The topic level matched by {@code +} is the <b>sensor id</b>, passed to the parser as the
 *       channel's sensor id (a payload naming another sensor is refused by the parser). A filter
 *       without {@code +} passes no sensor id.</li>
 *   <li>Source id of every outcome = the MQTT topic (an array payload: {@code <topic>[index]}); a bad
 *       payload goes to the dead-letter queue like any rejection.</li>
 *   <li>A payload longer than {@code maxMessageBytes} is not parsed: it becomes one
 *       {@link ReasonCode#TOO_LARGE} rejection (dead letter with the cut payload, its length and SHA-256;
 *       counted in {@code pulse.ingest.rejected} and {@link #tooLargeMessages()}), never dropped silently. A broker
 *       refuses larger messages itself (the embedded one at twice this limit) by closing the publisher's
 *       connection, which MQTT 3.1.1 offers no other answer for.</li>
 *   <li><b>PUBACK means durable</b>: acknowledgements are manual. A QoS 1 message is acknowledged to the
 *       broker only once Kafka acknowledged every record it produced ({@link EventSink#publishAll}, bounded
 *       by the sink's wait, {@code ingest.push.ack.timeout}); one at a time, so PUBACKs keep the order of
 *       the messages. When they are not acknowledged, the message is <em>not</em> acknowledged either:
 *       the parser forgets the ids of its events ({@link PushParser#notStored}), the failure is counted
 *       ({@link #unacknowledgedMessages()}), and the client drops its connection and reconnects
 *       {@value #REDELIVERY_DELAY_MS} ms later, which makes the broker redeliver every unacknowledged
 *       message of the session (MQTT 3.1.1 §4.4) — again and again until Kafka takes them.</li>
 *   <li>A message is never allowed to end the subscription: whatever the parser throws is logged,
 *       counted ({@link #failedMessages()}) and the message acknowledged (redelivering a message the
 *       parser cannot handle would loop forever); the callback returns normally (Paho disconnects a
 *       client whose callback throws).</li>
 *   <li>Persistent session ({@code cleanSession=false}, so the client id must be stable and unique): the
 *       broker keeps the subscription and queues QoS 1 messages while the client is disconnected, and
 *       redelivers the unacknowledged ones on reconnect. Automatic reconnect; the subscription is renewed
 *       on every reconnect. A broker without persistence (the embedded one) loses its sessions when
 *       it restarts.</li>
 * </ul>
 * Logs one line per connect, loss and close, never per message.
 *
 * <p>A {@link Service} named {@code sensor-mqtt}: ready while connected (false while Paho reconnects),
 * always UP since it reconnects by itself.
 */
public final class MqttSensorSubscriber implements Service {

    /** The default topic filter: {@code pulse/sensors/<sensorId>/readings}. */
    public static final String DEFAULT_TOPIC_FILTER = "pulse/sensors/+/readings";

    private static final Logger LOG = LoggerFactory.getLogger(MqttSensorSubscriber.class);
    private static final long TIMEOUT_MS = 10_000;
    private static final int START_ATTEMPTS = 3;
    /** The pause before reconnecting to have unacknowledged messages redelivered: a failing Kafka gets a breath. */
    static final long REDELIVERY_DELAY_MS = 1000;
    /** The longest a message waits for its acknowledgement should a sink not bound it (the producer default is 120 s). */
    private static final long MAX_ACK_WAIT_MS = 180_000;

    /** The default payload limit: the HTTP push body limit, so a batch that may be posted may also be published. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = (int) SensorPushServer.DEFAULT_MAX_BODY_BYTES;

    private final String serverUri;
    private final String topicFilter;
    private final int qos;
    private final int sensorLevel;
    private final PushParser parser;
    private final EventSink sink;
    private final String clientId;
    private final int maxMessageBytes;
    private volatile MqttAsyncClient client;
    private final MqttConnectOptions options;
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong tooLarge = new AtomicLong();
    private final AtomicLong unacknowledged = new AtomicLong();
    private final AtomicBoolean redeliveryScheduled = new AtomicBoolean();
    private final ScheduledExecutorService redelivery;
    private volatile boolean closed;

    /**
     * Creates the subscriber; {@link #start()} connects.
     *
     * @param serverUri   e.g. {@code tcp://127.0.0.1:1883}
     * @param clientId    the MQTT client id (unique per broker)
     * @param topicFilter e.g. {@link #DEFAULT_TOPIC_FILTER}; at most one {@code +} level, no {@code #}
     *                    when a sensor id is to be taken from the topic
     * @param qos         0 or 1 (2 is accepted but gains nothing: events are de-duplicated by id)
     * @param username    null for an anonymous connection
     * @param password    the password of {@code username}, or null
     */
    public MqttSensorSubscriber(String serverUri, String clientId, String topicFilter, int qos,
                                String username, String password, PushParser parser, EventSink sink) {
        this(serverUri, clientId, topicFilter, qos, username, password, parser, sink, DEFAULT_MAX_MESSAGE_BYTES);
    }

    /**
     * As above, with a payload limit other than {@link #DEFAULT_MAX_MESSAGE_BYTES}.
     *
     * @param maxMessageBytes payloads longer than this are dead-lettered as {@link ReasonCode#TOO_LARGE} unparsed
     */
    public MqttSensorSubscriber(String serverUri, String clientId, String topicFilter, int qos, String username,
                                String password, PushParser parser, EventSink sink, int maxMessageBytes) {
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("maxMessageBytes must be positive: " + maxMessageBytes);
        }
        this.maxMessageBytes = maxMessageBytes;
        this.serverUri = Objects.requireNonNull(serverUri, "serverUri");
        this.topicFilter = Objects.requireNonNull(topicFilter, "topicFilter");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2: " + qos);
        }
        this.qos = qos;
        this.sensorLevel = sensorLevel(topicFilter);
        this.parser = Objects.requireNonNull(parser, "parser");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.client = newClient();
        this.options = new MqttConnectOptions();
        options.setAutomaticReconnect(true);
        options.setCleanSession(false);
        options.setMaxReconnectDelay(30_000);
        options.setConnectionTimeout(10);
        options.setKeepAliveInterval(30);
        if (username != null) {
            options.setUserName(username);
            options.setPassword(password == null ? new char[0] : password.toCharArray());
        }
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "mqtt-redelivery-" + clientId);
            t.setDaemon(true);
            return t;
        });
        this.redelivery = timer;
    }

    private MqttAsyncClient newClient() {
        try {
            MqttAsyncClient created = new MqttAsyncClient(serverUri, clientId, new MemoryPersistence());
            created.setManualAcks(true);
            created.setCallback(new Callback());
            return created;
        } catch (MqttException e) {
            throw new IllegalArgumentException("cannot create an MQTT client for " + serverUri + ": " + e.getMessage(), e);
        }
    }

    /**
     * Connects and subscribes, waiting up to 10 s for each. A connection lost or refused on the way is
     * tried again with a fresh client, {@value #START_ATTEMPTS} times in all, 1 s then 2 s apart (a broker
     * still starting, or one that drops a connection under load, should not end the ingest); throws when
     * the broker cannot be reached after that or refuses the subscription.
     */
    @Override
    public void start() {
        for (int attempt = 1; ; attempt++) {
            try {
                connectAndSubscribe();
                LOG.info("Subscribed to MQTT {} at {}", topicFilter, serverUri);
                return;
            } catch (MqttException e) {
                if (attempt >= START_ATTEMPTS || closed) {
                    throw new IllegalStateException("cannot subscribe to " + topicFilter + " at " + serverUri
                            + " after " + attempt + " attempts: " + e.getMessage(), e);
                }
                LOG.warn("Subscribing to MQTT {} at {} failed (attempt {} of {}): {}; trying again with a new connection",
                        topicFilter, serverUri, attempt, START_ATTEMPTS, e.getMessage());
                discard(client);
                sleep(1000L << (attempt - 1));
                client = newClient();
            }
        }
    }

    private void connectAndSubscribe() throws MqttException {
        client.connect(options).waitForCompletion(TIMEOUT_MS);
        IMqttToken sub = client.subscribe(topicFilter, qos);
        sub.waitForCompletion(TIMEOUT_MS);
        int[] granted = sub.getGrantedQos();
        if (granted != null && granted.length > 0 && granted[0] == 0x80) {
            throw new IllegalStateException("the broker refused the subscription to " + topicFilter);
        }
    }

    private static void discard(MqttAsyncClient failed) {
        try {
            failed.disconnectForcibly(0, 1000, false);
        } catch (MqttException e) {
            LOG.debug("forced MQTT disconnect: {}", e.toString());
        }
        try {
            failed.close(true);
        } catch (MqttException e) {
            LOG.debug("MQTT client close: {}", e.toString());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while subscribing to MQTT", e);
        }
    }

    public boolean isConnected() {
        return client.isConnected();
    }

    @Override
    public String name() {
        return "sensor-mqtt";
    }

    /** {@link #isConnected()}. */
    @Override
    public boolean isReady() {
        return isConnected();
    }

    @Override
    public String status() {
        return (isConnected() ? "connected to " : "not connected to ") + serverUri + ", " + messages.get() + " messages";
    }

    /** Messages received since start. */
    public long messages() {
        return messages.get();
    }

    /** Messages refused unparsed because their payload exceeded the limit (each one a {@code TOO_LARGE} dead letter). */
    public long tooLargeMessages() {
        return tooLarge.get();
    }

    /** Messages whose handling threw (parser bug); acknowledged, their records may be lost. */
    public long failedMessages() {
        return failed.get();
    }

    /** Deliveries not acknowledged because Kafka did not acknowledge their records (each redelivery counts again). */
    public long unacknowledgedMessages() {
        return unacknowledged.get();
    }

    /** The sensor id the topic names under {@code topicFilter}, or null. */
    public String sensorIdOf(String topic) {
        if (sensorLevel < 0) {
            return null;
        }
        String[] levels = topic.split("/", -1);
        return sensorLevel < levels.length && !levels[sensorLevel].isEmpty() ? levels[sensorLevel] : null;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        redelivery.shutdownNow();
        try {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(TIMEOUT_MS);
            }
        } catch (MqttException e) {
            LOG.warn("MQTT disconnect from {} failed: {}", serverUri, e.toString());
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.warn("MQTT client close failed: {}", e.toString());
        }
        LOG.info("MQTT subscription to {} closed after {} messages", topicFilter, messages.get());
    }

    private void handle(String topic, MqttMessage message) {
        messages.incrementAndGet();
        List<ParseOutcome> outcomes;
        try {
            byte[] payload = message.getPayload();
            outcomes = payload.length <= maxMessageBytes ? parser.parse(payload, topic, sensorIdOf(topic))
                    : List.of(tooLarge(payload, topic));
        } catch (RuntimeException e) {
            // Never rethrown: Paho would drop the connection and, with it, every other sensor.
            if (failed.incrementAndGet() == 1 || failed.get() % 1000 == 0) {
                LOG.warn("Handling MQTT messages fails ({} so far), latest on {}: {}", failed.get(), topic, e.toString());
            }
            acknowledge(message);
            return;
        }
        if (awaitAcknowledgement(outcomes, topic)) {
            acknowledge(message);
        } else {
            redeliverLater();
        }
    }

    /** Whether Kafka acknowledged every record; when not, the parser forgets the events so the redelivery is accepted. */
    private boolean awaitAcknowledgement(List<ParseOutcome> outcomes, String topic) {
        Throwable error;
        try {
            sink.publishAll(outcomes).get(MAX_ACK_WAIT_MS, TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            error = e.getCause();
        } catch (TimeoutException e) {
            error = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = e;
        } catch (RuntimeException e) {
            error = e;
        }
        if (error instanceof NotAcknowledgedException notAcknowledged) {
            parser.notStored(notAcknowledged.unacknowledgedEvents());
        }
        if (unacknowledged.incrementAndGet() == 1 || unacknowledged.get() % 1000 == 0) {
            LOG.warn("MQTT messages are not acknowledged because Kafka did not take their records ({} so far), latest on {}: {}",
                    unacknowledged.get(), topic, String.valueOf(error));
        }
        return false;
    }

    private void acknowledge(MqttMessage message) {
        if (message.getQos() == 0) {
            return;
        }
        try {
            client.messageArrivedComplete(message.getId(), message.getQos());
        } catch (MqttException e) {
            // The connection is gone: the broker redelivers the message, which then is a DUPLICATE.
            LOG.debug("cannot acknowledge MQTT message {}: {}", message.getId(), e.toString());
        }
    }

    /**
     * Reconnects after {@value #REDELIVERY_DELAY_MS} ms, from another thread (Paho cannot disconnect from its own
     * callback), so the broker redelivers what was not acknowledged; once per burst of failures.
     */
    private void redeliverLater() {
        if (closed || !redeliveryScheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            redelivery.schedule(this::reconnectForRedelivery, REDELIVERY_DELAY_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            redeliveryScheduled.set(false); // closed meanwhile
        }
    }

    private void reconnectForRedelivery() {
        redeliveryScheduled.set(false);
        if (closed) {
            return;
        }
        try {
            if (client.isConnected()) {
                client.disconnect(0).waitForCompletion(TIMEOUT_MS);
            }
            client.connect(options).waitForCompletion(TIMEOUT_MS);
            client.subscribe(topicFilter, qos).waitForCompletion(TIMEOUT_MS);
            LOG.info("Reconnected to MQTT {} to have unacknowledged messages redelivered", serverUri);
        } catch (MqttException e) {
            LOG.warn("Reconnecting to MQTT {} for redelivery failed: {}; trying again", serverUri, e.toString());
            redeliverLater();
        }
    }

    private ParseOutcome.Rejected tooLarge(byte[] payload, String topic) {
        tooLarge.incrementAndGet();
        return parser.refuse(ReasonCode.TOO_LARGE, "message of " + payload.length + " bytes exceeds the subscriber's limit of "
                + maxMessageBytes + " bytes", payload, topic);
    }

    private static int sensorLevel(String filter) {
        String[] levels = filter.split("/", -1);
        int level = -1;
        for (int i = 0; i < levels.length; i++) {
            if (levels[i].equals("+")) {
                if (level >= 0) {
                    throw new IllegalArgumentException("topic filter " + filter + " has more than one '+': which is the sensor id?");
                }
                level = i;
            }
        }
        return level;
    }

    private final class Callback implements MqttCallbackExtended {
        @Override
        public void connectComplete(boolean reconnect, String uri) {
            if (!reconnect) {
                return;
            }
            LOG.info("Reconnected to MQTT {}, renewing the subscription to {}", uri, topicFilter);
            try {
                client.subscribe(topicFilter, qos, null, new IMqttActionListener() {
                    @Override
                    public void onSuccess(IMqttToken token) {
                    }

                    @Override
                    public void onFailure(IMqttToken token, Throwable error) {
                        LOG.warn("Cannot renew the MQTT subscription to {}: {}", topicFilter, error.toString());
                    }
                });
            } catch (MqttException e) {
                LOG.warn("Cannot renew the MQTT subscription to {}: {}", topicFilter, e.toString());
            }
        }

        @Override
        public void connectionLost(Throwable cause) {
            if (!closed) {
                LOG.warn("Lost the MQTT connection to {} ({}); reconnecting", serverUri, String.valueOf(cause));
            }
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            handle(topic, message);
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }
    }
}
