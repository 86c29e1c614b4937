package pl.krakow.pulse.alerting.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import pl.krakow.pulse.events.alerts.Alert;

/**
 * The JSON body a webhook receives: every field of the Avro {@code Alert}, instants as ISO-8601 UTC,
 * plus the delivery's {@code idempotencyKey} (also sent as the {@code Idempotency-Key} header).
 */
public final class AlertJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AlertJson() {
    }

    public static byte[] toJson(Alert a, String idempotencyKey) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("idempotencyKey", idempotencyKey);
        n.put("alertId", a.getAlertId());
        n.put("indicatorId", a.getIndicatorId());
        n.put("scope", a.getScope());
        n.put("ruleId", a.getRuleId());
        n.put("kind", a.getKind().name());
        n.put("level", a.getLevel().name());
        n.put("state", a.getState().name());
        n.put("provisional", a.getProvisional());
        putNumber(n, "value", a.getValue());
        putNumber(n, "threshold", a.getThreshold());
        n.put("unit", a.getUnit());
        n.put("thresholdSource", a.getThresholdSource());
        putInstant(n, "windowStart", a.getWindowStart());
        putInstant(n, "windowEnd", a.getWindowEnd());
        putInstant(n, "firstSeen", a.getFirstSeen());
        putInstant(n, "lastUpdated", a.getLastUpdated());
        try {
            return MAPPER.writeValueAsString(n).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putNumber(ObjectNode n, String field, Double v) {
        if (v == null || !Double.isFinite(v)) {
            n.putNull(field);
        } else {
            n.put(field, v);
        }
    }

    private static void putInstant(ObjectNode n, String field, Instant t) {
        if (t == null) {
            n.putNull(field);
        } else {
            n.put(field, t.toString());
        }
    }
}
