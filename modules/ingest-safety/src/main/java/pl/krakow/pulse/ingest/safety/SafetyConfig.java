package pl.krakow.pulse.ingest.safety;

import java.time.Duration;
import java.util.List;
import pl.krakow.pulse.ingest.IngestConfig;
import pl.krakow.pulse.ingest.push.BearerTokens;
import pl.krakow.pulse.platform.config.ConfigKey;

/**
 * The keys of the safety ingest: the SIMULATED Kraków incident feed and the incident push endpoint for city systems.
 *
 * <p>{@link #KEYS} lists them in documentation order; {@code pulse config} and the README table show them in
 * that order among the other modules' keys.
 */
public final class SafetyConfig {

    private SafetyConfig() {
    }

    public static final ConfigKey<Boolean> SIMULATOR_ENABLED = ConfigKey.bool("safety.simulator.enabled", "safety", true,
            "pulse run feeds SIMULATED Kraków road incidents (feed=simulated; calibrated to Kraków 2020: 8 045 road events, "
                    + "596 injured, 10 killed) into safety.incidents.v1, since no real Kraków incident feed is bundled. Against a "
                    + "cluster (bootstrap.servers set) off unless set explicitly.");
    public static final ConfigKey<Duration> SIMULATOR_BACKFILL = ConfigKey.duration("safety.simulator.backfill", "safety",
            Duration.ofDays(400), "How far back the simulator fills at start-up (then it runs live at the calibrated rate); "
                    + "400 days fill the rolling 12-month and year-to-date windows.");
    public static final ConfigKey<BearerTokens> PUSH_HTTP_TOKENS = IngestConfig.bearerTokens("safety.push.http.tokens", "safety",
            "Bearer tokens of the incident push endpoint for city systems (POST /ingest/v1/incidents), as client:token,client:token. "
                    + "Empty = the endpoint is not started. Binds to ingest.push.http.host.");
    public static final ConfigKey<Integer> PUSH_HTTP_PORT = ConfigKey.integer("safety.push.http.port", "safety", 8086,
            "Port of the incident push endpoint (0 = any free port).").withValidator(ConfigKey.port());

    /** Every key of this module, in documentation order. */
    public static final List<ConfigKey<?>> KEYS = List.of(
            SIMULATOR_ENABLED, SIMULATOR_BACKFILL, PUSH_HTTP_TOKENS, PUSH_HTTP_PORT);
}
