package pl.krakow.pulse.publish;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the process says about its readiness, as {@code GET /ready} reports it: a verdict and one
 * line per check, e.g. {@code "topics" -> "present"}, {@code "indicators-iv3" -> "RUNNING"}.
 * The API server adds its own read-model check, so the app only reports what it owns.
 *
 * @param ready  true when every check the app owns passed
 * @param checks check name to a short human-readable state, in the order given
 */
public record ReadinessReport(boolean ready, Map<String, String> checks) {

    public ReadinessReport {
        checks = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(checks, "checks")));
    }

    public static ReadinessReport up(Map<String, String> checks) {
        return new ReadinessReport(true, checks);
    }

    public static ReadinessReport down(Map<String, String> checks) {
        return new ReadinessReport(false, checks);
    }
}
