package pl.krakow.pulse.embedded;

import io.moquette.BrokerConstants;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import io.moquette.broker.security.IAuthenticator;
import io.moquette.broker.security.PermitAllAuthorizatorPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process MQTT 3.1.1 broker (Moquette) for the embedded default, so sensors can publish to
 * Kraków Pulse without an external broker. Non-persistent (sessions and queued QoS 1 messages live in
 * memory and are gone after a restart: sensors re-publish, and event ids make the re-delivery a
 * {@code DUPLICATE}), no TLS, no websockets, Moquette's telemetry off; its instance-id file goes to a
 * temporary directory deleted on {@link #close()}.
 *
 * <p>Binds {@code host} (default 127.0.0.1) on {@code port}, or on a free port when 0. With a
 * username and password only clients presenting them may connect (compared in constant time);
 * without, anonymous clients are allowed — bind to loopback then. Every client may publish and
 * subscribe to every topic. {@link #close()} is idempotent.
 *
 * <p><b>Message size.</b> The broker accepts MQTT packets whose remaining length (topic, packet id and
 * payload) is at most {@code maxMessageBytes}; a larger PUBLISH makes it close the publisher's connection,
 * the only answer MQTT 3.1.1 has, and the message is lost. Moquette's own default is 8,092 bytes, which
 * refused a valid 300-reading sensor batch of 24.6 KB, so this broker is always given a limit: by default
 * {@link #messageLimitFor(int) messageLimitFor(1 MiB)}, above the subscriber's payload limit, so that the
 * subscriber — not the broker — sees a message that is somewhat too large and dead-letters it with its reason.
 */
public final class EmbeddedMqttBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMqttBroker.class);

    /** Bytes of a PUBLISH packet besides its payload at most: a topic name of 65,535 bytes, its length, the packet id. */
    private static final int MAX_PUBLISH_OVERHEAD = 65_535 + 2 + 2;
    private static final int DEFAULT_PAYLOAD_LIMIT = 1024 * 1024;

    private final String host;
    private final int port;
    private final int maxMessageBytes;
    private final Server server = new Server();
    private final Path dataDir;
    private volatile boolean running;

    /** An anonymous broker on 127.0.0.1 and a free port. */
    public EmbeddedMqttBroker() {
        this("127.0.0.1", 0, null, null);
    }

    /** A broker with the default message limit, {@link #messageLimitFor(int) messageLimitFor(1 MiB)}. */
    public EmbeddedMqttBroker(String host, int port, String username, String password) {
        this(host, port, username, password, messageLimitFor(DEFAULT_PAYLOAD_LIMIT));
    }

    /**
     * The packet limit that admits every PUBLISH whose payload is at most twice {@code maxPayloadBytes}, whatever its
     * topic: what to give the broker when its subscriber refuses payloads above {@code maxPayloadBytes}, so a message
     * up to twice too large still reaches the subscriber and becomes a dead letter instead of a closed connection.
     */
    public static int messageLimitFor(int maxPayloadBytes) {
        return (int) Math.min(Integer.MAX_VALUE, 2L * maxPayloadBytes + MAX_PUBLISH_OVERHEAD);
    }

    /**
     * Starts the broker.
     *
     * @param host     the address to bind
     * @param port     the port, 0 for a free one
     * @param username required of clients when not null (then {@code password} too)
     * @param password the password for {@code username}
     * @param maxMessageBytes the largest MQTT packet accepted (remaining length: topic, packet id, payload); larger
     *                        PUBLISHes close the publisher's connection
     */
    public EmbeddedMqttBroker(String host, int port, String username, String password, int maxMessageBytes) {
        this.host = Objects.requireNonNull(host, "host");
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("give both a username and a password, or neither");
        }
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("maxMessageBytes must be positive: " + maxMessageBytes);
        }
        this.maxMessageBytes = maxMessageBytes;
        // A free port is picked here rather than binding port 0: Moquette 0.17 records the bound port from a Netty
        // listener into a plain HashMap that Server.getPort() also writes, so reading it back races (seen in CI as
        // a ConcurrentModificationException).
        this.port = port == 0 ? freePort(host) : port;
        Properties p = new Properties();
        p.setProperty(BrokerConstants.HOST_PROPERTY_NAME, host);
        p.setProperty(BrokerConstants.PORT_PROPERTY_NAME, Integer.toString(this.port));
        p.setProperty(BrokerConstants.WEB_SOCKET_PORT_PROPERTY_NAME, BrokerConstants.DISABLED_PORT_BIND);
        p.setProperty(BrokerConstants.PERSISTENCE_ENABLED_PROPERTY_NAME, "false");
        p.setProperty(BrokerConstants.ALLOW_ANONYMOUS_PROPERTY_NAME, Boolean.toString(username == null));
        p.setProperty(BrokerConstants.IMMEDIATE_BUFFER_FLUSH_PROPERTY_NAME, "true");
        p.setProperty(BrokerConstants.NETTY_MAX_BYTES_PROPERTY_NAME, Integer.toString(maxMessageBytes));
        // Moquette 0.17 reports usage to its authors by default: an in-process broker must not phone home.
        p.setProperty(BrokerConstants.ENABLE_TELEMETRY_NAME, "false");
        // Its only file without persistence is an instance UUID, written to ./data unless told otherwise.
        try {
            this.dataDir = Files.createTempDirectory("pulse-mqtt-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a data directory for the embedded MQTT broker", e);
        }
        p.setProperty(BrokerConstants.DATA_PATH_PROPERTY_NAME, dataDir.toString());
        IAuthenticator authenticator = username == null ? (clientId, user, pass) -> true : credentials(username, password);
        try {
            server.startServer(new MemoryConfig(p), List.of(), null, authenticator, new PermitAllAuthorizatorPolicy());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded MQTT broker on " + host + ":" + this.port, e);
        }
        running = true;
        LOG.info("Embedded MQTT broker listening on {}{}, messages up to {} bytes", serverUri(),
                username == null ? " (anonymous)" : "", maxMessageBytes);
    }

    /** The bound port. */
    public int port() {
        return port;
    }

    /** The largest MQTT packet (remaining length) the broker accepts. */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /** For MQTT clients, e.g. {@code tcp://127.0.0.1:34567}. */
    public String serverUri() {
        return "tcp://" + (host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":" + port;
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        server.stopServer();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", dataDir, e.toString());
        }
        LOG.info("Embedded MQTT broker stopped");
    }

    private static IAuthenticator credentials(String username, String password) {
        byte[] expectedUser = username.getBytes(StandardCharsets.UTF_8);
        byte[] expectedPass = password.getBytes(StandardCharsets.UTF_8);
        return (clientId, user, pass) -> {
            boolean userOk = user != null && MessageDigest.isEqual(expectedUser, user.getBytes(StandardCharsets.UTF_8));
            boolean passOk = pass != null && MessageDigest.isEqual(expectedPass, pass);
            return userOk & passOk;
        };
    }

    private static int freePort(String host) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(host, 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host, e);
        }
    }
}
