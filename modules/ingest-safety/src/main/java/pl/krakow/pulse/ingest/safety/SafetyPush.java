package pl.krakow.pulse.ingest.safety;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import pl.krakow.pulse.ingest.EventSink;
import pl.krakow.pulse.ingest.push.BearerTokens;
import pl.krakow.pulse.ingest.push.SensorPushServer;

/**
 * The authenticated push endpoint for city systems: {@code POST /ingest/v1/incidents} with the JSON of
 * {@link IncidentJsonParser}. Same contract as the sensor endpoint (bearer tokens, 401/413/415/202/400/503, good
 * records of a mixed batch published, rejections on {@code ingest.rejected.v1}); see ingest-core's
 * {@link SensorPushServer}.
 */
public final class SafetyPush {

    public static final String PATH = "/ingest/v1/incidents";

    private SafetyPush() {
    }

    /** The endpoint on {@code host:port}, not started ({@link SensorPushServer#start()} binds it). */
    public static SensorPushServer server(IncidentJsonParser parser, EventSink sink, Map<String, String> tokenToClient,
                                          String host, int port) {
        return server(parser, sink, new BearerTokens(tokenToClient), host, port, new SimpleMeterRegistry());
    }

    /**
     * The same with the tokens as configured ({@code safety.push.http.tokens}), parsed once at load; 503s are counted in
     * {@code meters}.
     */
    public static SensorPushServer server(IncidentJsonParser parser, EventSink sink, BearerTokens tokens, String host, int port,
                                          MeterRegistry meters) {
        return new SensorPushServer(PATH, parser, sink, tokens, host, port, SensorPushServer.DEFAULT_MAX_BODY_BYTES, meters);
    }
}
