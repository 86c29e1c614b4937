package pl.krakow.pulse.ingest.push;

import java.util.List;
import java.util.Objects;
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
 *   <li>A message is never allowed to end the subscription: whatever the parser or the sink throws is
 *       logged and counted ({@link #failedMessages()}), and the callback returns normally (Paho
 *       disconnects a client whose callback throws).</li>
 *   <li>The sink is flushed per message before the callback returns, so a QoS 1 message is
 *       acknowledged to the broker only once its records were handed to Kafka.</li>
 *   <li>Automatic reconnect with a clean session; the subscription is renewed on every reconnect.
 *       Messages published while disconnected are lost unless the sensor re-publishes (QoS 1 with a
 *       clean session keeps nothing).</li>
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
        options.setCleanSession(true);
        options.setMaxReconnectDelay(30_000);
        options.setConnectionTimeout(10);
        options.setKeepAliveInterval(30);
        if (username != null) {
            options.setUserName(username);
            options.setPassword(password == null ? new char[0] : password.toCharArray());
        }
    }

    private MqttAsyncClient newClient() {
        try {
            MqttAsyncClient created = new MqttAsyncClient(serverUri, clientId, new MemoryPersistence());
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

    /** Messages whose handling threw (parser bug, closed sink); their records may be lost. */
    public long failedMessages() {
        return failed.get();
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
        try {
            byte[] payload = message.getPayload();
            List<ParseOutcome> outcomes = payload.length <= maxMessageBytes ? parser.parse(payload, topic, sensorIdOf(topic))
                    : List.of(tooLarge(payload, topic));
            outcomes.forEach(sink::publish);
            sink.flush();
        } catch (RuntimeException e) {
            // Never rethrown: Paho would drop the connection and, with it, every other sensor.
            if (failed.incrementAndGet() == 1 || failed.get() % 1000 == 0) {
                LOG.warn("Handling MQTT messages fails ({} so far), latest on {}: {}", failed.get(), topic, e.toString());
            }
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
