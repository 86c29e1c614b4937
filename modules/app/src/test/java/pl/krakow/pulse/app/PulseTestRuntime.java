package pl.krakow.pulse.app;

import java.nio.file.Path;
import java.util.Map;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.testsupport.kafka.TopicReader;

/** Starts the real {@code pulse run} components on free loopback ports in a temporary data dir. */
final class PulseTestRuntime {

    private PulseTestRuntime() {
    }

    static PulseConfig config(Path dataDir, boolean replay) {
        return PulseConfig.load(null, Map.of(), Map.of(
                PulseConfig.DATA_DIR.name(), dataDir.toString(),
                PulseConfig.EMBEDDED_KAFKA_PORT.name(), "0",
                PulseConfig.EMBEDDED_REGISTRY_PORT.name(), "0",
                PulseConfig.EMBEDDED_MQTT_PORT.name(), "0",
                PulseConfig.HTTP_HOST.name(), "127.0.0.1",
                PulseConfig.HTTP_PORT.name(), "0",
                PulseConfig.REPLAY_ON_START.name(), Boolean.toString(replay)));
    }

    /**
     * Values of the IV.3 indicators held by the runtime's read model: what {@link #readTable} reads from
     * the topic should all be there. The read model also holds IV.4 and IV.5 values (bundled mobility
     * replay, simulated incidents), which change on their own schedule.
     */
    static long readModelIv3Size(PulseRuntime runtime) {
        var model = runtime.readModel();
        long n = 0;
        for (String id : model.indicatorIds()) {
            if (id.startsWith("iv3.")) {
                for (String scope : model.scopes(id)) {
                    n += model.history(id, scope, java.time.Instant.EPOCH, java.time.Instant.parse("2100-01-01T00:00:00Z")).size();
                }
            }
        }
        return n;
    }

    /** The indicator table as a table: the last value per key, read to the end of every partition. */
    static Map<String, IndicatorValue> readTable(PulseRuntime runtime) {
        return TopicReader.latestPerKey(runtime.clients(), runtime.serdes(), Topics.INDICATORS_IV3);
    }
}
